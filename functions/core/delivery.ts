// The delivery use case: one audience's archived briefing, mailed once to each of its recipients.
// Every send is claimed in the delivery ledger before it happens and recorded after, so a run
// that is retried or rerun sends only what has not gone out, and two runs at once cannot both
// send. A claim is a `sending` record with a lease; a run that finds an expired one (its run
// crashed between sending and recording) sends again, flagged as a possible duplicate, once.
import { createHash } from 'node:crypto';
import pRetry from 'p-retry';
import type {
  Clock,
  ComposeRequest,
  DeliveryKey,
  DeliveryLedger,
  DeliveryRecord,
  MailTransport,
  MessageComposer,
} from './delivery-ports.ts';
import { MailSendError } from './delivery-ports.ts';
import type { CorrectionNote } from './correction-diff.ts';
import { DeliveryError } from './errors.ts';
import type { Logger, ReportStore } from './ports.ts';
import { domainOf, recipientsOf, type RecipientsConfig } from './recipients.ts';
import type { ArchivedReport } from './report-run.ts';

export interface DeliveryPorts {
  readonly transport: MailTransport;
  readonly ledger: DeliveryLedger;
  readonly store: ReportStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Builds the MIME message: createBriefingMessageComposer() from #render/mime/briefing-composer.ts. */
  readonly composer: MessageComposer;
}

export interface RetryPolicy {
  /** Retries after the first attempt, for transient failures only. */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minDelayMs: 1_000, maxDelayMs: 30_000 };
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
}

export type RecipientStatus = 'sent' | 'skipped' | 'failed' | 'planned';

export interface RecipientOutcome {
  /** The address as configured. */
  readonly recipient: string;
  readonly status: RecipientStatus;
  /** Why skipped, why failed, or what a dry run would do. */
  readonly reason?: string;
  /** For a skipped recipient: sent by an earlier run, or claimed by a run still within its lease. */
  readonly skipped?: 'already-sent' | 'in-progress';
  readonly messageId?: string;
  /** Transport calls made by this run. */
  readonly attempts?: number;
  readonly correction?: boolean;
  readonly possibleDuplicate?: boolean;
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
  readonly skipped: number;
  readonly failed: number;
  /** Of the skipped, those another run holds: not sent yet, a rerun after its lease completes them. */
  readonly inProgress: number;
}

/** What to do for one recipient, given its ledger record. */
export type RecipientPlan =
  | { readonly action: 'skip'; readonly skipped: 'already-sent' | 'in-progress'; readonly reason: string }
  | { readonly action: 'hold'; readonly reason: string }
  | {
      readonly action: 'send';
      readonly correction: boolean;
      readonly possibleDuplicate: boolean;
      /** Keep the record's Message-ID (a retry of the same message), or use the run's. */
      readonly keepMessageId: boolean;
    };

/**
 * The ledger rules, as a pure function:
 * - no record, or a failed one: send (a failed correction or duplicate keeps its flags and id)
 * - queued: send the correction it stands for
 * - sent: skip, unless resending, which sends a correction
 * - sending within its lease: skip, another run holds it
 * - sending past its lease: send again flagged as a possible duplicate, with the same
 *   Message-ID; if that claim was itself a takeover, stop (unconfirmed): at most one duplicate
 * - unconfirmed: hold, unless resending, which sends a correction
 */
export function planRecipient(record: DeliveryRecord | undefined, now: Date, resend: boolean): RecipientPlan {
  if (!record) return { action: 'send', correction: false, possibleDuplicate: false, keepMessageId: false };
  switch (record.status) {
    case 'queued':
      return { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: true };
    case 'failed':
      return { action: 'send', correction: record.correction, possibleDuplicate: record.possibleDuplicate, keepMessageId: record.correction || record.possibleDuplicate };
    case 'sent':
      return resend
        ? { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: false }
        : { action: 'skip', skipped: 'already-sent', reason: `already sent ${record.updatedAt}${record.correction ? ' (correction)' : ''}` };
    case 'unconfirmed':
      return resend
        ? { action: 'send', correction: true, possibleDuplicate: false, keepMessageId: false }
        : { action: 'hold', reason: `unconfirmed: ${record.error ?? 'sent twice without a record'}; check the mailbox, then resend with --resend if it is missing` };
    case 'sending': {
      if (record.leaseUntil && new Date(record.leaseUntil) > now) {
        return { action: 'skip', skipped: 'in-progress', reason: `another run is sending it (claim held until ${record.leaseUntil})` };
      }
      if (record.possibleDuplicate) return { action: 'hold', reason: 'unconfirmed: two runs stopped between sending and recording; the message may have arrived twice already' };
      return { action: 'send', correction: record.correction, possibleDuplicate: true, keepMessageId: true };
    }
  }
}

