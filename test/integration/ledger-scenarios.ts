// Exactly-once, as scenarios any DeliveryLedger must pass: the file ledger and the DynamoDB
// ledger run the same ones. Each scenario delivers a hand-made briefing to a group of
// recipients through transports that keep (or refuse) what they are given.
import { expect, it } from 'vitest';
import { type DeliveryOptions, deliverAudienceReport } from '#core/delivery.ts';
import type { DeliveryLedger, OutgoingMail } from '#core/delivery-ports.ts';
import {
  addresses,
  FAST_RETRY,
  handMadeArchivedReport,
  memoryPorts,
  parseMessage,
  RecordingTransport,
  recipientsFor,
} from '../unit/delivery-fixtures.ts';

export interface LedgerScenarioContext {
  /** A ledger over the same storage as every other ledger this scenario opens. */
  openLedger(scenario: string): DeliveryLedger;
}

function countsOf(transports: readonly RecordingTransport[], to: readonly string[]): Record<string, number> {
  const delivered: OutgoingMail[] = transports.flatMap((transport) => transport.delivered);
  return Object.fromEntries(
    to.map((recipient) => [recipient, delivered.filter((mail) => mail.to === recipient).length]),
  );
}

const once = (to: readonly string[]) => Object.fromEntries(to.map((recipient) => [recipient, 1]));

export function exactlyOnceScenarios(context: LedgerScenarioContext): void {
  const options: DeliveryOptions = { ...FAST_RETRY, concurrency: 4 };

  it('completes a run that failed after half its recipients, sending each recipient exactly one message', async () => {
    const to = addresses(8);
    const secondHalf = new Set(to.slice(4));
    const failing = new RecordingTransport((mail) =>
      secondHalf.has(mail.to) ? new Error('connection lost') : undefined,
    );
    const healthy = new RecordingTransport();
    const ledger = context.openLedger('half');

    const first = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(to),
      memoryPorts({ ledger, transport: failing }),
      options,
    );
    const second = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(to),
      memoryPorts({ ledger: context.openLedger('half'), transport: healthy }),
      options,
    );

    expect([first.sent, first.failed]).toEqual([4, 4]);
    expect([second.sent, second.skipped]).toEqual([4, 4]);
    expect(countsOf([failing, healthy], to)).toEqual(once(to));
    const records = await ledger.list('hq-weekly', '2019-W48', 'hq');
    expect(records.map((record) => record.status)).toEqual(to.map(() => 'sent'));
    expect(
      records
        .filter((record) => record.attempts === 2)
        .map((record) => record.recipient)
        .sort(),
    ).toEqual([...secondHalf].sort());
  });

  it('sends once per recipient when two runs start together over the same ledger', async () => {
    const to = addresses(12);
    const one = new RecordingTransport();
    const two = new RecordingTransport();

    const [a, b] = await Promise.all([
      deliverAudienceReport(
        handMadeArchivedReport(),
        recipientsFor(to),
        memoryPorts({ ledger: context.openLedger('together'), transport: one }),
        options,
      ),
      deliverAudienceReport(
        handMadeArchivedReport(),
        recipientsFor(to),
        memoryPorts({ ledger: context.openLedger('together'), transport: two }),
        options,
      ),
    ]);

    expect(countsOf([one, two], to)).toEqual(once(to));
    expect(a.sent + b.sent).toBe(12);
    expect(a.failed + b.failed).toBe(0);
    const third = new RecordingTransport();
    const rerun = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(to),
      memoryPorts({ ledger: context.openLedger('together'), transport: third }),
      options,
    );
    expect(rerun.skipped).toBe(12);
    expect(third.calls).toHaveLength(0);
  });

  it('sends a resend once more to each recipient, as a correction, and records it so', async () => {
    const to = addresses(3);
    const first = new RecordingTransport();
    const resend = new RecordingTransport();
    const ledger = context.openLedger('resend');
    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(to),
      memoryPorts({ ledger, transport: first }),
      options,
    );

    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(to),
      memoryPorts({ ledger, transport: resend }),
      { ...options, resend: true },
    );

    expect(countsOf([resend], to)).toEqual(once(to));
    expect((await parseMessage(resend.delivered[0]!.raw)).subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    const records = await ledger.list('hq-weekly', '2019-W48', 'hq');
    expect(records.map((record) => [record.status, record.correction])).toEqual(to.map(() => ['sent', true]));
  });

  it('resends a send whose run died before recording it, once its lease expires, flagged as a possible duplicate', async () => {
    const to = addresses(1);
    const ledger = context.openLedger('crash');
    const dying = memoryPorts({
      ledger: {
        ...ledger,
        get: (key) => ledger.get(key),
        list: (...args) => ledger.list(...args),
        create: (record) => ledger.create(record),
        replace: async (record) =>
          record.status === 'sending' ? ledger.replace(record) : Promise.reject(new Error('killed')),
      },
    });
    await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(to), dying, { ...options, leaseMs: 60_000 });
    const later = memoryPorts({ ledger: context.openLedger('crash') });
    later.clock.advance(61_000);

    const summary = await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(to), later, options);

    expect(summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: true });
    expect(
      await ledger.get({ reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient: to[0]! }),
    ).toMatchObject({ status: 'sent', possibleDuplicate: true, attempts: 1 });
  });
}
