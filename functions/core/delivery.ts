// The delivery use case: one audience's archived briefing, mailed once to each of its recipients.
// Every send is claimed in the delivery ledger before it happens and recorded after, so a run
// that is retried or rerun sends only what has not gone out, and two runs at once cannot both
// send. A claim is a `sending` record with a lease; a run that finds an expired one (its run
// crashed between sending and recording) sends again, flagged as a possible duplicate, once.
// The record transitions are delivery-records.ts (pure), the retrying send delivery-send.ts.
import pMap from 'p-map';
import { describeFailure, maskAddress } from './address-masking.ts';
import type { CorrectionNote } from './correction-diff.ts';
import {
  type Clock,
  type ComposeRequest,
  type DeliveryKey,
  type DeliveryLedger,
  type DeliveryRecord,
  MailSendError,
  type MailTransport,
  MailTransportDownError,
  type MessageComposer,
} from './delivery-ports.ts';
import {
  addressOf,
  claimRecord,
  dispatchedRecord,
  finishedRecord,
  flaggedRecord,
  ledgerKeyOf,
  messageIdOf,
  nextRecord,
  planRecipient,
  queuedCorrection,
  releasedRecord,
  type SkipReason,
  unconfirmedReason,
  unconfirmedRecord,
} from './delivery-records.ts';
import { DEFAULT_RETRY, type RetryPolicy, sendWithRetry } from './delivery-send.ts';
import { DeliveryError } from './errors.ts';
import type { Logger, ReportStore } from './ports.ts';
import { domainOf, type RecipientsConfig, recipientsOf } from './recipients.ts';
import { type ArchivedReport, CORRECTION_MESSAGE } from './report-run.ts';

export { maskAddress, maskAddresses } from './address-masking.ts';
export { ledgerKeyOf, messageIdOf, planRecipient, type RecipientPlan } from './delivery-records.ts';
export { DEFAULT_RETRY, type RetryPolicy } from './delivery-send.ts';

export interface DeliveryPorts {
  readonly transport: MailTransport;
  readonly ledger: DeliveryLedger;
  readonly store: ReportStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Builds the MIME message: createBriefingMessageComposer() from #render/mime/briefing-composer.ts. */
  readonly composer: MessageComposer;
}

export const DEFAULT_LEASE_MS = 15 * 60_000;

export interface DeliveryOptions {
  /** Send again to recipients already sent to, as a correction of the earlier send. */
  readonly resend?: boolean;
  /** Build and archive the message, send nothing, write no ledger record. */
  readonly dryRun?: boolean;
  /** @default DEFAULT_RETRY */
  readonly retry?: Partial<RetryPolicy>;
  /**
   * How long a claim holds before another run may take it over. Must exceed the longest time
   * from claim to record: the throttle's queue plus every retry.
   * @default DEFAULT_LEASE_MS (15 minutes)
   */
  readonly leaseMs?: number;
  /** Recipients in flight at once; the transport's throttle sets the rate. @default 4 */
  readonly concurrency?: number;
  /** For a resend: why, and what changed since the version sent (#core/correction-diff.ts). */
  readonly correctionNote?: CorrectionNote;
  /**
   * Aborted when the operator interrupts the run: no further send starts, a claim not yet
   * handed to the transport is released, the sends already handed over finish and are recorded.
   */
  readonly signal?: AbortSignal;
  /** Called as each recipient is done, for a progress display. */
  readonly onProgress?: (progress: {
    readonly audience: string;
    readonly done: number;
    readonly total: number;
  }) => void;
}

/** Why a recipient was left unsent by a run that stopped. */
export type NotSentReason = 'interrupted' | 'transport-down';

export type RecipientStatus = 'sent' | 'skipped' | 'failed' | 'planned';

