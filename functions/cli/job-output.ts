// What a report job prints (a summary, or JSON for scripts) and how it ends: held exits 75,
// recipients not delivered exit 3, after the summary is out.
import type { DeliverySummary } from '#core/delivery.ts';
import { DataNotReadyError, DeliveryError } from '#core/errors.ts';
import type { CliIo } from './io.ts';
import type { JobResult } from './report-job.ts';
import { headlineLines } from './summary.ts';

const deliveryCounts = (summaries: readonly DeliverySummary[]) => {
  const total = (pick: (summary: DeliverySummary) => number) =>
    summaries.reduce((sum, summary) => sum + pick(summary), 0);
  const planned = summaries.reduce(
    (sum, summary) => sum + summary.recipients.filter((outcome) => outcome.status === 'planned').length,
    0,
  );
  return {
    sent: total((summary) => summary.sent),
    skipped: total((summary) => summary.skipped),
    failed: total((summary) => summary.failed),
    inProgress: total((summary) => summary.inProgress),
    notSent: total((summary) => summary.notSent),
    planned,
  };
};

/** The delivery part of the run's summary: counts, each recipient of the first audiences, every failure. */
export function deliveryLines(
  summaries: readonly DeliverySummary[],
  locate: (key: string) => string,
  showAudiences: number,
): string[] {
  if (summaries.length === 0) return [];
  const first = summaries[0]!;
  const mode = [
    first.transport,
    first.dryRun ? 'dry run: nothing sent' : '',
    first.resend ? 'resend as correction' : '',
  ]
    .filter(Boolean)
    .join(', ');
  const counts = deliveryCounts(summaries);
  const held =
    counts.inProgress > 0
      ? ` (${counts.inProgress} held by another run; if it stopped, rerun once its claim expires)`
      : '';
  const unsent = counts.notSent > 0 ? ` (${counts.notSent} not sent: the run stopped before them)` : '';
  const lines = [
    `  delivery (${mode}): ${counts.sent} sent, ${counts.skipped} skipped${held}, ${counts.failed} failed${unsent}${first.dryRun ? `, ${counts.planned} to send` : ''}`,
  ];
  summaries.forEach((summary, index) => {
    const shown = index < showAudiences;
    if (shown)
      lines.push(
        `    ${summary.audience}: ${summary.subject} -> ${locate(summary.messageKey)} (${Math.round(summary.messageBytes / 1024)} KB)`,
      );
    for (const warning of summary.warnings) lines.push(`    warning (${summary.audience}): ${warning}`);
    for (const outcome of summary.recipients) {
      if (!shown && outcome.status !== 'failed') continue;
      const flags = [outcome.correction ? 'correction' : '', outcome.possibleDuplicate ? 'possible duplicate' : '']
        .filter(Boolean)
        .join(', ');
      const who = `${summary.audience === 'hq' ? '' : `${summary.audience} `}${outcome.recipient}`;
      lines.push(
        `      ${outcome.status.padEnd(7)} ${who}${outcome.reason ? `: ${outcome.reason}` : ''}${flags ? ` (${flags})` : ''}`,
      );
    }
  });
  return lines;
}

/** Every recipient the run ends without having delivered to: failed, left unsent, or still claimed by another run. */
export function notDelivered(result: JobResult): { audience: string; recipient: string; why: string }[] {
  return (result.deliveries ?? []).flatMap((summary) =>
    summary.recipients
      .filter((outcome) => outcome.status === 'failed' || outcome.skipped === 'in-progress')
      .map((outcome) => ({
        audience: summary.audience,
        recipient: outcome.recipient,
        why: outcome.notSent
          ? `not sent: ${outcome.notSent}`
          : outcome.skipped === 'in-progress'
            ? 'in flight in another run'
            : (outcome.reason ?? 'failed'),
      })),
  );
}

/** Held ends in exit code 75; any recipient not delivered in 3, named: after the summary is out. */
export function assertJobDone(result: JobResult): void {
  if (result.state === 'held')
    throw new DataNotReadyError(
      `${result.report} ${result.period} held: ${result.message ?? 'data not ready'}`,
      result.partitionsMissing,
    );
  const left = notDelivered(result);
  if (left.length === 0) return;
  const named = left
    .slice(0, 5)
    .map((entry) => `${entry.recipient} (${entry.audience === 'hq' ? '' : `${entry.audience}, `}${entry.why})`);
  const more = left.length > named.length ? ` and ${left.length - named.length} more` : '';
  throw new DeliveryError(
    `${result.report} ${result.period}: ${left.length} recipient(s) not delivered: ${named.join(', ')}${more}; a rerun sends what is missing`,
  );
}

export function jobJson(result: JobResult, locate: (key: string) => string): Record<string, unknown> {
  return {
    report: result.report,
    period: result.period,
    state: result.state,
    queries: result.queryCount,
    partitionsMissing: result.partitionsMissing,
    ...(result.retryAt ? { retryAt: result.retryAt } : {}),
    ...(result.message ? { message: result.message } : {}),
    reports: result.archived.map((report) => ({
      audience: report.audience,
      locale: report.locale,
      html: locate(report.keys.html),
      json: locate(report.keys.json),
    })),
    ...(result.deliveries
      ? { deliveries: result.deliveries.map((summary) => ({ ...summary, message: locate(summary.messageKey) })) }
      : {}),
  };
}

export function printJobResult(result: JobResult, io: CliIo, locate: (key: string) => string, json = false): void {
  if (json) {
    io.out(JSON.stringify(jobJson(result, locate)));
    return;
  }
  if (result.state === 'held') {
    io.out(`${result.report} ${result.period}: held, nothing sent: ${result.message ?? ''}`);
    for (const partition of result.partitionsMissing.slice(0, 10)) io.out(`  missing ${partition}`);
    if (result.partitionsMissing.length > 10) io.out(`  ... and ${result.partitionsMissing.length - 10} more`);
    return;
  }
  const shown = result.archived.length > 3 ? result.archived.slice(0, 2) : result.archived;
  for (const report of shown) for (const line of headlineLines(report, locate)) io.out(line);
  if (shown.length < result.archived.length)
    io.out(`  ... and ${result.archived.length - shown.length} more ${result.report} reports next to it`);
  io.out(`  ${result.queryCount} queries for ${result.archived.length} report(s)`);
  if (result.partitionsMissing.length > 0)
    io.out(
      `  data incomplete: ${result.partitionsMissing.length} partition(s) without _SUCCESS; the reports carry the banner`,
    );
  for (const line of deliveryLines(result.deliveries ?? [], locate, shown.length)) io.out(line);
  const state = `${result.state}${result.message ? ` (${result.message})` : ''}`;
  // A dry run records nothing: the state printed is the period's as it was, not this run's doing.
  if (result.deliveries?.some((delivery) => delivery.dryRun))
    io.out(`  dry run: drafts only, nothing sent or recorded; the period stays ${state}`);
  else if (result.state !== 'previewed') io.out(`  run state: ${state}`);
}
