// Faults of delivery and archiving, injected at the adapter boundaries around the real file
// transport, file ledger and file archive:
//   (b) the transport refuses some recipients: the rest are delivered, a rerun completes the
//       others, and nobody holds two copies;
//   (c) the process dies between a send and its ledger record: the rerun sends that message
//       again, flagged X-MNP-Possible-Duplicate, with the same Message-ID: at most one duplicate;
//   (d) an archive write fails: the run fails before anything is sent.
// Mailboxes are the file transport's outboxes, counted message by message after each scenario.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { besideReport, FileTransport } from '#adapters/mail/file-transport.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { type LocalRuntime, openLocalRuntime } from '#cli/local-runtime.ts';
import { runReportJob } from '#cli/report-job.ts';
import { type DeliveryPorts, type DeliverySummary, deliverAudienceReport } from '#core/delivery.ts';
import { MailSendError } from '#core/delivery-ports.ts';
import { ArchiveError, DeliveryError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';
import { parseRecipients, type RecipientsConfig } from '#core/recipients.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { archiveReports, GENERATED_AT } from './support/briefing-runs.ts';
import { FaultyStore, FaultyTransport } from './support/faulty-ports.ts';
import { countMailboxes, filesUnder, type MailboxCount } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const tally = createTally('faults-delivery');
const FAST_RETRY = { retry: { retries: 2, minDelayMs: 5, maxDelayMs: 20 } };
const PROVINCES = ['11', '13', '44'];
const MINUTE = 60_000;

let root: string;
let lakeDir: string;
let recipients: RecipientsConfig;
let scenario = 0;

/** A fresh output folder for each scenario, so no mailbox counts another's messages. */
function nextOutDir(): string {
  scenario += 1;
  return join(root, `out-${scenario}`);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-delivery-faults-'));
  lakeDir = join(root, 'lake');
  await writeHandMadeLake(lakeDir);
  recipients = parseRecipients(JSON.parse(await readFile('config/recipients.json', 'utf8')));
});

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

const silentLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

function deliveryPorts(outDir: string, overrides: Partial<DeliveryPorts> & { now: Date }): DeliveryPorts {
  const { now, ...rest } = overrides;
  return {
    transport: new FileTransport(besideReport(outDir)),
    ledger: new FileLedger(join(outDir, 'ledger')),
    store: new FsReportStore(outDir),
    clock: { now: () => now },
    log: silentLog,
    composer: createBriefingMessageComposer(),
    ...rest,
  };
}

async function deliverAll(archived: readonly ArchivedReport[], ports: DeliveryPorts): Promise<DeliverySummary[]> {
  const summaries: DeliverySummary[] = [];
  for (const report of archived) summaries.push(await deliverAudienceReport(report, recipients, ports, FAST_RETRY));
  return summaries;
}

const totals = (summaries: readonly DeliverySummary[]) => ({
  sent: summaries.reduce((sum, summary) => sum + summary.sent, 0),
  skipped: summaries.reduce((sum, summary) => sum + summary.skipped, 0),
  failed: summaries.reduce((sum, summary) => sum + summary.failed, 0),
});

function recordMailboxes(counts: readonly MailboxCount[]) {
  tally.mailboxes(counts);
}