export interface RecipientOutcome {
  /** The address as configured. */
  readonly recipient: string;
  readonly status: RecipientStatus;
  /** Why skipped, why failed, or what a dry run would do. */
  readonly reason?: string;
  /** For a skipped recipient: sent by an earlier run, or claimed by a run still within its lease. */
  readonly skipped?: SkipReason;
  readonly messageId?: string;
  /** Transport calls made by this run. */
  readonly attempts?: number;
  readonly correction?: boolean;
  readonly possibleDuplicate?: boolean;
  /** For a failed recipient: the run stopped before its message was handed over (nothing left). */
  readonly notSent?: NotSentReason;
}

export interface DeliverySummary {
  readonly reportId: string;
  readonly periodId: string;
  readonly audience: string;
  readonly transport: string;
  readonly dryRun: boolean;
  readonly resend: boolean;
  readonly subject: string;
  /** The archive key of the message as built for the audience: message.eml, or message-correction.eml for a resend. */
  readonly messageKey: string;
  readonly messageBytes: number;
  /** From building the message: sent anyway, worth a look (e.g. HTML that Gmail clips). */
  readonly warnings: readonly string[];
  readonly recipients: readonly RecipientOutcome[];
  readonly sent: number;
  /** Of those sent, the ones sent again flagged as a possible duplicate (a stopped run may have reached them). */
  readonly possibleDuplicates: number;
  readonly skipped: number;
  readonly failed: number;
  /** Of the skipped, those another run holds: not sent yet, a rerun after its lease completes them. */
  readonly inProgress: number;
  /** Of the failed, those left unsent because the run stopped (interrupted, transport down). */
  readonly notSent: number;
}

/** Another run took the claim over between this run's claim and its hand-over. */
class ClaimLost extends Error {}

type Variant = Pick<ComposeRequest, 'messageId' | 'correction' | 'possibleDuplicate' | 'references'>;

/** Everything one delivery run shares between its recipients. */
class AudienceDelivery {
  private readonly variants = new Map<string, Promise<Uint8Array>>();
  private readonly retry: RetryPolicy;
  private readonly leaseMs: number;
  readonly groupMessageId: string;
  readonly correctionMessageId: string;
  /** The first failure that showed the transport down: every later send is skipped. */
  down: MailSendError | undefined;

  constructor(
    readonly archived: ArchivedReport,
    readonly recipients: RecipientsConfig,
    readonly to: readonly string[],
    readonly ports: DeliveryPorts,
    readonly options: DeliveryOptions,
    readonly startedAt: Date,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.groupMessageId = messageIdOf(archived, recipients.from);
    this.correctionMessageId = messageIdOf(archived, recipients.from, startedAt);
  }

  request(variant: Variant): ComposeRequest {
    return {
      archived: this.archived,
      from: this.recipients.from,
      ...(this.recipients.replyTo ? { replyTo: this.recipients.replyTo } : {}),
      to: this.to,
      listId: this.recipients.listId,
      date: this.ports.clock.now(),
      ...variant,
      ...(variant.correction && this.options.correctionNote ? { correctionNote: this.options.correctionNote } : {}),
    };
  }

  message(variant: Variant): Promise<Uint8Array> {
    const key = JSON.stringify(variant);
    let built = this.variants.get(key);
    if (!built) {
      built = this.ports.composer.compose(this.request(variant)).then((composed) => composed.raw);
      this.variants.set(key, built);
    }
    return built;
  }

  isAllowed(address: string): boolean {
    return this.recipients.allowedDomains.includes(domainOf(address));
  }

  /**
   * A resend first queues a correction for every recipient already sent to, before sending any,
   * so that a resend that stops halfway is finished by any later run (queued records are sent
   * without --resend). A recipient whose record moved meanwhile is left to the run that moved it.
   */
  async queueCorrection(recipient: string): Promise<void> {
    const key = ledgerKeyOf(this.archived, recipient);
    const record = await this.ports.ledger.get(key);
    if (!record || (record.status !== 'sent' && record.status !== 'unconfirmed')) return;
    const reason = this.options.correctionNote?.reason;
    const queued = {
      ...queuedCorrection(record, this.correctionMessageId, this.ports.clock.now()),
      ...(reason ? { reason } : {}),
    };
    if (await this.ports.ledger.replace(queued))
      this.ports.log.info('correction queued', { ...this.logFields(recipient), messageId: queued.messageId });
  }

