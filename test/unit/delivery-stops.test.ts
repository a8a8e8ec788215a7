// A run that stops: a mail transport that is down stops the run after the first send that
// meets it; an interrupted run starts no further send and gives back the claims it had not
// handed over; a claim never handed over is taken over later without the duplicate mark.
import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import { listClaimsInFlight } from '#core/delivery-in-flight.ts';
import { MailSendError, MailTransportDownError } from '#core/delivery-ports.ts';
import {
  addresses,
  FAST_RETRY,
  handMadeArchivedReport,
  memoryPorts,
  RecordingTransport,
  recipientsFor,
} from './delivery-fixtures.ts';

const refused = () =>
  new MailSendError('SMTP ESOCKET: connect ECONNREFUSED 127.0.0.1:2525', true, { transportDown: true });
const key = (recipient: string) => ({ reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient });

describe('a mail transport that is down', () => {
  it('stops the run after the first send that meets it, retries nothing, and leaves no claim behind', async () => {
    const transport = new RecordingTransport(() => refused());
    const ledger = new MemoryLedger();
    const ports = memoryPorts({ transport, ledger });

    const run = deliverAudienceReport(handMadeArchivedReport(), recipientsFor(addresses(10)), ports, {
      ...FAST_RETRY,
      concurrency: 1,
    });

    await expect(run).rejects.toBeInstanceOf(MailTransportDownError);
    await expect(run).rejects.toMatchObject({ notSent: 10 });
    await expect(run).rejects.toThrow(
      /^mail transport memory is down: SMTP ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:2525; stopped at hq-weekly 2019-W48 hq with 10 recipient\(s\) not sent/,
    );
    expect(transport.calls).toHaveLength(1);
    expect([...ledger.records.values()].map((record) => [record.recipient, record.status])).toEqual([
      ['reader-1@example.com', 'failed'],
    ]);
  });

  it('still retries a failure of one recipient and goes on with the others', async () => {
    const transport = new RecordingTransport((mail, call) =>
      mail.to === 'reader-1@example.com' && call === 1
        ? new MailSendError('SMTP 451: try again later', true)
        : undefined,
    );
    const ports = memoryPorts({ transport });

    const summary = await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(addresses(3)), ports, {
      ...FAST_RETRY,
      concurrency: 1,
    });

    expect(summary).toMatchObject({ sent: 3, failed: 0, notSent: 0 });
    expect(transport.calls).toHaveLength(4);
  });
});

describe('an interrupted run', () => {
  it('starts no further send, gives back its claims, and names what was left', async () => {
    const interrupt = new AbortController();
    // The operator presses Ctrl-C while the second message is on its way.
    const transport = new RecordingTransport((_mail, call) => {
      if (call === 2) interrupt.abort();
      return undefined;
    });
    const ledger = new MemoryLedger();
    const progress: number[] = [];

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(5)),
      memoryPorts({ transport, ledger }),
      {
        ...FAST_RETRY,
        concurrency: 1,
        signal: interrupt.signal,
        onProgress: ({ done }) => progress.push(done),
      },
    );

    expect(summary.recipients.map((outcome) => [outcome.recipient, outcome.status, outcome.notSent ?? null])).toEqual([
      ['reader-1@example.com', 'sent', null],
      ['reader-2@example.com', 'sent', null],
      ['reader-3@example.com', 'failed', 'interrupted'],
      ['reader-4@example.com', 'failed', 'interrupted'],
      ['reader-5@example.com', 'failed', 'interrupted'],
    ]);
    expect(summary).toMatchObject({ sent: 2, failed: 3, notSent: 3 });
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    expect(
      await listClaimsInFlight(ledger, 'hq-weekly', '2019-W48', ['hq'], new Date('2019-12-02T01:00:00.000Z')),
    ).toEqual([]);
  });
});

describe('a claim its run never handed over', () => {
  it('is taken over after its lease without the duplicate mark, and status sees it in flight until then', async () => {
    const ports = memoryPorts();
    const ledger = ports.ledger as MemoryLedger;
    // A run claimed reader-1 and died before the transport had its message.
    await ledger.create({
      ...key('reader-1@example.com'),
      status: 'sending',
      attempts: 0,
      messageId: '<m@example.com>',
      updatedAt: '2019-12-02T00:40:00.000Z',
      leaseUntil: '2019-12-02T00:55:00.000Z',
      correction: false,
      possibleDuplicate: false,
      dispatched: false,
      version: 1,
    });

    const inFlight = await listClaimsInFlight(
      ledger,
      'hq-weekly',
      '2019-W48',
      ['hq'],
      new Date('2019-12-02T00:50:00.000Z'),
    );
    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      ports,
      FAST_RETRY,
    );

    expect(inFlight).toEqual([
      {
        reportId: 'hq-weekly',
        periodId: '2019-W48',
        audience: 'hq',
        recipient: 'reader-1@example.com',
        leaseUntil: '2019-12-02T00:55:00.000Z',
        expired: false,
        handedOver: false,
        possibleDuplicate: false,
      },
    ]);
    expect(summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: false });
    expect(await ledger.get(key('reader-1@example.com'))).toMatchObject({
      status: 'sent',
      possibleDuplicate: false,
      messageId: '<m@example.com>',
    });
  });
});
