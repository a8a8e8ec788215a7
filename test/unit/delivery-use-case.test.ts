// The delivery use case against in-memory ports: what is sent, skipped, refused and recorded.
import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import { DeliveryError } from '#core/errors.ts';
import {
  addresses,
  FAST_RETRY,
  handMadeArchivedReport,
  lostAfterData,
  memoryPorts,
  parseMessage,
  permanent,
  RecordingTransport,
  recipientsFor,
  transient,
} from './delivery-fixtures.ts';

const key = (recipient: string) => ({ reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient });

describe('a first delivery', () => {
  it('sends one message per recipient and records each as sent', async () => {
    const transport = new RecordingTransport();
    const ledger = new MemoryLedger();
    const ports = memoryPorts({ transport, ledger });
    const to = ['Executive-Office@example.com', 'strategy-office@example.com'];

    const summary = await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(to), ports, FAST_RETRY);

    expect(summary.recipients.map((outcome) => [outcome.recipient, outcome.status, outcome.attempts])).toEqual([
      ['Executive-Office@example.com', 'sent', 1],
      ['strategy-office@example.com', 'sent', 1],
    ]);
    expect(transport.delivered.map((mail) => mail.to)).toEqual(to);
    expect(transport.delivered.every((mail) => mail.from === 'briefings@example.com')).toBe(true);
    const record = await ledger.get(key('executive-office@example.com'));
    expect(record).toMatchObject({
      status: 'sent',
      attempts: 1,
      correction: false,
      possibleDuplicate: false,
      updatedAt: '2019-12-02T01:00:00.000Z',
    });
    expect(record?.messageId).toBe(summary.recipients[0]!.messageId);
    expect(record?.messageId).toMatch(/^<hq-weekly\.2019-W48\.hq\.[0-9a-f]{16}@example\.com>$/);
  });

  it('archives the message as message.eml beside the report, addressed to the whole group', async () => {
    const ports = memoryPorts();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(2)),
      ports,
      FAST_RETRY,
    );

    expect(summary.messageKey).toBe('hq-weekly/2019-W48/hq/message.eml');
    const mail = await parseMessage(ports.store.objects.get(summary.messageKey)!);
    expect(mail.subject).toBe('MNP weekly briefing 2019-W48');
    expect(summary.subject).toBe(mail.subject);
    expect(mail.messageId).toBe(summary.recipients[0]!.messageId);
    expect(
      (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((to) => to!.value.map((address) => address.address)),
    ).toEqual(addresses(2));
  });

  it('writes no full address into the logs', async () => {
    const ports = memoryPorts();

    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(['branch-44-manager@example.com']),
      ports,
      FAST_RETRY,
    );

    const logged = JSON.stringify(ports.log.lines);
    expect(logged).toContain('b***@example.com');
    expect(logged).not.toContain('branch-44-manager@');
  });
});

describe('a rerun', () => {
  it('skips the recipients already sent to and sends only the rest', async () => {
    const ports = memoryPorts();
    const first = recipientsFor(addresses(2));
    await deliverAudienceReport(handMadeArchivedReport(), first, ports, FAST_RETRY);
    const transport = new RecordingTransport();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(3)),
      { ...ports, transport },
      FAST_RETRY,
    );

    expect(summary.recipients.map((outcome) => outcome.status)).toEqual(['skipped', 'skipped', 'sent']);
    expect(summary.recipients.map((outcome) => outcome.skipped ?? null)).toEqual([
      'already-sent',
      'already-sent',
      null,
    ]);
    expect(transport.delivered.map((mail) => mail.to)).toEqual(['reader-3@example.com']);
  });
});