  async deliver(recipient: string): Promise<RecipientOutcome> {
    const key = ledgerKeyOf(this.archived, recipient);
    try {
      const record = await this.ports.ledger.get(key);
      // After queueing, a resend sends the queued records; only a dry run plans from `sent`.
      const plan = planRecipient(
        record,
        this.ports.clock.now(),
        this.options.resend === true && this.options.dryRun === true,
      );
      if (plan.action === 'skip')
        return {
          recipient,
          status: 'skipped',
          skipped: plan.skipped,
          reason: plan.reason,
          messageId: record!.messageId,
        };
      if (plan.action === 'hold') return this.hold(recipient, record!, plan.reason);
      const messageId = plan.keepMessageId
        ? record!.messageId
        : plan.correction
          ? this.correctionMessageId
          : this.groupMessageId;
      if (!this.isAllowed(recipient)) return this.refuse(recipient, key, record, messageId);
      const flags = { correction: plan.correction, possibleDuplicate: plan.possibleDuplicate };
      const stop = this.stopped();
      if (stop && !this.options.dryRun) return this.notSentOutcome(recipient, stop);
      if (this.options.dryRun) {
        const what = plan.correction
          ? 'would send a correction'
          : plan.possibleDuplicate
            ? 'would send again, flagged as a possible duplicate'
            : 'would send';
        return { recipient, status: 'planned', reason: what, messageId, ...flags };
      }
      const claim = await this.claim(key, record, messageId, flags);
      if (!claim) return this.lostClaim(recipient, key);
      return this.send(recipient, claim);
    } catch (error) {
      this.ports.log.error('delivery failed', { ...this.logFields(recipient), error: describeFailure(error) });
      return { recipient, status: 'failed', reason: describeFailure(error) };
    }
  }

  /** Why no further send may start, if the run is stopping. */
  stopped(): NotSentReason | undefined {
    if (this.down) return 'transport-down';
    return this.options.signal?.aborted ? 'interrupted' : undefined;
  }

  private notSentOutcome(recipient: string, why: NotSentReason): RecipientOutcome {
    const reason =
      why === 'interrupted'
        ? 'not sent: the run was interrupted before sending it'
        : `not sent: the mail transport is down (${describeFailure(this.down)})`;
    return { recipient, status: 'failed', reason, notSent: why };
  }

  /** Gives a claim back without sending (nothing was handed over), so the next run sends it plainly. */
  private async release(recipient: string, claim: DeliveryRecord, why: NotSentReason): Promise<RecipientOutcome> {
    const outcome = this.notSentOutcome(recipient, why);
    const released = await this.ports.ledger
      .replace(releasedRecord(claim, outcome.reason!, this.ports.clock.now()))
      .catch(() => false);
    this.ports.log.warn('delivery claim released', { ...this.logFields(recipient), why, released });
    return outcome;
  }

  private logFields(recipient: string) {
    return {
      report: this.archived.reportId,
      period: this.archived.periodId,
      audience: this.archived.audience,
      recipient: maskAddress(recipient),
    };
  }

  private async hold(recipient: string, record: DeliveryRecord, reason: string): Promise<RecipientOutcome> {
    if (record.status === 'sending' && !this.options.dryRun) {
      const stopped = unconfirmedRecord(record, reason, this.ports.clock.now());
      if (!(await this.ports.ledger.replace(stopped))) return this.lostClaim(recipient, record);
      this.ports.log.warn('delivery unconfirmed', { ...this.logFields(recipient), messageId: record.messageId });
    }
    return { recipient, status: 'failed', reason, messageId: record.messageId, possibleDuplicate: true };
  }

