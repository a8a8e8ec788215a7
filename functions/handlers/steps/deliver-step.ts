// The Deliver step of a run, once per audience: load the run snapshot, render and archive the
// audience's briefing, then deliver it (#core/delivery.ts). Delivery is idempotent through the
// ledger, so a retry of this step, or a re-run of the whole run, sends nothing twice. Anything
// not confirmed sent (a failed recipient, a claim still held by an earlier attempt) leaves the
// step as a DeliveryError, so that the state machine retries it and, in the end, records it.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import {
  type DeliveryOptions,
  type DeliveryPorts,
  type DeliverySummary,
  deliverAudienceReport,
  maskAddress,
} from '#core/delivery.ts';
import { ArchiveError, ConfigurationError, DeliveryError } from '#core/errors.ts';
import type { BriefingRenderer, Logger, ReportStore } from '#core/ports.ts';
import { parseRecipients, recipientsOf } from '#core/recipients.ts';
import type { Locale } from '#core/report-model.ts';
import { archiveAudienceReport } from '#core/report-run.ts';
import { parseRunSnapshot } from '#core/run-snapshot.ts';
import { assertSenderInDomain } from '#core/sending-domain.ts';
import { decideSend, planAudienceArchive, recordDelivery } from '#core/sent-archive.ts';

/** Beside the figures, Prepare stores the run's id and, for a resend, its reason. */
const runExtrasSchema = z.object({
  runId: z.optional(z.string()),
  correction: z.optional(z.object({ reason: z.string() })),
});

export const deliverEventSchema = z.object({
  snapshotKey: z.string().check(z.minLength(1)),
  audience: z.string().check(z.minLength(1)),
  /** A deliberate resend: a correction to everyone (the run's input, passed on by Prepare). */
  resend: z.optional(z.boolean()),
  /** Archive only (a backfill without sending). */
  archiveOnly: z.optional(z.boolean()),
});
export type DeliverEvent = z.infer<typeof deliverEventSchema>;

export interface DeliverPorts {
  readonly store: ReportStore;
  readonly rendererFor: (locale: Locale) => BriefingRenderer;
  readonly delivery: Omit<DeliveryPorts, 'store' | 'log'>;
  readonly log: Logger;
}

export interface DeliverOutput {
  readonly audience: string;
  /** figures-changed: a rerun found figures other than those sent and sent nothing (only a resend with a reason does). */
  readonly status: 'delivered' | 'archived' | 'figures-changed';
  readonly reportId: string;
  readonly periodId: string;
  readonly html: string;
  readonly sent: number;
  readonly skipped: number;
  /** Recipients masked (b***@example.com): this output travels through the state machine. */
  readonly recipients: readonly { recipient: string; status: string; reason?: string }[];
}

/** Where the recipients file lies in the archive, and the SES domain its sender must lie in. */
export interface RecipientsSource {
  readonly key: string;
  readonly sendingDomain: string;
}

/**
 * A JSON object of the archive. A missing one is an ArchiveError (retried: the snapshot may be
 * a moment behind), or the given error for a file that only an operator can put there.
 */
