// The delivery ledger's records and their transitions, as pure functions: what to do for a
// recipient given its record (planRecipient), and each next version of a record (a claim, the
// outcome of a send, a queued correction, a send flagged as a possible duplicate, an unconfirmed
// send). The use case (delivery.ts)
// reads and writes them through the DeliveryLedger port; nothing here does I/O.
import { createHash } from 'node:crypto';
import type { DeliveryKey, DeliveryRecord } from './delivery-ports.ts';
import { domainOf } from './recipients.ts';
import type { ArchivedReport } from './report-run.ts';

export type SkipReason = 'already-sent' | 'in-progress';

/** What to do for one recipient, given its ledger record. */
export type RecipientPlan =
  | { readonly action: 'skip'; readonly skipped: SkipReason; readonly reason: string }
  | { readonly action: 'hold'; readonly reason: string }
  | {
      readonly action: 'send';
      readonly correction: boolean;
      readonly possibleDuplicate: boolean;
      /** Keep the record's Message-ID (a retry of the same message), or use the run's. */
      readonly keepMessageId: boolean;
    };

/**
 * The ledger rules:
 * - no record, or a failed one: send (a failed correction or duplicate keeps its flags and id)
 * - queued: send the correction it stands for
 * - sent: skip, unless resending, which sends a correction
 * - sending within its lease: skip, another run holds it
 * - sending past its lease, never handed to the transport: send, with no duplicate mark
 * - sending past its lease otherwise: send again flagged as a possible duplicate, with the same
 *   Message-ID; if that claim was itself flagged (a takeover, or the send again after a connection
 *   lost once the message was handed over), stop (unconfirmed): at most one duplicate
 * - unconfirmed: hold, unless resending, which sends a correction
 */
export function planRecipient(record: DeliveryRecord | undefined, now: Date, resend: boolean): RecipientPlan {
  if (!record) return { action: 'send', correction: false, possibleDuplicate: false, keepMessageId: false };
  switch (record.status) {
    case 'queued':
      return { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: true };
    case 'failed':
      return {
        action: 'send',
        correction: record.correction,
        possibleDuplicate: record.possibleDuplicate,
        keepMessageId: record.correction || record.possibleDuplicate,
      };
    case 'sent':
      return resend
        ? { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: false }
        : {
            action: 'skip',
            skipped: 'already-sent',
            reason: `already sent ${record.updatedAt}${record.correction ? ' (correction)' : ''}`,
          };
    case 'unconfirmed':
      return resend
        ? { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: false }
        : { action: 'hold', reason: unconfirmedReason(record.error ?? 'sent twice without a record') };
    case 'sending': {
      if (record.leaseUntil && new Date(record.leaseUntil) > now) {
        return {
          action: 'skip',
          skipped: 'in-progress',
          reason: `another run is sending it (claim held until ${record.leaseUntil})`,
        };
      }
      // Its run stopped before handing the message over: nothing left, release it as it was.
      if (record.dispatched === false)
        return {
          action: 'send',
          correction: record.correction,
          possibleDuplicate: record.possibleDuplicate,
          keepMessageId: true,
        };
      if (record.possibleDuplicate)
        return {
          action: 'hold',
          reason:
            'unconfirmed: a send already flagged as a possible duplicate stopped between sending and recording; the message may have arrived twice already',
        };
      return { action: 'send', correction: record.correction, possibleDuplicate: true, keepMessageId: true };
    }
  }
}

/** What an operator is told of an unconfirmed recipient: why, and what to do. */
export function unconfirmedReason(why: string): string {
  return `unconfirmed: ${why}; check the mailbox, then resend with --resend if it is missing`;
}

export function ledgerKeyOf(archived: ArchivedReport, recipient: string): DeliveryKey {
  return {
    reportId: archived.reportId,
    periodId: archived.periodId,
    audience: archived.audience,
    recipient: recipient.trim().toLowerCase(),
  };
}

