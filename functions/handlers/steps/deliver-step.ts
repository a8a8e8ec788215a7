// The Deliver step of a run, once per audience: load the run snapshot, render and archive the
// audience's briefing, then deliver it (#core/delivery.ts). Delivery is idempotent through the
// ledger, so a retry of this step, or a re-run of the whole run, sends nothing twice. Anything
// not confirmed sent (a failed recipient, a claim still held by an earlier attempt) leaves the
// step as a DeliveryError, so that the state machine retries it and, in the end, records it.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { deliverAudienceReport, maskAddress, type DeliveryOptions, type DeliveryPorts, type DeliverySummary } from '#core/delivery.ts';
import { ArchiveError, ConfigurationError, DeliveryError } from '#core/errors.ts';
import type { BriefingRenderer, Logger, ReportStore } from '#core/ports.ts';
import { parseRecipients, recipientsOf } from '#core/recipients.ts';
import type { Locale } from '#core/report-model.ts';
import { archiveAudienceReport, type RunSnapshot } from '#core/report-run.ts';
import { assertSenderInDomain } from '../support/sending-domain.ts';

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
  readonly status: 'delivered' | 'archived';
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
async function readJson(store: ReportStore, key: string, what: string, whenMissing?: (message: string) => Error): Promise<unknown> {
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
    .filter((outcome) => outcome.status === 'failed' || (outcome.status === 'skipped' && outcome.reason?.startsWith('another run is sending')))
    .map((outcome) => `${maskAddress(outcome.recipient)}: ${outcome.reason ?? outcome.status}`);
}

export async function deliverStep(event: DeliverEvent, source: RecipientsSource, ports: DeliverPorts, options: DeliveryOptions = {}): Promise<DeliverOutput> {
  const snapshot = (await readJson(ports.store, event.snapshotKey, 'run snapshot')) as RunSnapshot;
  if (!snapshot.audiences.includes(event.audience)) {
    throw new ConfigurationError(`audience ${event.audience} is not part of the run ${snapshot.reportId} ${snapshot.periodId}`);
  }
  // No retry brings the recipients file: an operator uploads it (docs/aws.md), so it fails at once.
  const missingFile = (message: string) => new ConfigurationError(`${message}: upload it (docs/aws.md, "Deploying")`);
  const recipientsFile = ports.store.locate(source.key);
  const recipients = parseRecipients(await readJson(ports.store, source.key, 'recipients file', missingFile), recipientsFile);
  assertSenderInDomain(recipients.from, source.sendingDomain, recipientsFile);
  const { locale } = recipientsOf(recipients, event.audience);
  const archived = await archiveAudienceReport(snapshot, event.audience, locale, { renderer: ports.rendererFor(locale), store: ports.store });
  if (event.archiveOnly) {
    return { audience: event.audience, status: 'archived', reportId: snapshot.reportId, periodId: snapshot.periodId, html: ports.store.locate(archived.keys.html), sent: 0, skipped: 0, recipients: [] };
  }
  const summary = await deliverAudienceReport(archived, recipients, { ...ports.delivery, store: ports.store, log: ports.log }, { ...options, resend: event.resend === true || options.resend === true });
  const open = unfinished(summary);
  if (open.length > 0) {
    throw new DeliveryError(`${snapshot.reportId} ${snapshot.periodId} ${event.audience}: ${open.length} recipient(s) not confirmed sent: ${open.join('; ')}`);
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