async function readJson(
  store: ReportStore,
  key: string,
  what: string,
  whenMissing?: (message: string) => Error,
): Promise<unknown> {
  const body = await store.get(key);
  if (!body) {
    const message = `${what} ${store.locate(key)} is missing`;
    throw whenMissing ? whenMissing(message) : new ArchiveError(message);
  }
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    throw new ArchiveError(`${what} ${store.locate(key)} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

/** Recipients still to do: failed, or claimed by an attempt that may still be sending. */
function unfinished(summary: DeliverySummary): string[] {
  return summary.recipients
    .filter((outcome) => outcome.status === 'failed' || outcome.skipped === 'in-progress')
    .map((outcome) => `${maskAddress(outcome.recipient)}: ${outcome.reason ?? outcome.status}`);
}

export async function deliverStep(
  event: DeliverEvent,
  source: RecipientsSource,
  ports: DeliverPorts,
  options: DeliveryOptions = {},
): Promise<DeliverOutput> {
  const body = await ports.store.get(event.snapshotKey);
  if (!body) throw new ArchiveError(`run snapshot ${ports.store.locate(event.snapshotKey)} is missing`);
  const snapshot = parseRunSnapshot(body, ports.store.locate(event.snapshotKey));
  const extras = runExtrasSchema.parse(JSON.parse(new TextDecoder().decode(body)));
  if (!snapshot.audiences.includes(event.audience)) {
    throw new ConfigurationError(
      `audience ${event.audience} is not part of the run ${snapshot.reportId} ${snapshot.periodId}`,
    );
  }
  // No retry brings the recipients file: an operator uploads it (docs/aws.md), so it fails at once.
  const missingFile = (message: string) => new ConfigurationError(`${message}: upload it (docs/aws.md, "Deploying")`);
  const recipientsFile = ports.store.locate(source.key);
  const recipients = parseRecipients(
    await readJson(ports.store, source.key, 'recipients file', missingFile),
    recipientsFile,
  );
  assertSenderInDomain(recipients.from, source.sendingDomain, recipientsFile);
  const { locale } = recipientsOf(recipients, event.audience);
  // What went out stays as it went out: once a version was sent (a Deliver that timed out
  // mid-send included), the render is a draft.
  const plan = await planAudienceArchive(
    ports.store,
    ports.delivery.ledger,
    snapshot.reportId,
    snapshot.periodId,
    event.audience,
    {
      dryRun: options.dryRun === true,
    },
  );
  const archived = await archiveAudienceReport(
    snapshot,
    event.audience,
    locale,
    { renderer: ports.rendererFor(locale), store: ports.store },
    plan.prefix ? { prefix: plan.prefix } : {},
  );
  const nothingSent = {
    reportId: snapshot.reportId,
    periodId: snapshot.periodId,
    html: ports.store.locate(archived.keys.html),
    sent: 0,
    skipped: 0,
    recipients: [],
  };
  if (event.archiveOnly) return { audience: event.audience, status: 'archived', ...nothingSent };
  const resend = event.resend === true || options.resend === true;
  const reason = extras.correction?.reason;
  const decision = decideSend(archived, plan.lastSent, { resend, reason });
  if (decision.action === 'figures-changed') {
    ports.log.warn('figures changed since sent', {
      report: snapshot.reportId,
      period: snapshot.periodId,
      audience: event.audience,
      sentAt: decision.sentAt,
    });
    return { audience: event.audience, status: 'figures-changed', ...nothingSent };
  }
  const correctionNote = decision.correctionNote ? { correctionNote: decision.correctionNote } : {};
  // the same resend again after it stopped halfway finishes its correction rather than mailing another
  const correcting = resend && decision.repeatsLastCorrection !== true;
  const summary = await deliverAudienceReport(
    archived,
    recipients,
    { ...ports.delivery, store: ports.store, log: ports.log },
    { ...options, resend: correcting, ...correctionNote },
  );
  const messageId = summary.recipients.find((outcome) => outcome.status === 'sent')?.messageId;
  await recordDelivery(
    ports.store,
    archived,
    {
      sent: summary.sent,
      messageKey: summary.messageKey,
      resend: correcting,
      dryRun: summary.dryRun,
      messageId,
      possibleDuplicates: summary.possibleDuplicates,
    },
    plan.lastSent,
    {
      runId: extras.runId ?? `execution-${snapshot.generatedAt}`,
      at: ports.delivery.clock.now(),
      reason,
    },
  );
  const open = unfinished(summary);
  if (open.length > 0) {
    throw new DeliveryError(
      `${snapshot.reportId} ${snapshot.periodId} ${event.audience}: ${open.length} recipient(s) not confirmed sent: ${open.join('; ')}`,
    );
  }
  return {
    audience: event.audience,
    status: 'delivered',
    reportId: snapshot.reportId,
    periodId: snapshot.periodId,
    html: ports.store.locate(archived.keys.html),
    sent: summary.sent,
    skipped: summary.skipped,
    recipients: summary.recipients.map((outcome) => ({
      recipient: maskAddress(outcome.recipient),
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
    })),
  };
}
