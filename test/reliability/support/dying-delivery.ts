// A delivery run that dies: started as a child process by faults-delivery.test.ts, it archives
// the HQ weekly 2019-W48 briefing, then delivers it through the file transport and the file
// ledger, one recipient at a time, and kills its own process the moment the first message has
// been accepted: after the send, before the ledger records it.
//   node bin/run-ts.js test/reliability/support/dying-delivery.ts <lakeDir> <outDir> <nowIso>
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { besideReport, FileTransport } from '#adapters/mail/file-transport.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import type { MailTransport } from '#core/delivery-ports.ts';
import { parseRecipients } from '#core/recipients.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { archiveReports } from './briefing-runs.ts';

export const DIED = 137;

const [lakeDir, outDir, nowIso] = process.argv.slice(2) as [string, string, string];
const recipients = parseRecipients(JSON.parse(await readFile('config/recipients.json', 'utf8')));
const { archived } = await archiveReports(lakeDir, outDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
const file = new FileTransport(besideReport(outDir));
const dying: MailTransport = {
  name: 'file',
  async send(mail) {
    await file.send(mail);
    process.exit(DIED);
  },
};
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
await deliverAudienceReport(
  archived[0]!,
  recipients,
  {
    transport: dying,
    ledger: new FileLedger(join(outDir, 'ledger')),
    store: new FsReportStore(outDir),
    clock: { now: () => new Date(nowIso) },
    log: silent,
    composer: createBriefingMessageComposer(),
  },
  { concurrency: 1 },
);
// Reaching this line means the process did not die where it should have.
process.exit(0);
