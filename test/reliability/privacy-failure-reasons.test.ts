// Privacy of failure reasons: a mail server's or SES's refusal often quotes the address it
// refused ("5.1.1 <x@example.com>: Recipient address rejected", "The following identities failed
// the check: x@example.com"). The reason travels on: into the summary, the ledger record, and
// in AWS into the Deliver step's error, which the Lambda runtime logs and the state machine
// keeps in its history. None of those may carry the full address.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { createRenderers } from '#cli/local-runtime.ts';
import { deliverAudienceReport, maskAddresses } from '#core/delivery.ts';
import { MailSendError } from '#core/delivery-ports.ts';
import { DeliveryError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';
import { prepareRun } from '#core/report-run.ts';
import { deliverStep } from '#handlers/steps/deliver-step.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { FAST_RETRY, memoryLogger, RecordingTransport } from '../unit/delivery-fixtures.ts';
import { archiveReports, GENERATED_AT } from './support/briefing-runs.ts';
import { createTally } from './support/tally.ts';

const REFUSED = 'strategy-office@example.com';
const SES_REJECTION = `SES MessageRejected (HTTP 400): Email address is not verified. The following identities failed the check in region CN-NORTH-1: ${REFUSED}`;
const SMTP_REJECTION = `SMTP 550: 5.1.1 <${REFUSED}>: Recipient address rejected: User unknown in virtual mailbox table`;

const tally = createTally('privacy-failure-reasons');
let root: string;
let lakeDir: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-failure-reasons-'));
  lakeDir = join(root, 'lake');
  await writeHandMadeLake(lakeDir);
});

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

const refusing = (text: string) =>
  new RecordingTransport((mail) => (mail.to === REFUSED ? new MailSendError(text, false) : undefined));

describe('masking the addresses in a text', () => {
  it('keeps the first letter and the domain of each address, and nothing else changes', () => {
    expect(maskAddresses(SMTP_REJECTION)).toBe(
      'SMTP 550: 5.1.1 <s***@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    );
    expect(maskAddresses('a@x.cn, Bob.Li+mnp@mail.example.com; no address here')).toBe(
      'a***@x.cn, B***@mail.example.com; no address here',
    );
  });
});

describe.each([
  ['SMTP', SMTP_REJECTION],
  ['SES', SES_REJECTION],
])('a refusal by %s that quotes the address', (_kind, text) => {
  it('leaves no full address in the reason, the ledger record error or the log', async () => {
    tally.fault();
    const { archived } = await archiveReports(lakeDir, join(root, `out-${_kind}`), {
      reportId: 'hq-weekly',
      periodId: '2019-W48',
    });
    const ledger = new MemoryLedger();
    const log = memoryLogger();
    const recipients = JSON.parse(await readFile('config/recipients.json', 'utf8'));
    const store = new FsReportStore(join(root, `out-${_kind}`));

    const summary = await deliverAudienceReport(
      archived[0]!,
      recipients,
      {
        transport: refusing(text),
        ledger,
        store,
        clock: { now: () => GENERATED_AT },
        log,
        composer: createBriefingMessageComposer(),
      },
      FAST_RETRY,
    );

    const failed = summary.recipients.find((outcome) => outcome.status === 'failed')!;
    expect(failed.recipient).toBe(REFUSED);
    expect(failed.reason).toContain('s***@example.com');
    // The ledger is keyed by the address itself; what it says about the failure is masked.
    const places = [failed.reason, ...ledger.writes.map((record) => record.error ?? ''), JSON.stringify(log.lines)];
    const leaks = places.filter((place) => place!.includes(REFUSED));
    tally.leaks(leaks.length, places.length);
    expect(leaks).toEqual([]);
  });
});

describe('the Deliver step of the state machine', () => {
  it('fails with an error that names the refused recipient masked, reason included', async () => {
    const store: ReportStore = new FsReportStore(join(root, 'aws'));
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      const snapshot = await prepareRun(
        { reportId: 'hq-weekly', periodId: '2019-W48', homeOperator: 'CMCC', generatedAt: GENERATED_AT },
        { engine, inventory: new FsLake(lakeDir) },
      );
      await store.put('runs/hq-weekly/2019-W48/snapshot.json', JSON.stringify(snapshot), 'application/json');
    } finally {
      await engine.close();
    }
    await store.put('config/recipients.json', await readFile('config/recipients.json'), 'application/json');
    const renderers = createRenderers();
    tally.fault();

    const failure = await deliverStep(
      { snapshotKey: 'runs/hq-weekly/2019-W48/snapshot.json', audience: 'hq' },
      { key: 'config/recipients.json', sendingDomain: 'example.com' },
      {
        store,
        rendererFor: (locale) => renderers[locale],
        delivery: {
          transport: refusing(SES_REJECTION),
          ledger: new MemoryLedger(),
          composer: createBriefingMessageComposer(),
          clock: { now: () => GENERATED_AT },
        },
        log: memoryLogger(),
      },
      FAST_RETRY,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(DeliveryError);
    const message = (failure as Error).message;
    expect(message).toContain('s***@example.com');
    tally.leaks(message.includes(REFUSED) ? 1 : 0, 1);
    expect(message).not.toContain(REFUSED);
  });
});
