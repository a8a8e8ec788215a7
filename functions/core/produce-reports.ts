// The report use case up to the archive: plan the period, run the metric queries once, slice
// one model per audience, render each, and write it to the store. Delivery comes after, and
// only once every audience's report is safely archived.
import { collectMetrics } from './collect-metrics.ts';
import { buildHqWeeklyBriefing, type BriefingContext } from './hq-weekly.ts';
import type { Period } from './period.ts';
import type { BriefingRenderer, LakeInventory, Logger, QueryEngine, ReportStore } from './ports.ts';
import { planQueries } from './query-plan.ts';
import type { ReportDefinition } from './report-definitions.ts';
import type { Locale } from './report-model.ts';

export interface ReportRequest {
  readonly definition: ReportDefinition;
  readonly period: Period;
  readonly homeOperator: string;
  /** The locale of each audience; audiences not listed use `defaultLocale`. */
  readonly locales?: Readonly<Record<string, Locale>>;
  readonly defaultLocale: Locale;
  /** Limit the run to these audiences (province codes for provincial reports). */
  readonly audiences?: readonly string[];
  readonly generatedAt: Date;
  /** True when the report goes out although partitions are missing (after the grace window). */
  readonly sendDespiteMissingData?: boolean;
}

export interface ProduceReportsPorts {
  readonly engine: QueryEngine;
  readonly inventory: LakeInventory;
  readonly renderers: Readonly<Record<Locale, BriefingRenderer>>;
  readonly store: ReportStore;
  readonly log?: Logger;
}

export interface ArchivedReport {
  readonly audience: string;
  readonly locale: Locale;
  readonly prefix: string;
  readonly keys: { readonly html: string; readonly json: string; readonly text: string };
  readonly model: { readonly audience: string } & Record<string, unknown>;
  readonly subjectFigures?: unknown;
}

export interface ProduceReportsResult {
  readonly report: string;
  readonly period: Period;
  readonly queryCount: number;
  readonly partitionsMissing: readonly string[];
  readonly reports: readonly ArchivedReport[];
}

type ModelBuilder = (context: BriefingContext, audiences: readonly string[] | undefined) => { audience: string; build: (locale: Locale) => { audience: string } & Record<string, unknown> }[];

const modelBuilders: Record<string, ModelBuilder> = {
  'hq-weekly': (context) => [{ audience: 'hq', build: (locale) => ({ ...buildHqWeeklyBriefing({ ...context, locale }) }) }],
};

export function registerModelBuilder(template: string, builder: ModelBuilder): void {
  modelBuilders[template] = builder;
}

export function archivePrefix(report: string, period: string, audience: string): string {
  return `${report}/${period}/${audience}`;
}

export async function produceReports(request: ReportRequest, ports: ProduceReportsPorts): Promise<ProduceReportsResult> {
  const { definition, period } = request;
  const builder = modelBuilders[definition.template];
  if (!builder) throw new Error(`no model builder for template ${definition.template}`);
  const plan = planQueries(period, definition.trend);
  const metrics = await collectMetrics(ports.engine, ports.inventory, plan);
  ports.log?.info('metrics collected', { report: definition.id, period: period.id, queries: metrics.queryCount });
  const context: BriefingContext = {
    plan,
    rows: metrics.rows,
    partitionsMissing: metrics.partitionsMissing,
    homeOperator: request.homeOperator,
    locale: request.defaultLocale,
    generatedAt: request.generatedAt.toISOString(),
    dataIncomplete: request.sendDespiteMissingData === true && metrics.partitionsMissing.length > 0,
  };
  const reports: ArchivedReport[] = [];
  for (const { audience, build } of builder(context, request.audiences)) {
    const locale = request.locales?.[audience] ?? request.defaultLocale;
    const model = build(locale);
    const rendered = await ports.renderers[locale].render(model);
    const prefix = archivePrefix(definition.id, period.id, audience);
    const keys = { html: `${prefix}/briefing.html`, json: `${prefix}/briefing.json`, text: `${prefix}/briefing.txt` };
    for (const image of rendered.images) await ports.store.put(`${prefix}/${image.fileName}`, image.content, 'image/png');
    await ports.store.put(keys.json, `${JSON.stringify(model, null, 2)}\n`, 'application/json');
    await ports.store.put(keys.text, rendered.text, 'text/plain; charset=utf-8');
    await ports.store.put(keys.html, rendered.pageHtml, 'text/html; charset=utf-8');
    reports.push({ audience, locale, prefix, keys, model });
  }
  return { report: definition.id, period, queryCount: metrics.queryCount, partitionsMissing: metrics.partitionsMissing, reports };
}
