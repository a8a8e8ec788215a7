// The ledger rules: what a run does for one recipient, given the record it finds.
import { describe, expect, it } from 'vitest';
import { maskAddress } from '#core/address-masking.ts';
import type { DeliveryRecord } from '#core/delivery-ports.ts';
import { claimRecord, finishedRecord, planRecipient, queuedCorrection } from '#core/delivery-records.ts';

const now = new Date('2019-12-02T01:00:00.000Z');
const record = (fields: Partial<DeliveryRecord>): DeliveryRecord => ({
  reportId: 'hq-weekly',
  periodId: '2019-W48',
  audience: 'hq',
  recipient: 'reader@example.com',
  status: 'sent',
  attempts: 1,
  messageId: '<m@example.com>',
  updatedAt: '2019-12-02T00:00:00.000Z',
  correction: false,
  possibleDuplicate: false,
  version: 2,
  ...fields,
});

describe('a run', () => {
  it('sends to a recipient without a record', () => {
    expect(planRecipient(undefined, now, false)).toEqual({
      action: 'send',
      correction: false,
      possibleDuplicate: false,
      keepMessageId: false,
    });
  });

  it('skips a recipient already sent to', () => {
    expect(planRecipient(record({ status: 'sent' }), now, false)).toMatchObject({
      action: 'skip',
      skipped: 'already-sent',
    });
  });

  it('sends again to a recipient whose send failed, keeping a correction a correction', () => {
    expect(planRecipient(record({ status: 'failed' }), now, false)).toMatchObject({
      action: 'send',
      correction: false,
      keepMessageId: false,
    });
    expect(planRecipient(record({ status: 'failed', correction: true }), now, false)).toMatchObject({
      action: 'send',
      correction: true,
      keepMessageId: true,
    });
  });

  it('leaves a claim within its lease to the run that holds it', () => {
    const plan = planRecipient(record({ status: 'sending', leaseUntil: '2019-12-02T01:00:00.001Z' }), now, true);
    expect(plan).toMatchObject({ action: 'skip', skipped: 'in-progress' });
  });

  it('takes over an expired claim as a possible duplicate with the same Message-ID', () => {
    expect(planRecipient(record({ status: 'sending', leaseUntil: '2019-12-02T01:00:00.000Z' }), now, false)).toEqual({
      action: 'send',
      correction: false,
      possibleDuplicate: true,
      keepMessageId: true,
    });
  });

  it('holds an expired claim that was itself a takeover: at most one duplicate', () => {
    expect(
      planRecipient(
        record({ status: 'sending', leaseUntil: '2019-12-01T00:00:00.000Z', possibleDuplicate: true }),
        now,
        false,
      ),
    ).toMatchObject({ action: 'hold' });
  });

  it('holds an unconfirmed record until an operator resends it', () => {
    expect(planRecipient(record({ status: 'unconfirmed' }), now, false)).toMatchObject({ action: 'hold' });
    expect(planRecipient(record({ status: 'unconfirmed' }), now, true)).toMatchObject({
      action: 'send',
      correction: true,
    });
  });
});

describe('a resend', () => {
  it('is queued: any later run sends the queued correction, with its Message-ID', () => {
    expect(planRecipient(record({ status: 'queued', correction: true }), now, false)).toEqual({
      action: 'send',
      correction: true,
      possibleDuplicate: false,
      keepMessageId: true,
    });
  });

  it('sends a correction to a recipient already sent to', () => {
    expect(planRecipient(record({ status: 'sent' }), now, true)).toEqual({
      action: 'send',
      correction: true,
      possibleDuplicate: false,
      keepMessageId: false,
    });
  });

  it('sends the plain briefing to a recipient who never had it', () => {
    expect(planRecipient(undefined, now, true)).toMatchObject({ action: 'send', correction: false });
  });
});

describe('logs', () => {
  it('mask an address to its first letter and domain', () => {
    expect(maskAddress('branch-44-manager@example.com')).toBe('b***@example.com');
  });
});

describe('record transitions', () => {
  const key = { reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient: 'reader@example.com' };

  it("claims with a lease, then records the send over the claim's version", () => {
    const claim = claimRecord(
      key,
      undefined,
      '<m@example.com>',
      { correction: false, possibleDuplicate: false },
      now,
      15 * 60_000,
    );
    expect(claim).toMatchObject({ status: 'sending', version: 1, attempts: 0, leaseUntil: '2019-12-02T01:15:00.000Z' });
    const sent = finishedRecord(claim, 2, undefined, new Date('2019-12-02T01:00:05.000Z'));
    expect(sent).toMatchObject({
      status: 'sent',
      version: 2,
      attempts: 2,
      leaseUntil: undefined,
      error: undefined,
      updatedAt: '2019-12-02T01:00:05.000Z',
    });
    expect(finishedRecord(claim, 1, 'SMTP 550: no such mailbox', now)).toMatchObject({
      status: 'failed',
      error: 'SMTP 550: no such mailbox',
    });
  });

  it('queues a correction that points at the send it corrects', () => {
    expect(queuedCorrection(record({ status: 'sent' }), '<c@example.com>', now)).toMatchObject({
      status: 'queued',
      correction: true,
      replaces: '<m@example.com>',
      messageId: '<c@example.com>',
      version: 3,
    });
  });
});