  private async refuse(
    recipient: string,
    key: DeliveryKey,
    record: DeliveryRecord | undefined,
    messageId: string,
  ): Promise<RecipientOutcome> {
    const reason = `refused: ${domainOf(recipient)} is not an allowed domain (${this.recipients.allowedDomains.join(', ')})`;
    this.ports.log.warn('delivery refused', { ...this.logFields(recipient), reason });
    if (!this.options.dryRun) {
      const flags = { correction: record?.correction ?? false, possibleDuplicate: record?.possibleDuplicate ?? false };
      const failed = nextRecord(
        key,
        record,
        { status: 'failed', messageId, error: reason, ...flags },
        this.ports.clock.now(),
      );
      const written = record ? await this.ports.ledger.replace(failed) : await this.ports.ledger.create(failed);
      if (!written) return this.lostClaim(recipient, key);
    }
    return { recipient, status: 'failed', reason, attempts: 0 };
  }

  private async claim(
    key: DeliveryKey,
    record: DeliveryRecord | undefined,
    messageId: string,
    flags: { correction: boolean; possibleDuplicate: boolean },
  ): Promise<DeliveryRecord | undefined> {
    const claim = claimRecord(key, record, messageId, flags, this.ports.clock.now(), this.leaseMs);
    const won = record ? await this.ports.ledger.replace(claim) : await this.ports.ledger.create(claim);
    return won ? claim : undefined;
  }

  /** Another run wrote the record between our read and our write: report what it holds now. */
  private async lostClaim(recipient: string, key: DeliveryKey): Promise<RecipientOutcome> {
    const now = await this.ports.ledger.get(key);
    if (now?.status === 'sent')
      return {
        recipient,
        status: 'skipped',
        skipped: 'already-sent',
        reason: `already sent ${now.updatedAt} (by another run)`,
        messageId: now.messageId,
      };
    return {
      recipient,
      status: 'skipped',
      skipped: 'in-progress',
      reason: `another run is sending it${now?.leaseUntil ? ` (claim held until ${now.leaseUntil})` : ''}`,
    };
  }

  /** `earlierAttempts`: this run's calls for the same claim before it was flagged (afterPossibleArrival). */
  private async send(recipient: string, claimed: DeliveryRecord, earlierAttempts = 0): Promise<RecipientOutcome> {
    let claim = claimed;
    const flags = { correction: claim.correction, possibleDuplicate: claim.possibleDuplicate };
    const raw = await this.message({
      messageId: claim.messageId,
      ...flags,
      ...(claim.replaces ? { references: [claim.replaces] } : {}),
    });
    const mail = { key: claim, from: addressOf(this.recipients.from), to: recipient, messageId: claim.messageId, raw };
    let handedOver = false;
    const result = await sendWithRetry(this.ports.transport, mail, this.retry, {
      onHandOver: async () => {
        if (this.stopped()) return false;
        const marked = dispatchedRecord(claim, this.ports.clock.now());
        if (!(await this.ports.ledger.replace(marked))) throw new ClaimLost();
        claim = marked;
        handedOver = true;
        return true;
      },
      onFailedAttempt: (attempt, error) =>
        this.ports.log.warn('send attempt failed', { ...this.logFields(recipient), attempt, error }),
    }).catch((error: unknown) => (error instanceof ClaimLost ? 'lost' : Promise.reject(error)));
    if (result === 'lost') return this.lostClaim(recipient, claim);
    if (!handedOver) return this.release(recipient, claim, this.stopped() ?? 'interrupted');
    const { attempts, failure } = result;
    if (failure instanceof MailSendError && failure.transportDown && attempts === 1) {
      // Refused before any message data (connection, DNS, login): nothing left; stop the run.
      this.down ??= failure;
      this.ports.log.error('mail transport down', { ...this.logFields(recipient), error: describeFailure(failure) });
      return this.release(recipient, claim, 'transport-down');
    }
    if (failure instanceof MailSendError && failure.mayHaveArrived)
      return this.afterPossibleArrival(recipient, claim, { pass: attempts, run: earlierAttempts + attempts }, failure);
    const final = finishedRecord(
      claim,
      attempts,
      failure === undefined ? undefined : describeFailure(failure),
      this.ports.clock.now(),
    );
    const ledgerNote = await this.record(recipient, final);
    const outcome = { recipient, messageId: claim.messageId, attempts: earlierAttempts + attempts, ...flags };
    if (failure !== undefined) {
      this.ports.log.error('delivery failed', {
        ...this.logFields(recipient),
        attempts,
        error: describeFailure(failure),
      });
      return { ...outcome, status: 'failed', reason: `${describeFailure(failure)}${ledgerNote}` };
    }
    this.ports.log.info('delivery sent', {
      ...this.logFields(recipient),
      attempts,
      messageId: claim.messageId,
      ...flags,
    });
    return { ...outcome, status: 'sent', ...(ledgerNote ? { reason: ledgerNote.trim() } : {}) };
  }

