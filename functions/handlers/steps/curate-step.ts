// The Curate step (docs/curated-layer.md, "In AWS"): brings the curated layer up to date in
// Athena. Three callers start it: a raw _SUCCESS marker landing (S3 -> EventBridge), the hourly
// catch-up (late files, corrections), and Prepare, synchronously, for a run's stale range with
// the time it can spare. Whatever started it, it builds what is stale (in the range, when one is
// given) and stops cleanly between batches when its time runs short: the next call continues.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import type { CurateRange, CurateSummary } from '#core/curation.ts';
import type { Logger } from '#core/ports.ts';
import { parseEvent } from '../support/run-input.ts';

export type { CurateRange } from '#core/curation.ts';

/** What a curation pass reports: the writer's summary, and the units still stale when it stopped for time (the next call builds them). */
export type CurateResult = CurateSummary & { readonly stale: number };

export interface CurateRequest {
  readonly range?: CurateRange;
  /** Time left for building; the writer starts no batch it cannot finish in it. */
  readonly remainingMs: () => number;
  readonly onProgress: (event: { done: number; total: number; label: string }) => void;
}

export interface CuratePorts {
  /** One pass of the writer over what is stale (curateWithSql in AWS). */
  readonly curate: (request: CurateRequest) => Promise<CurateResult>;
  /** The invocation's own time left (context.getRemainingTimeInMillis()). */
  readonly remainingMs: () => number;
  readonly log: Logger;
  readonly now: () => Date;
}

/** Kept back from the function's own timeout: the records and the summary are written after the last batch. */
export const STOP_MARGIN_MS = 60_000;

const date = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'));
const yearMonth = z.string().check(z.regex(/^\d{4}-\d{2}$/, 'a month YYYY-MM'));

/** Prepare's request, the S3 event's object, or the catch-up's empty input: all in one shape. */
export const curateEventSchema = z.object({
  range: z.optional(
    z.object({ from: date, to: date, months: z.optional(z.object({ from: yearMonth, to: yearMonth })) }),
  ),
  /** Prepare waits this long at most (ms): the pass stops in time for its queries. */
  budgetMs: z.optional(z.number().check(z.positive())),
  /** An S3 "Object Created" event through EventBridge: which marker landed. */
  detail: z.optional(z.object({ object: z.optional(z.object({ key: z.optional(z.string()) })) })),
});

export type CurateEvent = z.infer<typeof curateEventSchema>;

export interface CurateOutput extends CurateResult {
  /** Why this pass ran: "prepare", "catch-up", or the raw object key that landed. */
  readonly trigger: string;
  /** Nothing stale is left (in the range): a report may read the curated layer. */
  readonly complete: boolean;
}

function triggerOf(event: CurateEvent): string {
  if (event.range) return `prepare ${event.range.from}..${event.range.to}`;
  return event.detail?.object?.key ?? 'catch-up';
}

export async function curateStep(input: unknown, ports: CuratePorts): Promise<CurateOutput> {
  const event = parseEvent(curateEventSchema, input, 'Curate event');
  const trigger = triggerOf(event);
  const started = ports.now().getTime();
  const deadline = event.budgetMs === undefined ? Number.POSITIVE_INFINITY : started + event.budgetMs;
  // The tighter of the function's own time and the caller's budget.
  const remainingMs = () =>
    Math.max(0, Math.min(ports.remainingMs() - STOP_MARGIN_MS, deadline - ports.now().getTime()));
  ports.log.info('curation started', { trigger, ...(event.range ? { range: event.range } : {}) });
  const result = await ports.curate({
    ...(event.range ? { range: event.range } : {}),
    remainingMs,
    onProgress: (progress) => ports.log.info('curation progress', { ...progress }),
  });
  const output: CurateOutput = { trigger, ...result, complete: result.stale === 0 };
  if (output.complete) ports.log.info('curated layer up to date', { ...output });
  else ports.log.info('curation stopped for time: the next call continues', { ...output });
  return output;
}
