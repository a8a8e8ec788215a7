// The check of missed runs in AWS, on its own schedule: the same check as `mnp-briefings check`
// (#core/overdue.ts) over the archive's run journal and the DynamoDB ledger, for the scheduled
// times of the last lookback days, published as one CloudWatch metric per report (its overdue
// count) and one for reports sent with the "data incomplete" banner. It looks back from the
// first period in the journal, at most lookbackDays. A schedule deleted or
// disabled shows as overdue periods; a check that never runs leaves the metric without data,
// which its alarm treats as breaching.
import type { DeliveryLedger } from '#core/delivery-ports.ts';
import { ArchiveError } from '#core/errors.ts';
import { type CheckReport, checkSchedules, findingLine } from '#core/overdue.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import { parseRecipients } from '#core/recipients.ts';
import type { ReportDefinition } from '#core/report-definitions.ts';

/** The metrics the check publishes, per report (dimension Report). */
export const CHECK_METRICS = { overdue: 'OverdueReports', lateBanner: 'ReportsSentWithIncompleteData' } as const;

export interface MetricDatum {
  readonly name: string;
  readonly report: string;
  readonly value: number;
}

export interface CheckStepPorts {
  readonly store: ReportStore;
  readonly ledger: DeliveryLedger;
  readonly publish: (metrics: readonly MetricDatum[], at: Date) => Promise<void>;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface CheckStepOptions {
  readonly definitions: readonly ReportDefinition[];
  readonly recipientsKey: string;
  /** Scheduled times of the last this many days are checked. */
  readonly lookbackDays: number;
}

export async function checkStep(ports: CheckStepPorts, options: CheckStepOptions): Promise<CheckReport> {
  const body = await ports.store.get(options.recipientsKey);
  if (!body) throw new ArchiveError(`the recipients file ${ports.store.locate(options.recipientsKey)} is missing`);
  const recipients = parseRecipients(
    JSON.parse(new TextDecoder().decode(body)),
    ports.store.locate(options.recipientsKey),
  );
  const now = ports.now();
  const report = await checkSchedules(
    { store: ports.store, ledger: ports.ledger, recipients },
    // From the first period the journal holds (nothing before the service began), within the lookback.
    { definitions: options.definitions, now, notBefore: new Date(now.getTime() - options.lookbackDays * 86_400_000) },
  );
  for (const finding of report.findings) {
    const line = findingLine(finding);
    if (finding.overdue)
      ports.log.error('report overdue', {
        report: finding.reportId,
        period: finding.periodId,
        state: finding.state,
        lacking: finding.lacking,
        line,
      });
    else
      ports.log.warn('report sent with incomplete data', { report: finding.reportId, period: finding.periodId, line });
  }
  await ports.publish(
    options.definitions.flatMap((definition) => [
      { name: CHECK_METRICS.overdue, report: definition.id, value: report.overdueByReport[definition.id] ?? 0 },
      { name: CHECK_METRICS.lateBanner, report: definition.id, value: report.incompleteByReport[definition.id] ?? 0 },
    ]),
    now,
  );
  return report;
}
