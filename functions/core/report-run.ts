// The report use case, in two steps that can run in one process (the CLI) or be fanned out
// (AWS: one task prepares, a Map state archives and delivers per audience):
//   prepareRun            plan the period, run the metric queries once -> a RunSnapshot
//   archiveAudienceReport slice one audience's model from the snapshot, render it, archive it
// A snapshot is plain JSON, so it can be stored between the steps.
import { provinces } from '#reference/index.ts';
import { collectMetrics } from './collect-metrics.ts';
import { ConfigurationError } from './errors.ts';
import { type BriefingContext, buildHqWeeklyBriefing } from './hq-weekly.ts';
import { mapInOrder } from './in-order.ts';
import { type Period, parsePeriod } from './period.ts';
import type { BriefingRenderer, LakeInventory, Logger, QueryEngine, RenderedBriefing, ReportStore } from './ports.ts';
import { buildProvinceMonthlyBriefing } from './province-monthly.ts';
import { planQueries } from './query-plan.ts';
import { type ReportDefinition, reportDefinition } from './report-definitions.ts';
import type { Briefing, Locale } from './report-model.ts';
import type { MetricRows } from './rows.ts';
import { reportPeriod } from './run-lifecycle.ts';

export interface RunRequest {
  readonly reportId: string;
  readonly periodId: string;
  readonly homeOperator: string;
  /** Limit the run to these audiences (province codes for provincial reports). */
  readonly audiences?: readonly string[];
  readonly generatedAt: Date;
}

export interface RunSnapshot {
  readonly reportId: string;
  readonly periodId: string;
  readonly homeOperator: string;
  readonly generatedAt: string;
  readonly audiences: readonly string[];
  readonly queryCount: number;
  /** Partitions not ready; when any, every report of the run carries a "data incomplete" banner. */
  readonly partitionsMissing: readonly string[];
  /**
   * The lake's first port_requests day: a period the report compares with that starts before it
   * is not compared with (absent from snapshots taken before it was recorded).
   */
  readonly lakeStartsOn?: string;
  readonly rows: MetricRows;
  /**
   * What the metric queries read, where a curated layer exists: the curated layer, or the raw
   * feed with the stale curated units that made it so (docs/curated-layer.md).
   */
  readonly source?: {
    readonly read: 'curated' | 'raw';
    readonly staleUnits?: readonly string[];
    readonly reason?: string;
  };
}

export interface ArchivedReport {
  readonly reportId: string;
  readonly periodId: string;
  readonly audience: string;
  readonly locale: Locale;
  readonly prefix: string;
  readonly keys: { readonly html: string; readonly json: string; readonly text: string };
  readonly model: Briefing;
  readonly rendered: RenderedBriefing;
}

export function audiencesOf(definition: ReportDefinition, requested?: readonly string[]): string[] {
  const all = definition.audience === 'hq' ? ['hq'] : provinces.map((province) => province.code);
  if (!requested || requested.length === 0) return all;
  const unknown = requested.filter((audience) => !all.includes(audience));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `${definition.id} has no audience ${unknown.join(', ')}: expected ${definition.audience === 'hq' ? 'hq' : 'a province code such as 44'}`,
    );
  }
  return all.filter((audience) => requested.includes(audience));
}

export async function prepareRun(
  request: RunRequest,
  ports: { engine: QueryEngine; inventory: LakeInventory; log?: Logger },
): Promise<RunSnapshot> {
  const definition = reportDefinition(request.reportId);
  const period = reportPeriod(definition, request.periodId);
  const audiences = audiencesOf(definition, request.audiences);
  const metrics = await collectMetrics(ports.engine, ports.inventory, planQueries(period, definition.trend));
  ports.log?.info('metrics collected', {
    report: definition.id,
    period: period.id,
    queries: metrics.queryCount,
    partitionsMissing: metrics.partitionsMissing.length,
  });
  return {
    reportId: definition.id,
    periodId: period.id,
    homeOperator: request.homeOperator,
    generatedAt: request.generatedAt.toISOString(),
    audiences,
    queryCount: metrics.queryCount,
    partitionsMissing: metrics.partitionsMissing,
    ...(metrics.lakeStartsOn ? { lakeStartsOn: metrics.lakeStartsOn } : {}),
    rows: metrics.rows,
  };
}

