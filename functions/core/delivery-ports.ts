// The ports of delivery: what the delivery use case needs from the outside world. A message
// composer (MIME, in render/mime), a mail transport (file, SMTP or SES), a delivery ledger (a
// folder locally, a DynamoDB table in AWS) and a clock. Adapters implement these; the core
// stays free of SDKs, sockets and files.
import type { CorrectionNote } from './correction-diff.ts';
import { DeliveryError, MnpError } from './errors.ts';
import type { ArchivedReport } from './report-run.ts';

/** One delivery: a report's period for an audience, to one recipient (lower-cased address). */
export interface DeliveryKey {
  readonly reportId: string;
  readonly periodId: string;
  readonly audience: string;
  readonly recipient: string;
}

/**
 * queued       a correction is due (--resend): the next run sends it, even without --resend
 * sending      claimed by a run, which holds it until leaseUntil
 * sent         the transport accepted the message
 * failed       the transport refused it (or the allowlist did); a rerun tries again
 * unconfirmed  two runs crashed between sending and recording: the message may be in the
 *              mailbox twice already, so no run sends it again on its own (only --resend)
 */
export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'failed' | 'unconfirmed';

export interface DeliveryRecord extends DeliveryKey {
  readonly status: DeliveryStatus;
  /** Transport calls made for this record, over all runs. */
  readonly attempts: number;
  /** The Message-ID sent (or about to be sent), with its angle brackets. */
  readonly messageId: string;
  /** ISO instant of the last write. */
  readonly updatedAt: string;
  /** ISO instant until which a `sending` claim belongs to the run that made it. */
  readonly leaseUntil?: string;
  readonly error?: string;
  /** The send was a deliberate resend (--resend), marked as a correction. */
  readonly correction: boolean;
  /** For a correction: why it was sent (rerun --resend --reason). */
  readonly reason?: string;
  /** For a correction: the Message-ID of the send it corrects (In-Reply-To, References). */
  readonly replaces?: string;
  /** The send took over a claim that had expired: an earlier copy may have been delivered. */
  readonly possibleDuplicate: boolean;
  /**
   * For a `sending` claim: false until the run hands the message to the transport, true from
   * then on. A claim whose run stopped before that is released without the duplicate mark.
   * Absent on records written before the field existed: read as handed over (the safe side).
   */
  readonly dispatched?: boolean;
  /** Incremented on every write; a write succeeds only over the version it read. */
  readonly version: number;
}

export interface DeliveryLedger {
  get(key: DeliveryKey): Promise<DeliveryRecord | undefined>;
  /** Every record of one report, period and audience. */
  list(reportId: string, periodId: string, audience: string): Promise<DeliveryRecord[]>;
  /** Writes the record (version 1) only if there is none for its key; false when there is. */
  create(record: DeliveryRecord): Promise<boolean>;
  /** Writes the record only if the stored one has version `record.version - 1`; false otherwise. */
  replace(record: DeliveryRecord): Promise<boolean>;
}

/** One message on its way to one recipient. */
export interface OutgoingMail {
  readonly key: DeliveryKey;
  /** The envelope sender and recipient: the address as configured, not lower-cased. */
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  /** The complete MIME message (RFC 5322). */
  readonly raw: Uint8Array;
}

export interface MailTransport {
  /** file, smtp or ses: shown in summaries. */
  readonly name: string;
  /**
   * Resolves when the transport may take the next message (a rate limit's slot). Awaited before
   * each send, so that a message waiting for its turn is not yet counted as handed over.
   */
  ready?(): Promise<void>;
  /** Resolves once the message is accepted; throws a MailSendError on refusal. */
  send(mail: OutgoingMail): Promise<{ readonly providerMessageId?: string }>;
  close?(): Promise<void>;
}

/**
 * A transport's refusal, classified by the adapter: transient ones (SMTP 4xx, network errors,
 * SES throttling and 5xx) are retried with backoff; permanent ones (SMTP 5xx, SES
 * MessageRejected) fail that recipient at once. Anything else a transport throws counts as
 * permanent for the run and is retried on the next run. A failure after the message was handed
 * over, with no reply, may have been delivered: it is sent again once, flagged as a possible
 * duplicate (delivery.ts), never retried as it was.
 */
export class MailSendError extends DeliveryError {
  /** The transport itself is unusable (refused connection, unknown host, bad credentials): no recipient can succeed. */
  readonly transportDown: boolean;
  /** The connection failed after the whole message was handed over and before a reply: the server may have queued it. */
  readonly mayHaveArrived: boolean;

  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; transportDown?: boolean; mayHaveArrived?: boolean },
  ) {
    super(message, options);
    this.transportDown = options?.transportDown === true;
    this.mayHaveArrived = options?.mayHaveArrived === true;
  }
}

/**
 * The mail transport is down for the whole run: detected on the first send that meets it,
 * after which the run starts no other send. Not a DeliveryError: nothing about the recipients
 * is wrong, so the CLI exits 1 (a failed run), not 3 (some recipients not delivered).
 */
export class MailTransportDownError extends MnpError {
  constructor(
    message: string,
    /** Recipients left unsent because of it (this audience and, in a CLI run, the audiences after it). */
    readonly notSent: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ComposeRequest {
  readonly archived: ArchivedReport;
  readonly from: string;
  readonly replyTo?: string;
  readonly to: readonly string[];
  readonly listId: string;
  readonly messageId: string;
  readonly date: Date;
  /** Subject prefix and a notice at the top of both parts. */
  readonly correction: boolean;
  /** The header X-MNP-Possible-Duplicate: yes. */
  readonly possibleDuplicate: boolean;
  /** Message-IDs this one follows (the earlier send, for a correction). */
  readonly references?: readonly string[];
  /** For a correction: its reason and the figures it changes, shown in the notice. */
  readonly correctionNote?: CorrectionNote;
}

export interface ComposedMessage {
  readonly raw: Uint8Array;
  readonly subject: string;
  /** What a reader may notice but that does not stop the send, e.g. HTML long enough for Gmail to clip. */
  readonly warnings?: readonly string[];
}

/** Builds the MIME message of a briefing (render/mime implements it with nodemailer). */
export interface MessageComposer {
  compose(request: ComposeRequest): Promise<ComposedMessage>;
}

export interface Clock {
  now(): Date;
}