/** The bare address of a From header such as "Briefings <briefings@example.com>". */
export function addressOf(from: string): string {
  return /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/**
 * <report.period.audience.hash@domain-of-from>: the same briefing content gives the same id,
 * so a recipient completed by a rerun gets the id the others got; a correction hashes in its
 * issue time, so each correction has its own.
 */
export function messageIdOf(archived: ArchivedReport, from: string, correctionIssuedAt?: Date): string {
  const hash = createHash('sha256')
    .update(
      [
        archived.reportId,
        archived.periodId,
        archived.audience,
        archived.rendered.text,
        archived.rendered.html,
        correctionIssuedAt?.toISOString() ?? '',
      ].join('\u0000'),
    )
    .digest('hex')
    .slice(0, 16);
  const kind = correctionIssuedAt ? '.correction' : '';
  return `<${archived.reportId}.${archived.periodId}.${archived.audience}${kind}.${hash}@${domainOf(addressOf(from))}>`;
}

export type RecordFields = Pick<DeliveryRecord, 'status' | 'messageId' | 'correction' | 'possibleDuplicate'> & {
  error?: string;
  leaseUntil?: string;
  replaces?: string;
};

/** The next version of a key's record (the first when there is none), with the given fields. */
export function nextRecord(
  key: DeliveryKey,
  previous: DeliveryRecord | undefined,
  fields: RecordFields,
  now: Date,
): DeliveryRecord {
  return {
    ...key,
    attempts: previous?.attempts ?? 0,
    error: undefined,
    leaseUntil: undefined,
    dispatched: undefined,
    // A correction keeps pointing at the send it corrects, through its retries.
    replaces: fields.correction ? previous?.replaces : undefined,
    // And keeps its reason (rerun --resend --reason).
    reason: fields.correction ? previous?.reason : undefined,
    ...fields,
    updatedAt: now.toISOString(),
    version: (previous?.version ?? 0) + 1,
  };
}

/** A `sending` claim, held until now + leaseMs. */
export function claimRecord(
  key: DeliveryKey,
  previous: DeliveryRecord | undefined,
  messageId: string,
  flags: { correction: boolean; possibleDuplicate: boolean },
  now: Date,
  leaseMs: number,
): DeliveryRecord {
  return {
    ...nextRecord(
      key,
      previous,
      { status: 'sending', messageId, leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), ...flags },
      now,
    ),
    dispatched: false,
  };
}

/** The claim once its message is handed to the transport: from here a crash may leave a copy sent. */
export function dispatchedRecord(claim: DeliveryRecord, now: Date): DeliveryRecord {
  return { ...claim, dispatched: true, updatedAt: now.toISOString(), version: claim.version + 1 };
}

/**
 * A claim whose message may have arrived (the connection lost after it was handed over): marked
 * as a possible duplicate before it is sent again, so that a crash from here leaves a record no
 * later run sends on its own. `attempts`: the calls made so far.
 */
export function flaggedRecord(claim: DeliveryRecord, attempts: number, now: Date): DeliveryRecord {
  return {
    ...claim,
    possibleDuplicate: true,
    attempts: claim.attempts + attempts,
    updatedAt: now.toISOString(),
    version: claim.version + 1,
  };
}

/** A claim given back by a run that stopped before handing its message over: the next run sends it. */
export function releasedRecord(claim: DeliveryRecord, reason: string, now: Date): DeliveryRecord {
  return {
    ...claim,
    status: 'failed',
    error: reason,
    leaseUntil: undefined,
    dispatched: undefined,
    updatedAt: now.toISOString(),
    version: claim.version + 1,
  };
}

/** A correction due for a recipient already sent to (--resend queues them all before sending). */
export function queuedCorrection(record: DeliveryRecord, messageId: string, now: Date): DeliveryRecord {
  return nextRecord(
    record,
    record,
    { status: 'queued', messageId, correction: true, possibleDuplicate: false, replaces: record.messageId },
    now,
  );
}

/** What a send made of its claim: sent, or failed with the reason (addresses masked). */
export function finishedRecord(
  claim: DeliveryRecord,
  attempts: number,
  failure: string | undefined,
  now: Date,
): DeliveryRecord {
  return {
    ...claim,
    status: failure === undefined ? 'sent' : 'failed',
    attempts: claim.attempts + attempts,
    error: failure,
    leaseUntil: undefined,
    dispatched: undefined,
    updatedAt: now.toISOString(),
    version: claim.version + 1,
  };
}

/** An expired takeover: the message may be in the mailbox twice; no run sends it on its own. */
export function unconfirmedRecord(record: DeliveryRecord, reason: string, now: Date): DeliveryRecord {
  return {
    ...record,
    status: 'unconfirmed',
    error: reason.replace(/^unconfirmed: /, ''),
    leaseUntil: undefined,
    dispatched: undefined,
    updatedAt: now.toISOString(),
    version: record.version + 1,
  };
}