  /**
   * The connection failed after the message was handed over, before any reply: the server may
   * have queued it. Sent once more, flagged as a possible duplicate with the same Message-ID (as
   * after a run killed mid-send); when this send was already that duplicate, stop: unconfirmed.
   * `attempts`: the calls of the send that failed so (for the ledger), and of this run in all.
   */
  private async afterPossibleArrival(
    recipient: string,
    claim: DeliveryRecord,
    attempts: { readonly pass: number; readonly run: number },
    failure: MailSendError,
  ): Promise<RecipientOutcome> {
    const now = this.ports.clock.now();
    const why = `${describeFailure(failure)}, after the message was handed over: it may have arrived`;
    if (claim.possibleDuplicate) {
      const sentSoFar = { ...claim, attempts: claim.attempts + attempts.pass };
      const ledgerNote = await this.record(recipient, unconfirmedRecord(sentSoFar, why, now));
      this.ports.log.warn('delivery unconfirmed', {
        ...this.logFields(recipient),
        messageId: claim.messageId,
        error: why,
      });
      return {
        recipient,
        status: 'failed',
        reason: `${unconfirmedReason(why)}${ledgerNote}`,
        messageId: claim.messageId,
        attempts: attempts.run,
        correction: claim.correction,
        possibleDuplicate: true,
      };
    }
    const flagged = flaggedRecord(claim, attempts.pass, now);
    if (!(await this.ports.ledger.replace(flagged))) return this.lostClaim(recipient, claim);
    this.ports.log.warn('delivery may have arrived; sending again flagged as a possible duplicate', {
      ...this.logFields(recipient),
      messageId: claim.messageId,
      error: why,
    });
    return this.send(recipient, flagged, attempts.run);
  }

  /** Records the outcome; a failure here leaves the claim to expire (see docs/delivery.md). */
  private async record(recipient: string, final: DeliveryRecord): Promise<string> {
    try {
      if (await this.ports.ledger.replace(final)) return '';
      this.ports.log.warn('delivery claim lost', { ...this.logFields(recipient), messageId: final.messageId });
      return ' (the claim expired and another run took it over before this one recorded the outcome)';
    } catch (error) {
      this.ports.log.error('delivery not recorded', {
        ...this.logFields(recipient),
        status: final.status,
        error: describeFailure(error),
      });
      return ` (ledger not updated: ${describeFailure(error)})`;
    }
  }
}

function countOf(outcomes: readonly RecipientOutcome[], status: RecipientStatus): number {
  return outcomes.filter((outcome) => outcome.status === status).length;
}

/** The one line of a transport that is down: where the run stopped, and who was left unsent. */
export function transportDownMessage(
  transport: string,
  failure: unknown,
  stoppedAt: Pick<ArchivedReport, 'reportId' | 'periodId' | 'audience'>,
  left: string,
): string {
  return `mail transport ${transport} is down: ${describeFailure(failure)}; stopped at ${stoppedAt.reportId} ${stoppedAt.periodId} ${stoppedAt.audience} with ${left} (nothing was handed over to them): fix the transport, then run again (the ledger skips what was sent)`;
}

/**
 * Delivers one audience's archived briefing to its recipients: builds the message, archives it
 * as <prefix>/message.eml, then claims, sends and records each recipient. Never throws for one
 * recipient's failure: the summary names each; it throws a DeliveryError only when the message
 * cannot be built or archived, before anything is sent.
 */
