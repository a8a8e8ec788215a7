// Delivery of a job's archived reports, audience after audience, through one transport: the one
// path by which the CLI (run, rerun, backfill, preview, demo) and the bench build and send mail.

import type { CorrectionNote } from '#core/correction-diff.ts';
import {
  type DeliveryOptions,
  type DeliverySummary,
  deliverAudienceReport,
  transportDownMessage,
} from '#core/delivery.ts';
import { type DeliveryLedger, type MailTransport, MailTransportDownError } from '#core/delivery-ports.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import { type RecipientsConfig, recipientsOf } from '#core/recipients.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { audienceOutcomeFromLedger } from '#core/run-lifecycle.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';

export interface DeliverReportsPorts {
  readonly transport: MailTransport;
  readonly ledger: DeliveryLedger;
  readonly store: ReportStore;
  readonly log: Logger;
  readonly recipients: RecipientsConfig;
  readonly now: () => Date;
  /** Ctrl-C: start no further send. */
  readonly signal?: DeliveryOptions['signal'];
  /** Called as each recipient is done. */
  readonly onProgress?: DeliveryOptions['onProgress'];
}

export async function deliverArchivedReports(
  archived: readonly ArchivedReport[],
  mode: {
    readonly resend: boolean;
    readonly dryRun: boolean;
    readonly correctionNotes?: ReadonlyMap<string, CorrectionNote>;
    /** Audiences whose last correction this resend finishes, as a rerun would, instead of mailing another. */
    readonly completing?: ReadonlySet<string>;
    /**
     * Called as each audience is delivered, before the next starts: what went out is recorded
     * then, so a run stopped at a later audience (killed, the transport down) loses no record of it.
     */
    readonly onDelivered?: (report: ArchivedReport, summary: DeliverySummary) => Promise<void>;
  },
  ports: DeliverReportsPorts,
): Promise<DeliverySummary[]> {
  const deliveryPorts = {
    transport: ports.transport,
    store: ports.store,
    log: ports.log,
    ledger: ports.ledger,
    composer: createBriefingMessageComposer(),
    clock: { now: ports.now },
  };
  const summaries: DeliverySummary[] = [];
  const watch = {
    ...(ports.signal ? { signal: ports.signal } : {}),
    ...(ports.onProgress ? { onProgress: ports.onProgress } : {}),
  };
  for (const [index, report] of archived.entries()) {
    // A resend carries, per audience, why and what changed (#core/sent-archive.ts decides it).
    const correctionNote = mode.correctionNotes?.get(report.audience);
    try {
      const summary = await deliverAudienceReport(report, ports.recipients, deliveryPorts, {
        resend: mode.resend && !mode.completing?.has(report.audience),
        dryRun: mode.dryRun,
        ...watch,
        ...(correctionNote ? { correctionNote } : {}),
      });
      summaries.push(summary);
      await mode.onDelivered?.(report, summary);
    } catch (error) {
      throw await untriedAfter(error, report, archived.slice(index + 1), ports);
    }
  }
  return summaries;
}

/**
 * A transport down at one audience leaves the audiences after it untried too: the line counts
 * their recipients who do not have the report yet (a rerun may have sent some of them before).
 */
async function untriedAfter(
  error: unknown,
  stoppedAt: ArchivedReport,
  later: readonly ArchivedReport[],
  ports: DeliverReportsPorts,
): Promise<unknown> {
  if (!(error instanceof MailTransportDownError) || later.length === 0) return error;
  let untried = 0;
  for (const report of later) {
    const records = await ports.ledger.list(report.reportId, report.periodId, report.audience);
    const addresses = recipientsOf(ports.recipients, report.audience).to;
    untried += audienceOutcomeFromLedger(report.audience, addresses, records).recipients!.notDelivered.length;
  }
  return new MailTransportDownError(
    transportDownMessage(
      ports.transport.name,
      error.cause,
      stoppedAt,
      `${error.notSent} recipient(s) not sent, and ${untried} recipient(s) of the ${later.length} audience(s) after it not tried`,
    ),
    error.notSent + untried,
    { cause: error.cause },
  );
}