export function buildModel(snapshot: RunSnapshot, audience: string, locale: Locale): Briefing {
  const definition = reportDefinition(snapshot.reportId);
  const period: Period = parsePeriod(snapshot.periodId);
  const context: BriefingContext = {
    plan: planQueries(period, definition.trend),
    rows: snapshot.rows,
    partitionsMissing: snapshot.partitionsMissing,
    homeOperator: snapshot.homeOperator,
    locale,
    generatedAt: snapshot.generatedAt,
    dataIncomplete: snapshot.partitionsMissing.length > 0,
    lakeStartsOn: snapshot.lakeStartsOn ?? null,
  };
  if (definition.template === 'hq-weekly') return buildHqWeeklyBriefing(context);
  if (definition.template === 'province-monthly') return buildProvinceMonthlyBriefing(context, audience);
  throw new ConfigurationError(`report ${definition.id} names template ${definition.template}, which has no model`);
}

/** Where an audience's page, model and text lie under its archive prefix. */
export function archiveKeys(prefix: string): ArchivedReport['keys'] {
  return { html: `${prefix}/briefing.html`, json: `${prefix}/briefing.json`, text: `${prefix}/briefing.txt` };
}

/** Beside a render: the message of a correction (rerun --resend), apart from the first send's message.eml. */
export const CORRECTION_MESSAGE = 'message-correction.eml';

export function archivePrefix(reportId: string, periodId: string, audience: string): string {
  return `${reportId}/${periodId}/${audience}`;
}

/**
 * Renders one audience's report and writes it to the archive (images, JSON, text, then HTML),
 * under its archive prefix or, for a draft (#core/sent-archive.ts), under the prefix given.
 */
export async function archiveAudienceReport(
  snapshot: RunSnapshot,
  audience: string,
  locale: Locale,
  ports: { renderer: BriefingRenderer; store: ReportStore },
  where: { readonly prefix?: string } = {},
): Promise<ArchivedReport> {
  const model = buildModel(snapshot, audience, locale);
  const rendered = await ports.renderer.render(model);
  const prefix = where.prefix ?? archivePrefix(snapshot.reportId, snapshot.periodId, audience);
  const keys = archiveKeys(prefix);
  for (const image of rendered.images) await ports.store.put(`${prefix}/${image.fileName}`, image.content, 'image/png');
  await ports.store.put(keys.json, `${JSON.stringify(model, null, 2)}\n`, 'application/json');
  await ports.store.put(keys.text, rendered.text, 'text/plain; charset=utf-8');
  await ports.store.put(keys.html, rendered.pageHtml, 'text/html; charset=utf-8');
  return { reportId: snapshot.reportId, periodId: snapshot.periodId, audience, locale, prefix, keys, model, rendered };
}

export interface RunReportPorts {
  readonly engine: QueryEngine;
  readonly inventory: LakeInventory;
  readonly store: ReportStore;
  readonly renderers: Readonly<Record<Locale, BriefingRenderer>>;
  readonly log?: Logger;
}

export interface RunReportOptions {
  readonly localeOf: (audience: string) => Locale;
  /** Where an audience's render goes; its archive prefix by default. */
  readonly prefixOf?: (audience: string) => Promise<string | undefined>;
  readonly onArchived?: (report: ArchivedReport) => void;
}

/**
 * Audiences rendered at once: with two, the next audience's model, charts and templates are built
 * while the last one's PNGs are drawn (off the main thread, where the renderer can) and its files
 * are written. The reports, their order and the onArchived calls are the same as one at a time.
 */
export const AUDIENCES_IN_FLIGHT = 2;

/** Prepares once, then archives every audience's report. Delivery follows, by the caller. */
export async function runReport(
  request: RunRequest,
  ports: RunReportPorts,
  options: RunReportOptions,
): Promise<{ snapshot: RunSnapshot; archived: ArchivedReport[] }> {
  const snapshot = await prepareRun(request, ports);
  const archiveOne = async (audience: string): Promise<ArchivedReport> => {
    const locale = options.localeOf(audience);
    const prefix = await options.prefixOf?.(audience);
    return archiveAudienceReport(
      snapshot,
      audience,
      locale,
      { renderer: ports.renderers[locale], store: ports.store },
      prefix ? { prefix } : {},
    );
  };
  const archived = await mapInOrder(snapshot.audiences, AUDIENCES_IN_FLIGHT, archiveOne, (report) =>
    options.onArchived?.(report),
  );
  return { snapshot, archived };
}