describe('(b) a transport that refuses some recipients', () => {
  it('delivers the rest; a rerun completes the others; nobody gets two copies', async () => {
    const outDir = nextOutDir();
    const { archived } = await archiveReports(lakeDir, outDir, {
      reportId: 'province-monthly',
      periodId: '2019-11',
      audiences: PROVINCES,
    });
    const refused = 'branch-13-cx@example.com';
    const unreachable = 'branch-44-manager@example.com';
    const faulty = new FaultyTransport(new FileTransport(besideReport(outDir)), (mail) =>
      mail.to === refused
        ? new MailSendError('SMTP 550: 5.1.1 mailbox unavailable', false)
        : mail.to === unreachable
          ? new MailSendError('SMTP 451: 4.4.1 try again later', true)
          : undefined,
    );

    const first = await deliverAll(archived, deliveryPorts(outDir, { transport: faulty, now: GENERATED_AT }));
    const second = await deliverAll(
      archived,
      deliveryPorts(outDir, { now: new Date(GENERATED_AT.getTime() + 30 * MINUTE) }),
    );
    const third = await deliverAll(
      archived,
      deliveryPorts(outDir, { now: new Date(GENERATED_AT.getTime() + 60 * MINUTE) }),
    );

    tally.fault(faulty.injected);
    expect(totals(first)).toEqual({ sent: 4, skipped: 0, failed: 2 });
    // The permanent refusal is tried once; the transient one, once and twice more.
    expect(faulty.injected).toBe(1 + 3);
    expect(
      first
        .flatMap((summary) =>
          summary.recipients.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.recipient),
        )
        .sort(),
    ).toEqual([refused, unreachable].sort());
    expect(totals(second)).toEqual({ sent: 2, skipped: 4, failed: 0 });
    expect(
      second
        .flatMap((summary) =>
          summary.recipients.filter((outcome) => outcome.status === 'sent').map((outcome) => outcome.recipient),
        )
        .sort(),
    ).toEqual([refused, unreachable].sort());
    expect(totals(third)).toEqual({ sent: 0, skipped: 6, failed: 0 });
    const mailboxes = await countMailboxes(outDir);
    recordMailboxes(mailboxes);
    expect(mailboxes.map((mailbox) => [mailbox.audience, mailbox.recipient, mailbox.total, mailbox.flagged])).toEqual(
      PROVINCES.flatMap((code) =>
        [...recipients.audiences[code]!.to].sort().map((recipient) => [code, recipient, 1, 0]),
      ),
    );
    // A recipient completed by the rerun gets the Message-ID the others got.
    for (const code of PROVINCES)
      expect(
        new Set(mailboxes.filter((mailbox) => mailbox.audience === code).flatMap((mailbox) => mailbox.messageIds)).size,
        code,
      ).toBe(1);
  });
});

describe('(c) a process that dies between sending and recording', () => {
  function dyingRun(outDir: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['bin/run-ts.js', 'test/reliability/support/dying-delivery.ts', lakeDir, outDir, GENERATED_AT.toISOString()],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 137 ? resolve(code) : reject(new Error(`the dying run exited with ${code}: ${stderr}`)),
      );
    });
  }

  it('sends that message again once the claim expires, flagged as a possible duplicate: at most one duplicate', async () => {
    const outDir = nextOutDir();
    const [first, second] = [...recipients.audiences['hq']!.to];

    expect(await dyingRun(outDir)).toBe(137);
    tally.fault();
    const ledger = new FileLedger(join(outDir, 'ledger'));
    const key = { reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq' };
    expect(await ledger.get({ ...key, recipient: first! })).toMatchObject({ status: 'sending' });
    expect(await ledger.get({ ...key, recipient: second! })).toBeUndefined();
    expect((await countMailboxes(outDir)).map((mailbox) => [mailbox.recipient, mailbox.total])).toEqual([[first, 1]]);

    const { archived } = await archiveReports(lakeDir, outDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
    const withinLease = await deliverAll(
      archived,
      deliveryPorts(outDir, { now: new Date(GENERATED_AT.getTime() + 5 * MINUTE) }),
    );
    const afterLease = await deliverAll(
      archived,
      deliveryPorts(outDir, { now: new Date(GENERATED_AT.getTime() + 16 * MINUTE) }),
    );
    const later = await deliverAll(
      archived,
      deliveryPorts(outDir, { now: new Date(GENERATED_AT.getTime() + 60 * MINUTE) }),
    );

    // Within the claim's lease the dead run still holds the first recipient; the second is sent.
    expect(
      withinLease[0]!.recipients.map((outcome) => [outcome.recipient, outcome.status, outcome.skipped ?? null]),
    ).toEqual([
      [first, 'skipped', 'in-progress'],
      [second, 'sent', null],
    ]);
    expect(
      afterLease[0]!.recipients.map((outcome) => [
        outcome.recipient,
        outcome.status,
        outcome.possibleDuplicate ?? false,
      ]),
    ).toEqual([
      [first, 'sent', true],
      [second, 'skipped', false],
    ]);
    expect(totals(later)).toEqual({ sent: 0, skipped: 2, failed: 0 });
    const mailboxes = await countMailboxes(outDir);
    recordMailboxes(mailboxes);
    const firstBox = mailboxes.find((mailbox) => mailbox.recipient === first)!;
    expect(firstBox).toMatchObject({ total: 2, flagged: 1 });
    expect(new Set(firstBox.messageIds).size).toBe(1);
    expect(mailboxes.find((mailbox) => mailbox.recipient === second)).toMatchObject({ total: 1, flagged: 0 });
    expect(await ledger.get({ ...key, recipient: first! })).toMatchObject({ status: 'sent', possibleDuplicate: true });
  }, 90_000);
});

