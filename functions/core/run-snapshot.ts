// The run snapshot's schema: what Prepare stores and each Deliver (and Record) reads back from
// the archive. Read through this schema rather than cast, so that a snapshot written by another
// version, or truncated, fails as a named ArchiveError instead of as a wrong figure later.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { ArchiveError } from './errors.ts';
import { parseJsonText } from './json-text.ts';
import type { RunSnapshot } from './report-run.ts';
import type { MetricRows } from './rows.ts';

const count = z.number();

const metricRowsSchema = z.object({
  flows: z.array(
    z.object({
      periodStart: z.string(),
      provinceCode: z.string(),
      donor: z.string(),
      recipient: z.string(),
      ports: count,
    }),
  ),
  requests: z.array(
    z.object({
      periodStart: z.string(),
      provinceCode: z.string(),
      donor: z.string(),
      status: z.string(),
      rejectReason: z.nullable(z.string()),
      requests: count,
    }),
  ),
  categories: z.array(
    z.object({
      periodStart: z.string(),
      provinceCode: z.string(),
      operatorCode: z.string(),
      categoryCode: z.string(),
      responses: count,
    }),
  ),
  base: z.array(
    z.object({ month: z.string(), provinceCode: z.string(), operatorCode: z.string(), subscribers: count }),
  ),
  valueMirror: z.array(
    z.object({
      side: z.enum(['leaver', 'joiner']),
      provinceCode: z.string(),
      operatorCode: z.string(),
      planCode: z.string(),
      ports: count,
      withUsage: count,
      overpaying: count,
      feeSumFen: count,
    }),
  ),
  dataQuality: z.array(
    z.object({ table: z.string(), provinceCode: z.nullable(z.string()), outcome: z.string(), rows: count }),
  ),
}) satisfies z.ZodMiniType<MetricRows>;

export const runSnapshotSchema = z.object({
  reportId: z.string().check(z.minLength(1)),
  periodId: z.string().check(z.minLength(1)),
  homeOperator: z.string().check(z.minLength(1)),
  generatedAt: z.iso.datetime({ offset: true }),
  audiences: z.array(z.string()),
  queryCount: z.int().check(z.minimum(0)),
  partitionsMissing: z.array(z.string()),
  lakeStartsOn: z.optional(z.iso.date()),
  rows: metricRowsSchema,
  source: z.optional(
    z.object({
      read: z.enum(['curated', 'raw']),
      staleUnits: z.optional(z.array(z.string())),
      reason: z.optional(z.string()),
    }),
  ),
}) satisfies z.ZodMiniType<RunSnapshot>;

/** A stored snapshot, parsed and checked; `where` names it in the error (its archive location). */
export function parseRunSnapshot(body: Uint8Array | string, where: string): RunSnapshot {
  const json = parseJsonText(typeof body === 'string' ? body : new TextDecoder().decode(body));
  if (!json.ok) throw new ArchiveError(`run snapshot ${where} is not JSON: ${json.problem}`);
  const parsed = runSnapshotSchema.safeParse(json.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ArchiveError(
      `run snapshot ${where} does not match its schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}