describe('failures', () => {
  it('retries a transient failure with backoff and records the attempts', async () => {
    const transport = new RecordingTransport((_mail, call) => (call <= 2 ? transient() : undefined));
    const ledger = new MemoryLedger();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      memoryPorts({ transport, ledger }),
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect((await ledger.get(key('reader-1@example.com')))?.attempts).toBe(3);
  });

  it('fails one recipient permanently while delivering the others, and names the failure', async () => {
    const transport = new RecordingTransport((mail) =>
      mail.to === 'reader-2@example.com' ? permanent('SMTP 550: 5.1.1 no such mailbox') : undefined,
    );
    const ledger = new MemoryLedger();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(3)),
      memoryPorts({ transport, ledger }),
      FAST_RETRY,
    );

    expect(summary).toMatchObject({ sent: 2, failed: 1, skipped: 0 });
    expect(summary.recipients[1]).toMatchObject({
      recipient: 'reader-2@example.com',
      status: 'failed',
      reason: 'SMTP 550: 5.1.1 no such mailbox',
      attempts: 1,
    });
    expect(transport.delivered.map((mail) => mail.to)).toEqual(['reader-1@example.com', 'reader-3@example.com']);
    expect(await ledger.get(key('reader-2@example.com'))).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'SMTP 550: 5.1.1 no such mailbox',
    });
  });

  it('sends a failed recipient on the next run', async () => {
    const ports = memoryPorts({ transport: new RecordingTransport(() => permanent()) });
    await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(addresses(1)), ports, FAST_RETRY);
    const transport = new RecordingTransport();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await ports.ledger.get(key('reader-1@example.com')))?.attempts).toBe(2);
  });

  it('refuses an address outside the allowed domains before sending, and records why', async () => {
    const transport = new RecordingTransport();
    const ledger = new MemoryLedger();
    const recipients = recipientsFor(['reader@example.com', 'someone@elsewhere.org']);

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipients,
      memoryPorts({ transport, ledger }),
      FAST_RETRY,
    );

    expect(summary.recipients[1]).toMatchObject({
      status: 'failed',
      reason: 'refused: elsewhere.org is not an allowed domain (example.com)',
      attempts: 0,
    });
    expect(transport.calls.map((mail) => mail.to)).toEqual(['reader@example.com']);
    expect(await ledger.get(key('someone@elsewhere.org'))).toMatchObject({
      status: 'failed',
      attempts: 0,
      error: expect.stringMatching(/^refused: /),
    });
  });

  it('throws a DeliveryError, before sending anything, when the message cannot be built', async () => {
    const transport = new RecordingTransport();
    const broken = handMadeArchivedReport({ html: '<html><body><script>alert(1)</script></body></html>' });

    await expect(
      deliverAudienceReport(broken, recipientsFor(addresses(1)), memoryPorts({ transport }), FAST_RETRY),
    ).rejects.toThrow(DeliveryError);
    expect(transport.calls).toHaveLength(0);
  });
});

describe('a dry run', () => {
  it('writes message.eml and says what it would do, but sends nothing and records nothing', async () => {
    const transport = new RecordingTransport();
    const ledger = new MemoryLedger();
    const ports = memoryPorts({ transport, ledger });

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor([...addresses(1), 'x@elsewhere.org']),
      ports,
      { dryRun: true },
    );

    expect(summary.recipients.map((outcome) => [outcome.status, outcome.reason?.slice(0, 10)])).toEqual([
      ['planned', 'would send'],
      ['failed', 'refused: e'],
    ]);
    expect(transport.calls).toHaveLength(0);
    expect(ledger.writes).toHaveLength(0);
    expect(ports.store.objects.has('hq-weekly/2019-W48/hq/message.eml')).toBe(true);
  });
});