describe('(d) an archive write that fails', () => {
  async function runProvinces(outDir: string, store: (inner: ReportStore) => ReportStore) {
    const runtime = await openLocalRuntime({ lakeDir, outDir, logSink: () => undefined });
    const transport = new FaultyTransport(new FileTransport(besideReport(outDir)), () => undefined);
    const ledger = new FileLedger(join(outDir, 'ledger'));
    try {
      const error = await runReportJob(
        {
          reportId: 'province-monthly',
          periodId: '2019-11',
          audiences: PROVINCES,
          homeOperator: 'CMCC',
          locale: 'en',
          deliver: true,
        },
        {
          runtime: { ...runtime, store: store(runtime.store) } as unknown as LocalRuntime,
          recipients,
          ledger,
          transport: async () => transport,
          now: () => GENERATED_AT,
        },
      ).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const records = (
        await Promise.all(PROVINCES.map((code) => ledger.list('province-monthly', '2019-11', code)))
      ).flat();
      return { error, transport, records };
    } finally {
      await runtime.close();
    }
  }

  it('of a report fails the run before anything is sent to any province', async () => {
    const outDir = nextOutDir();
    let faulty: FaultyStore | undefined;

    const run = await runProvinces(
      outDir,
      (inner) => (faulty = new FaultyStore(inner, (key) => key === 'province-monthly/2019-11/44/briefing.html')),
    );

    tally.fault(faulty!.injected);
    expect(run.error).toBeInstanceOf(ArchiveError);
    expect(faulty!.injected).toBe(1);
    expect(run.transport.attempts).toEqual([]);
    expect(run.records).toEqual([]);
    expect((await filesUnder(outDir)).filter((path) => path.endsWith('.eml'))).toEqual([]);
  });

  it('of a message fails that audience before sending it; a rerun sends it, once', async () => {
    const outDir = nextOutDir();
    const { archived } = await archiveReports(lakeDir, outDir, {
      reportId: 'province-monthly',
      periodId: '2019-11',
      audiences: ['13'],
    });
    const transport = new FaultyTransport(new FileTransport(besideReport(outDir)), () => undefined);
    const store = new FaultyStore(new FsReportStore(outDir), (key) => key.endsWith('/message.eml'));

    const failure = deliverAudienceReport(
      archived[0]!,
      recipients,
      deliveryPorts(outDir, { transport, store, now: GENERATED_AT }),
      FAST_RETRY,
    );
    await expect(failure).rejects.toBeInstanceOf(DeliveryError);
    await expect(failure).rejects.toThrow(/the message could not be built or archived/);
    tally.fault(store.injected);
    expect(transport.attempts).toEqual([]);
    const rerun = await deliverAudienceReport(
      archived[0]!,
      recipients,
      deliveryPorts(outDir, { transport, now: GENERATED_AT }),
      FAST_RETRY,
    );

    expect(rerun.sent).toBe(2);
    const mailboxes = await countMailboxes(outDir);
    recordMailboxes(mailboxes);
    expect(mailboxes.map((mailbox) => mailbox.total)).toEqual([1, 1]);
  });
});
