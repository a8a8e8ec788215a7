// Delivery of a job's archived reports, audience after audience, through one transport: the one
// path by which the CLI (run, rerun, backfill, preview, demo) and the bench build and send mail.

import type { CorrectionNote } from '#core/correction-diff.ts';
import { type DeliveryOptions, type DeliverySummary, deliverAudienceReport } from '#core/delivery.ts';
import type { DeliveryLedger, MailTransport } from '#core/delivery-ports.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import type { RecipientsConfig } from '#core/recipients.ts';
import type { ArchivedReport } from '#core/report-run.ts';
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
  for (const report of archived) {
    // A resend carries, per audience, why and what changed (#core/sent-archive.ts decides it).
    const correctionNote = mode.correctionNotes?.get(report.audience);
    summaries.push(
      await deliverAudienceReport(report, ports.recipients, deliveryPorts, {
        resend: mode.resend,
        dryRun: mode.dryRun,
        ...watch,
        ...(correctionNote ? { correctionNote } : {}),
      }),
    );
  }
  return summaries;
}