describe('a resend', () => {
  it('of a report never sent sends and archives the plain message: there is nothing to correct', async () => {
    const ports = memoryPorts();
    const transport = new RecordingTransport();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(2)),
      { ...ports, transport },
      { ...FAST_RETRY, resend: true },
    );

    expect(summary.recipients.map((outcome) => [outcome.status, outcome.correction])).toEqual([
      ['sent', false],
      ['sent', false],
    ]);
    expect(summary.messageKey).toBe('hq-weekly/2019-W48/hq/message.eml');
    expect(summary.subject).toBe('MNP weekly briefing 2019-W48');
    expect(ports.store.objects.has('hq-weekly/2019-W48/hq/message-correction.eml')).toBe(false);
    const mail = await parseMessage(transport.delivered[0]!.raw);
    expect(mail.headers.get('x-mnp-correction')).toBeUndefined();
  });

  it('sends a correction: subject prefix, a notice at the top of both parts, recorded as a correction', async () => {
    const ports = memoryPorts();
    await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(addresses(2)), ports, FAST_RETRY);
    const original = (await ports.ledger.get(key('reader-1@example.com')))!.messageId;
    const transport = new RecordingTransport();
    ports.clock.advance(3_600_000);

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(2)),
      { ...ports, transport },
      { ...FAST_RETRY, resend: true },
    );

    expect(summary.recipients.map((outcome) => [outcome.status, outcome.correction])).toEqual([
      ['sent', true],
      ['sent', true],
    ]);
    const mail = await parseMessage(transport.delivered[0]!.raw);
    expect(mail.subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    expect(
      mail.text!.startsWith('Correction: This mail corrects the “MNP weekly briefing 2019-W48” sent earlier.'),
    ).toBe(true);
    expect(mail.html).toMatch(
      /<td class="content"[^>]*>\s*<div class="correction"[^>]*>\s*<p class="banner"[^>]*>Correction: This mail corrects/,
    );
    expect(mail.inReplyTo).toBe(original);
    expect(mail.headers.get('x-mnp-correction')).toBe('yes');
    expect(mail.messageId).not.toBe(original);
    const record = await ports.ledger.get(key('reader-1@example.com'));
    expect(record).toMatchObject({
      status: 'sent',
      correction: true,
      messageId: mail.messageId,
      updatedAt: '2019-12-02T02:00:00.000Z',
    });
    expect(ports.store.objects.has('hq-weekly/2019-W48/hq/message-correction.eml')).toBe(true);
  });

  it('queues the correction for everyone first, so a plain rerun finishes a resend that stopped halfway', async () => {
    const ports = memoryPorts();
    await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(addresses(3)), ports, FAST_RETRY);
    const ledger = ports.ledger as MemoryLedger;
    const replace = ledger.replace.bind(ledger);
    // The resend dies before it can claim reader-3: its record stays queued.
    ledger.replace = async (record) =>
      record.recipient === 'reader-3@example.com' && record.status === 'sending'
        ? Promise.reject(new Error('killed'))
        : replace(record);
    const resend = new RecordingTransport();
    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(3)),
      { ...ports, transport: resend },
      { ...FAST_RETRY, resend: true, concurrency: 1 },
    );
    ledger.replace = replace;
    expect((await ledger.get(key('reader-3@example.com')))?.status).toBe('queued');
    const rerun = new RecordingTransport();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(3)),
      { ...ports, transport: rerun },
      FAST_RETRY,
    );

    expect(resend.delivered.map((mail) => mail.to)).toEqual(['reader-1@example.com', 'reader-2@example.com']);
    expect(rerun.delivered.map((mail) => mail.to)).toEqual(['reader-3@example.com']);
    expect(summary.recipients[2]).toMatchObject({
      status: 'sent',
      correction: true,
      messageId: resend.delivered[0]!.messageId,
    });
    const corrected = await parseMessage(rerun.delivered[0]!.raw);
    expect(corrected.subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    expect(corrected.inReplyTo).toMatch(/^<hq-weekly\.2019-W48\.hq\.[0-9a-f]{16}@example\.com>$/);
  });

  it('marks the notice in Chinese for a Chinese briefing', async () => {
    const ports = memoryPorts();
    await deliverAudienceReport(
      handMadeArchivedReport({ locale: 'zh-CN' }),
      recipientsFor(addresses(1)),
      ports,
      FAST_RETRY,
    );
    const transport = new RecordingTransport();

    await deliverAudienceReport(
      handMadeArchivedReport({ locale: 'zh-CN' }),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      { ...FAST_RETRY, resend: true },
    );

    const mail = await parseMessage(transport.delivered[0]!.raw);
    expect(mail.subject).toBe('【更正】【携号转网周报】2019-W48');
    expect(mail.text!.split('\n')[0]).toBe(
      '更正：本邮件更正此前发送的《【携号转网周报】2019-W48》，请以本邮件中的数据为准，此前的邮件可以删除。',
    );
    expect(mail.html).toContain('更正：本邮件更正此前发送的');
  });
});

describe('a crash between sending and recording', () => {
  async function crashedRun() {
    const ports = memoryPorts();
    // The run claims, sends, and dies before recording: the claim stays `sending`.
    const dying = new RecordingTransport();
    const ledger = ports.ledger as MemoryLedger;
    const replace = ledger.replace.bind(ledger);
    ledger.replace = async (record) =>
      record.status === 'sending' ? replace(record) : Promise.reject(new Error('process killed'));
    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport: dying },
      { ...FAST_RETRY, leaseMs: 60_000 },
    );
    ledger.replace = replace;
    return { ports, ledger, dying };
  }

  it('leaves the claim to its lease: a rerun within the lease skips the recipient', async () => {
    const { ports } = await crashedRun();
    const transport = new RecordingTransport();
    ports.clock.advance(30_000);

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({ status: 'skipped', skipped: 'in-progress' });
    expect(summary.inProgress).toBe(1);
    expect(transport.calls).toHaveLength(0);
  });

  it('resends once the lease has expired, flagged as a possible duplicate with the same Message-ID', async () => {
    const { ports, ledger, dying } = await crashedRun();
    const transport = new RecordingTransport();
    ports.clock.advance(61_000);

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: true });
    const mail = await parseMessage(transport.delivered[0]!.raw);
    expect(mail.headers.get('x-mnp-possible-duplicate')).toBe('yes');
    expect(new TextDecoder().decode(transport.delivered[0]!.raw)).toContain('\r\nX-MNP-Possible-Duplicate: yes\r\n');
    expect(mail.messageId).toBe(dying.delivered[0]!.messageId);
    expect(await ledger.get(key('reader-1@example.com'))).toMatchObject({
      status: 'sent',
      possibleDuplicate: true,
      attempts: 1,
    });
  });

  it('sends at most one duplicate: after a second crash the record is unconfirmed and nothing is sent', async () => {
    const { ports, ledger } = await crashedRun();
    ports.clock.advance(61_000);
    const replace = ledger.replace.bind(ledger);
    ledger.replace = async (record) =>
      record.status === 'sending' ? replace(record) : Promise.reject(new Error('process killed'));
    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport: new RecordingTransport() },
      { ...FAST_RETRY, leaseMs: 60_000 },
    );
    ledger.replace = replace;
    ports.clock.advance(61_000);
    const transport = new RecordingTransport();

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({
      status: 'failed',
      possibleDuplicate: true,
      reason: expect.stringMatching(/^unconfirmed: /),
    });
    expect(transport.calls).toHaveLength(0);
    expect((await ledger.get(key('reader-1@example.com')))?.status).toBe('unconfirmed');
    const again = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );
    expect(again.recipients[0]).toMatchObject({ status: 'failed', reason: expect.stringContaining('--resend') });
    expect(transport.calls).toHaveLength(0);
  });
});

