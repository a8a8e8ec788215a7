// Whether a report may go out. A report whose partitions are not all ready is held: nothing is
// sent, and the scheduled run tries again until the report's grace window closes; then it
// either goes out with a "data incomplete" banner or stays held, as its definition says. A period
// none of whose own days of requests is ready stays held whatever the definition says: sent with
// the banner it would go out with every figure zero.
import type { ReportDefinition } from './report-definitions.ts';

export type Readiness =
  | { readonly action: 'send' }
  | { readonly action: 'hold'; readonly retryAt: Date; readonly missing: readonly string[] }
  | { readonly action: 'send-with-banner'; readonly missing: readonly string[] }
  | { readonly action: 'stay-held'; readonly missing: readonly string[] };

export function decideReadiness(
  missing: readonly string[],
  policy: ReportDefinition['dataIncomplete'],
  timing: {
    readonly firstAttemptAt: Date;
    readonly now: Date;
    readonly allowIncomplete?: boolean;
    /** No day of the period's own port requests is ready (an operator may still send it). */
    readonly periodWithoutData?: boolean;
  },
): Readiness {
  if (missing.length === 0) return { action: 'send' };
  if (timing.allowIncomplete) return { action: 'send-with-banner', missing };
  const graceEnds = timing.firstAttemptAt.getTime() + policy.graceHours * 3_600_000;
  if (timing.now.getTime() < graceEnds) {
    const retryAt = new Date(Math.min(graceEnds, timing.now.getTime() + policy.retryEveryMinutes * 60_000));
    return { action: 'hold', retryAt, missing };
  }
  return policy.whenGraceEnds === 'send-with-banner' && !timing.periodWithoutData
    ? { action: 'send-with-banner', missing }
    : { action: 'stay-held', missing };
}
