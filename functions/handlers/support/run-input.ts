// The input of a run, as the schedule (or an operator) starts the state machine with it, and
// the period it resolves to. A scheduled run names only its report: its period is the latest
// one complete at the execution's start, in Beijing time, so that every retry inside the same
// execution (the hold for late data, a redrive) works on the same period.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { ConfigurationError } from '#core/errors.ts';
import { addDays, latestCompletePeriod, type Period } from '#core/period.ts';
import { type ReportDefinition, reportDefinition } from '#core/report-definitions.ts';
import { reportPeriod } from '#core/run-lifecycle.ts';

export const runInputSchema = z.object({
  reportId: z.string().check(z.minLength(1)),
  /** An ISO week (2019-W48) or a month (2019-12); @default the latest complete one at start */
  periodId: z.optional(z.string()),
  /** Limit the run to these audiences (province codes). */
  audiences: z.optional(z.array(z.string())),
  /** Send at once although partitions are missing (the briefing carries a banner). */
  sendDespiteMissingData: z.optional(z.boolean()),
  /** Do not serve any metric from Athena's result reuse (after a correction of the lake). */
  freshResults: z.optional(z.boolean()),
  /** Send again to recipients already sent to, as a correction (mnp-briefings rerun --resend). */
  resend: z.optional(z.boolean()),
  /** Why the correction is sent (rerun --resend --reason): shown in it, kept in the ledger and archive. */
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
  /** Render and archive only, send nothing (mnp-briefings backfill without --send). */
  archiveOnly: z.optional(z.boolean()),
});

export type RunInput = z.infer<typeof runInputSchema>;

/** What the state machine hands to Prepare and Record: the execution input and its start. */
export const runEventSchema = z.object({
  request: runInputSchema,
  /** $$.Execution.StartTime, an ISO 8601 instant. */
  startedAt: z.iso.datetime({ offset: true }),
  /** Set by the state machine after the grace period when the report sends with a banner. */
  sendDespiteMissingData: z.optional(z.boolean()),
});

export type RunEvent = z.infer<typeof runEventSchema>;

export function parseEvent<T>(schema: z.ZodMiniType<T>, event: unknown, what: string): T {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`)
      .join('; ');
    throw new ConfigurationError(`${what}: ${issues}`);
  }
  return parsed.data;
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing calendar date of an instant. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The latest period of the report's kind that had ended by the start instant, in Beijing. */
export function defaultPeriod(definition: ReportDefinition, startedAt: Date): Period {
  return latestCompletePeriod(definition.periodKind, addDays(beijingDate(startedAt), -1));
}

export interface ResolvedRun {
  readonly definition: ReportDefinition;
  readonly period: Period;
}

export function resolveRun(request: RunInput, startedAt: Date): ResolvedRun {
  const definition = reportDefinition(request.reportId);
  const period = request.periodId ? reportPeriod(definition, request.periodId) : defaultPeriod(definition, startedAt);
  return { definition, period };
}