describe('a connection lost after the message was handed over', () => {
  const duplicateFlag = (mail: { raw: Uint8Array }) =>
    new TextDecoder().decode(mail.raw).includes('\r\nX-MNP-Possible-Duplicate: yes\r\n');
  /** One reader, through a transport that refuses as told, call by call. */
  const deliverToOne = (refusals: (call: number) => Error | undefined, ports = memoryPorts()) => {
    const transport = new RecordingTransport((_, call) => refusals(call));
    const delivering = deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      { ...ports, transport },
      FAST_RETRY,
    );
    return delivering.then((summary) => ({ summary, transport, ports }));
  };

  it('sends again once, flagged as a possible duplicate with the same Message-ID, never plainly', async () => {
    // The first call may have reached the mailbox; a plain retry would deliver a second, unflagged copy.
    const { summary, transport, ports } = await deliverToOne((call) => (call === 1 ? lostAfterData() : undefined));

    expect(transport.calls.map(duplicateFlag)).toEqual([false, true]);
    expect(transport.calls[1]!.messageId).toBe(transport.calls[0]!.messageId);
    expect(summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: true, attempts: 2 });
    expect(await ports.ledger.get(key('reader-1@example.com'))).toMatchObject({
      status: 'sent',
      possibleDuplicate: true,
      attempts: 2,
      messageId: transport.calls[0]!.messageId,
    });
    expect(ports.log.lines.map((line) => line.message)).toContain(
      'delivery may have arrived; sending again flagged as a possible duplicate',
    );
  });

  it('retries the flagged copy on a transient refusal, as any send', async () => {
    const refusals = [lostAfterData(), transient(), undefined];

    const { summary, transport } = await deliverToOne((call) => refusals[call - 1]);

    expect(transport.calls.map(duplicateFlag)).toEqual([false, true, true]);
    expect(summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: true, attempts: 3 });
  });

  it('stops at one duplicate: lost again, the record is unconfirmed and no later run sends it', async () => {
    const { summary, transport, ports } = await deliverToOne(() => lostAfterData());

    expect(transport.calls.map(duplicateFlag)).toEqual([false, true]);
    expect(summary.recipients[0]).toMatchObject({
      status: 'failed',
      possibleDuplicate: true,
      attempts: 2,
      reason: expect.stringMatching(/^unconfirmed: SMTP ECONNECTION: .*it may have arrived; check the mailbox/),
    });
    expect(await ports.ledger.get(key('reader-1@example.com'))).toMatchObject({
      status: 'unconfirmed',
      attempts: 2,
    });
    const later = await deliverToOne(() => undefined, ports);
    expect(later.summary.recipients[0]).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('--resend'),
    });
    expect(later.transport.calls).toHaveLength(0);
  });

  it('leaves a flagged failure to the next run, which sends the flagged copy again', async () => {
    const refusals = [lostAfterData(), permanent()];
    const first = await deliverToOne((call) => refusals[call - 1]);

    const next = await deliverToOne(() => undefined, first.ports);

    expect(next.summary.recipients[0]).toMatchObject({ status: 'sent', possibleDuplicate: true });
    expect(next.transport.calls.map(duplicateFlag)).toEqual([true]);
    expect(next.transport.calls[0]!.messageId).toBe(first.transport.calls[0]!.messageId);
  });
});