/** b***@example.com: logs never carry a full address. */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 1 ? '***' : `${address[0]}***${address.slice(at)}`;
}

const ADDRESS_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/**
 * Every address in a text masked. Mail servers and SES quote the address they refuse, and a
 * failure's reason travels on into the summary, the ledger, logs and, in AWS, the Deliver
 * step's error, which the Lambda runtime logs and the state machine keeps.
 */
export function maskAddresses(text: string): string {
  return text.replace(ADDRESS_IN_TEXT, (address) => maskAddress(address));
}

export function ledgerKeyOf(archived: ArchivedReport, recipient: string): DeliveryKey {
  return { reportId: archived.reportId, periodId: archived.periodId, audience: archived.audience, recipient: recipient.trim().toLowerCase() };
}

function addressOf(from: string): string {
  return /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/**
 * <report.period.audience.hash@domain-of-from>: the same briefing content gives the same id,
 * so a recipient completed by a rerun gets the id the others got; a correction hashes in its
 * issue time, so each correction has its own.
 */
export function messageIdOf(archived: ArchivedReport, from: string, correctionIssuedAt?: Date): string {
  const hash = createHash('sha256')
    .update([archived.reportId, archived.periodId, archived.audience, archived.rendered.text, archived.rendered.html, correctionIssuedAt?.toISOString() ?? ''].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  const kind = correctionIssuedAt ? '.correction' : '';
  return `<${archived.reportId}.${archived.periodId}.${archived.audience}${kind}.${hash}@${domainOf(addressOf(from))}>`;
}

/** A failure in one line for summaries, records and logs, with any address in it masked. */
function describe(error: unknown): string {
  return maskAddresses(error instanceof Error ? error.message : String(error));
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

type Variant = Pick<ComposeRequest, 'messageId' | 'correction' | 'possibleDuplicate' | 'references'>;

/** Everything one delivery run shares between its recipients. */
class AudienceDelivery {
  private readonly variants = new Map<string, Promise<Uint8Array>>();
  private readonly retry: RetryPolicy;
  private readonly leaseMs: number;
  readonly groupMessageId: string;
  readonly correctionMessageId: string;

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
    const queued = this.recordOf(key, record, { status: 'queued', messageId: this.correctionMessageId, correction: true, possibleDuplicate: false, replaces: record.messageId, ...(reason ? { reason } : {}) });
    if (await this.ports.ledger.replace(queued)) this.ports.log.info('correction queued', { ...this.logFields(recipient), messageId: queued.messageId });
  }

  async deliver(recipient: string): Promise<RecipientOutcome> {
    const key = ledgerKeyOf(this.archived, recipient);
    try {
      const record = await this.ports.ledger.get(key);
      // After queueing, a resend sends the queued records; only a dry run plans from `sent`.
      const plan = planRecipient(record, this.ports.clock.now(), this.options.resend === true && this.options.dryRun === true);
      if (plan.action === 'skip') return { recipient, status: 'skipped', skipped: plan.skipped, reason: plan.reason, messageId: record!.messageId };
      if (plan.action === 'hold') return this.hold(recipient, record!, plan.reason);
      const messageId = plan.keepMessageId ? record!.messageId : plan.correction ? this.correctionMessageId : this.groupMessageId;
      if (!this.isAllowed(recipient)) return this.refuse(recipient, key, record, messageId);
      const flags = { correction: plan.correction, possibleDuplicate: plan.possibleDuplicate };
      if (this.options.dryRun) {
        const what = plan.correction ? 'would send a correction' : plan.possibleDuplicate ? 'would send again, flagged as a possible duplicate' : 'would send';
        return { recipient, status: 'planned', reason: what, messageId, ...flags };
      }
      const claim = await this.claim(key, record, messageId, flags);
      if (!claim) return this.lostClaim(recipient, key);
      return this.send(recipient, claim);
    } catch (error) {
      this.ports.log.error('delivery failed', { ...this.logFields(recipient), error: describe(error) });
      return { recipient, status: 'failed', reason: describe(error) };
    }
  }

  private logFields(recipient: string) {
    return { report: this.archived.reportId, period: this.archived.periodId, audience: this.archived.audience, recipient: maskAddress(recipient) };
  }

  private async hold(recipient: string, record: DeliveryRecord, reason: string): Promise<RecipientOutcome> {
    if (record.status === 'sending' && !this.options.dryRun) {
      const now = this.ports.clock.now().toISOString();
      const stopped: DeliveryRecord = { ...record, status: 'unconfirmed', error: reason.replace(/^unconfirmed: /, ''), leaseUntil: undefined, updatedAt: now, version: record.version + 1 };
      if (!(await this.ports.ledger.replace(stopped))) return this.lostClaim(recipient, record);
      this.ports.log.warn('delivery unconfirmed', { ...this.logFields(recipient), messageId: record.messageId });
    }
    return { recipient, status: 'failed', reason, messageId: record.messageId, possibleDuplicate: true };
  }

  private async refuse(recipient: string, key: DeliveryKey, record: DeliveryRecord | undefined, messageId: string): Promise<RecipientOutcome> {
    const reason = `refused: ${domainOf(recipient)} is not an allowed domain (${this.recipients.allowedDomains.join(', ')})`;
    this.ports.log.warn('delivery refused', { ...this.logFields(recipient), reason });
    if (!this.options.dryRun) {
      const failed = this.recordOf(key, record, { status: 'failed', messageId, error: reason, correction: record?.correction ?? false, possibleDuplicate: record?.possibleDuplicate ?? false });
      const written = record ? await this.ports.ledger.replace(failed) : await this.ports.ledger.create(failed);
      if (!written) return this.lostClaim(recipient, key);
    }
    return { recipient, status: 'failed', reason, attempts: 0 };
  }

  private recordOf(
    key: DeliveryKey,
    previous: DeliveryRecord | undefined,
    fields: Pick<DeliveryRecord, 'status' | 'messageId' | 'correction' | 'possibleDuplicate'> & { error?: string; leaseUntil?: string; replaces?: string; reason?: string },
  ): DeliveryRecord {
    return {
      ...key,
      attempts: previous?.attempts ?? 0,
      error: undefined,
      leaseUntil: undefined,
      // A correction keeps pointing at the send it corrects, through its retries.
      replaces: fields.correction ? previous?.replaces : undefined,
      reason: fields.correction ? previous?.reason : undefined,
      ...fields,
      updatedAt: this.ports.clock.now().toISOString(),
      version: (previous?.version ?? 0) + 1,
    };
  }

  private async claim(key: DeliveryKey, record: DeliveryRecord | undefined, messageId: string, flags: { correction: boolean; possibleDuplicate: boolean }): Promise<DeliveryRecord | undefined> {
    const leaseUntil = new Date(this.ports.clock.now().getTime() + this.leaseMs).toISOString();
    const claim = this.recordOf(key, record, { status: 'sending', messageId, leaseUntil, ...flags });
    const won = record ? await this.ports.ledger.replace(claim) : await this.ports.ledger.create(claim);
    return won ? claim : undefined;
  }

  /** Another run wrote the record between our read and our write: report what it holds now. */
  private async lostClaim(recipient: string, key: DeliveryKey): Promise<RecipientOutcome> {
    const now = await this.ports.ledger.get(key);
    if (now?.status === 'sent') return { recipient, status: 'skipped', skipped: 'already-sent', reason: `already sent ${now.updatedAt} (by another run)`, messageId: now.messageId };
    return { recipient, status: 'skipped', skipped: 'in-progress', reason: `another run is sending it${now?.leaseUntil ? ` (claim held until ${now.leaseUntil})` : ''}` };
  }

  private async send(recipient: string, claim: DeliveryRecord): Promise<RecipientOutcome> {
    const flags = { correction: claim.correction, possibleDuplicate: claim.possibleDuplicate };
    const raw = await this.message({ messageId: claim.messageId, ...flags, ...(claim.replaces ? { references: [claim.replaces] } : {}) });
    let attempts = 0;
    let failure: unknown;
    try {
      await pRetry(
        async () => {
          attempts += 1;
          await this.ports.transport.send({ key: claim, from: addressOf(this.recipients.from), to: recipient, messageId: claim.messageId, raw });
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minDelayMs,
          maxTimeout: this.retry.maxDelayMs,
          randomize: true,
          shouldRetry: ({ error }) => error instanceof MailSendError && error.transient,
          onFailedAttempt: ({ error, attemptNumber }) => this.ports.log.warn('send attempt failed', { ...this.logFields(recipient), attempt: attemptNumber, error: describe(error) }),
        },
      );
    } catch (error) {
      failure = error;
    }
    const status = failure === undefined ? 'sent' : 'failed';
    const final: DeliveryRecord = {
      ...claim,
      status,
      attempts: claim.attempts + attempts,
      error: failure === undefined ? undefined : describe(failure),
      leaseUntil: undefined,
      updatedAt: this.ports.clock.now().toISOString(),
      version: claim.version + 1,
    };
    const ledgerNote = await this.record(recipient, final);
    const outcome = { recipient, messageId: claim.messageId, attempts, ...flags };
    if (failure !== undefined) {
      this.ports.log.error('delivery failed', { ...this.logFields(recipient), attempts, error: describe(failure) });
      return { ...outcome, status: 'failed', reason: `${describe(failure)}${ledgerNote}` };
    }
    this.ports.log.info('delivery sent', { ...this.logFields(recipient), attempts, messageId: claim.messageId, ...flags });
    return { ...outcome, status: 'sent', ...(ledgerNote ? { reason: ledgerNote.trim() } : {}) };
  }

  /** Records the outcome; a failure here leaves the claim to expire (see docs/delivery.md). */
  private async record(recipient: string, final: DeliveryRecord): Promise<string> {
    try {
      if (await this.ports.ledger.replace(final)) return '';
      this.ports.log.warn('delivery claim lost', { ...this.logFields(recipient), messageId: final.messageId });
      return ' (the claim expired and another run took it over before this one recorded the outcome)';
    } catch (error) {
      this.ports.log.error('delivery not recorded', { ...this.logFields(recipient), status: final.status, error: describe(error) });
      return ` (ledger not updated: ${describe(error)})`;
    }
  }
}

function countOf(outcomes: readonly RecipientOutcome[], status: RecipientStatus): number {
  return outcomes.filter((outcome) => outcome.status === status).length;
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
  const run = new AudienceDelivery(archived, recipients, allowed.length > 0 ? allowed : configured, ports, options, ports.clock.now());
  let messageKey = `${archived.prefix}/message.eml`;
  let subject: string;
  let warnings: readonly string[];
  let messageBytes: number;
  try {
    const composed = await ports.composer.compose(run.request({ messageId: run.groupMessageId, correction: false, possibleDuplicate: false }));
    ({ subject, warnings = [] } = composed);
    messageBytes = composed.raw.length;
    await ports.store.put(messageKey, composed.raw, 'message/rfc822');
    if (options.resend) {
      // The correction is archived beside the first message, which stays as it was sent.
      const earlier = await ports.ledger.list(archived.reportId, archived.periodId, archived.audience);
      const references = [...new Set(earlier.filter((record) => record.status === 'sent').map((record) => record.messageId))];
      const correction = await ports.composer.compose(run.request({ messageId: run.correctionMessageId, correction: true, possibleDuplicate: false, references }));
      messageKey = `${archived.prefix}/message-correction.eml`;
      subject = correction.subject;
      await ports.store.put(messageKey, correction.raw, 'message/rfc822');
    }
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw new DeliveryError(`${archived.reportId} ${archived.periodId} ${archived.audience}: the message could not be built or archived: ${describe(error)}`, { cause: error });
  }
  for (const warning of warnings) ports.log.warn('message warning', { report: archived.reportId, period: archived.periodId, audience: archived.audience, warning });
  if (options.resend && !options.dryRun) await mapLimited(configured, options.concurrency ?? 4, (recipient) => run.queueCorrection(recipient));
  const outcomes = await mapLimited(configured, options.concurrency ?? 4, (recipient) => run.deliver(recipient));
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
    skipped: countOf(outcomes, 'skipped'),
    failed: countOf(outcomes, 'failed'),
    inProgress: outcomes.filter((outcome) => outcome.skipped === 'in-progress').length,
  };
  ports.log.info('audience delivered', { report: summary.reportId, period: summary.periodId, audience: summary.audience, sent: summary.sent, skipped: summary.skipped, failed: summary.failed, dryRun: summary.dryRun });
  return summary;
}