export async function deliverAudienceReport(
  archived: ArchivedReport,
  recipients: RecipientsConfig,
  ports: DeliveryPorts,
  options: DeliveryOptions = {},
): Promise<DeliverySummary> {
  const configured = recipientsOf(recipients, archived.audience).to;
  const allowed = configured.filter((address) => recipients.allowedDomains.includes(domainOf(address)));
  const run = new AudienceDelivery(
    archived,
    recipients,
    allowed.length > 0 ? allowed : configured,
    ports,
    options,
    ports.clock.now(),
  );
  let messageKey = `${archived.prefix}/message.eml`;
  let subject: string;
  let warnings: readonly string[];
  let messageBytes: number;
  try {
    const composed = await ports.composer.compose(
      run.request({ messageId: run.groupMessageId, correction: false, possibleDuplicate: false }),
    );
    ({ subject, warnings = [] } = composed);
    messageBytes = composed.raw.length;
    await ports.store.put(messageKey, composed.raw, 'message/rfc822');
    // A resend corrects only what went out (or may have): where nothing did, it is a first send.
    const earlier = options.resend
      ? await ports.ledger.list(archived.reportId, archived.periodId, archived.audience)
      : [];
    if (earlier.some((record) => record.status === 'sent' || record.status === 'unconfirmed' || record.correction)) {
      // The correction is archived beside the first message, which stays as it was sent.
      const references = [
        ...new Set(earlier.filter((record) => record.status === 'sent').map((record) => record.messageId)),
      ];
      const correction = await ports.composer.compose(
        run.request({ messageId: run.correctionMessageId, correction: true, possibleDuplicate: false, references }),
      );
      messageKey = `${archived.prefix}/${CORRECTION_MESSAGE}`;
      subject = correction.subject;
      await ports.store.put(messageKey, correction.raw, 'message/rfc822');
    }
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(
      `${archived.reportId} ${archived.periodId} ${archived.audience}: the message could not be built or archived: ${describeFailure(error)}`,
      { cause: error },
    );
  }
  for (const warning of warnings)
    ports.log.warn('message warning', {
      report: archived.reportId,
      period: archived.periodId,
      audience: archived.audience,
      warning,
    });
  if (options.resend && !options.dryRun)
    await pMap(configured, (recipient) => run.queueCorrection(recipient), { concurrency: options.concurrency ?? 4 });
  let done = 0;
  const outcomes = await pMap(
    configured,
    async (recipient) => {
      const outcome = await run.deliver(recipient);
      done += 1;
      options.onProgress?.({ audience: archived.audience, done, total: configured.length });
      return outcome;
    },
    { concurrency: options.concurrency ?? 4 },
  );
  const summary: DeliverySummary = {
    reportId: archived.reportId,
    periodId: archived.periodId,
    audience: archived.audience,
    transport: ports.transport.name,
    dryRun: options.dryRun === true,
    resend: options.resend === true,
    subject,
    messageKey,
    messageBytes,
    warnings,
    recipients: outcomes,
    sent: countOf(outcomes, 'sent'),
    possibleDuplicates: outcomes.filter((outcome) => outcome.status === 'sent' && outcome.possibleDuplicate).length,
    skipped: countOf(outcomes, 'skipped'),
    failed: countOf(outcomes, 'failed'),
    inProgress: outcomes.filter((outcome) => outcome.skipped === 'in-progress').length,
    notSent: outcomes.filter((outcome) => outcome.notSent !== undefined).length,
  };
  if (run.down) {
    const left = summary.notSent;
    throw new MailTransportDownError(
      transportDownMessage(ports.transport.name, run.down, archived, `${left} recipient(s) not sent`),
      left,
      { cause: run.down },
    );
  }
  ports.log.info('audience delivered', {
    report: summary.reportId,
    period: summary.periodId,
    audience: summary.audience,
    sent: summary.sent,
    skipped: summary.skipped,
    failed: summary.failed,
    dryRun: summary.dryRun,
  });
  return summary;
}
