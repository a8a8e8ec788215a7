// How long Athena may serve a metric from an earlier query's result (Athena's result reuse).
// Reuse does not see a late load of the lake, so it is off by default; when a stage turns it
// on, it is still capped at the execution's own age: a retry inside one execution (a hold for
// late data, a redrive) may reuse what that execution queried, a rerun never reads what an
// earlier run did, and a resend (or freshResults) always reads the lake as it is now.
import type { RunInput } from './run-input.ts';

export function resultReuseMinutesFor(
  configuredMinutes: number,
  request: RunInput,
  startedAt: Date,
  now: Date,
): number {
  if (configuredMinutes <= 0 || request.freshResults === true || request.resend === true) return 0;
  const executionAgeMinutes = Math.floor((now.getTime() - startedAt.getTime()) / 60_000);
  return Math.max(0, Math.min(configuredMinutes, executionAgeMinutes));
}
