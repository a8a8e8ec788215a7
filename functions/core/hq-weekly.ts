// Assembles the headquarters weekly briefing from the metric rows: national figures for the
// home operator, every operator's flows and the matrix, the provinces that need attention.
import { provinces } from '#reference/index.ts';
import { dataQualityFigures } from './data-quality.ts';
import { type DissatisfactionFigures, dissatisfactionFigures } from './dissatisfaction.ts';
import { tiedWithFirst } from './figures.ts';
import {
  activeOperators,
  compareFlows,
  type FlowComparison,
  flowMatrix,
  flowsByOperator,
  flowTrend,
  homeFlow,
  totalCompleted,
} from './flows.ts';
import { type Period, REPORT_TIMEZONE } from './period.ts';
import type { QueryPlan } from './query-plan.ts';
import { rejectionFigures } from './rejections.ts';
import type { AttentionItem, Headline, HqWeeklyBriefing, Locale, PeriodModel, ProvinceFlow } from './report-model.ts';
import type { MetricRows } from './rows.ts';
import { valueMirrorFigures } from './value-mirror.ts';

/** How many provinces each attention list names (more when provinces tie with the last). */
export const ATTENTION_PROVINCES = 3;

export interface BriefingContext {
  readonly plan: QueryPlan;
  readonly rows: MetricRows;
  readonly partitionsMissing: readonly string[];
  readonly homeOperator: string;
  readonly locale: Locale;
  readonly generatedAt: string;
  readonly dataIncomplete: boolean;
  /** The lake's first port_requests day; null when not known (a snapshot taken before it was kept). */
  readonly lakeStartsOn: string | null;
}

/** The periods a briefing sets its own against, each held whole by the lake. */
export interface ComparedPeriods {
  /** The flows' period before, or null when the lake starts after its first day. */
  readonly previousFlows: Period | null;
  readonly previousCategories: readonly Period[];
  readonly previousRejections: Period | null;
  /** The trend's periods: those the lake holds whole, and the report period itself. */
  readonly trend: readonly Period[];
}

/**
 * The plan's windows cut to the periods the lake holds whole. In the lake's first weeks a period
 * before its first day holds no rows or only some days of them: compared with, it would read as a
 * rise of hundreds of per cent, and on the trend as a fall to nothing. Such a period is left out,
 * and its comparisons are not made.
 */
export function comparedPeriods(plan: QueryPlan, lakeStartsOn: string | null): ComparedPeriods {
  const held = (period: Period) => lakeStartsOn === null || period.start >= lakeStartsOn;
  const { windows } = plan;
  const before = (window: readonly Period[]) => window.slice(0, -1).filter(held);
  const previousOf = (window: readonly Period[]) => {
    const previous = window[window.length - 2]!;
    return held(previous) ? previous : null;
  };
  return {
    previousFlows: previousOf(windows.flows),
    previousCategories: before(windows.categories),
    previousRejections: previousOf(windows.rejections),
    trend: [...before(windows.flows), plan.period],
  };
}

/** The lake's first day, for the notes, when it cut any period the report compares with. */
export function lakeStartNoted(context: BriefingContext): string | null {
  const { lakeStartsOn, plan } = context;
  const firstRead = [plan.windows.flows[0]!, plan.windows.categories[0]!, plan.windows.rejections[0]!]
    .map((period) => period.start)
    .sort()[0]!;
  return lakeStartsOn !== null && lakeStartsOn > firstRead ? lakeStartsOn : null;
}

export function periodModel(period: Period): PeriodModel {
  const { id, kind, start, end, startUtc, endUtc } = period;
  return { id, kind, start, end, timezone: REPORT_TIMEZONE, startUtc, endUtc };
}

export function headlineOf(home: FlowComparison, dissatisfaction: DissatisfactionFigures): Headline {
  const top = dissatisfaction.categories[0];
  return {
    net: home.current.net,
    netChange: home.netChange,
    portOuts: home.current.portOuts,
    portOutsChange: home.portOutsChange,
    portOutRate: home.current.portOutRate,
    portOutRateChange: home.portOutRateChange,
    topCategory:
      top && top.count > 0
        ? {
            category: top.category,
            share: top.share,
            shareChange: top.shareChange,
            tiedWith: tiedWithFirst(dissatisfaction.categories)
              .slice(1)
              .map((c) => c.category),
          }
        : null,
  };
}

function provinceFlows(context: BriefingContext, period: Period, previous: Period | null): ProvinceFlow[] {
  const { rows, homeOperator } = context;
  return provinces
    .map(({ code }) => {
      const current = homeFlow(rows.flows, rows.base, period, homeOperator, { provinceCode: code });
      const before = previous && homeFlow(rows.flows, rows.base, previous, homeOperator, { provinceCode: code });
      return {
        // Shown when it had ports in either week or a subscriber base: activity, never a sum of
        // signed figures (two port-outs this week and a net of -2 before add up to zero).
        active:
          current.portIns + current.portOuts + (before ? before.portIns + before.portOuts : 0) > 0 ||
          current.portOutRate !== null,
        provinceCode: code,
        portIns: current.portIns,
        portOuts: current.portOuts,
        net: current.net,
        previousNet: before ? before.net : null,
        netChange: before ? current.net - before.net : null,
        portOutRate: current.portOutRate,
      };
    })
    .filter((flow) => flow.active)
    .map(({ active: _active, ...flow }) => flow);
}

/** Provinces with the largest net outflow and the largest decline: named for attention, listed by code. */
export function attentionOf(flows: readonly ProvinceFlow[]): AttentionItem[] {
  const pick = (reason: AttentionItem['reason'], value: (flow: ProvinceFlow) => number | null): AttentionItem[] => {
    const negative = flows.filter((flow) => (value(flow) ?? 0) < 0);
    // The largest, and every province tied with the last of them: a province code is no reason
    // to name one of two equal declines and not the other.
    const cut = negative.map((flow) => value(flow)!).sort((a, b) => a - b)[ATTENTION_PROVINCES - 1];
    return negative
      .filter((flow) => cut === undefined || value(flow)! <= cut)
      .map((flow) => ({ provinceCode: flow.provinceCode, reason, net: flow.net, netChange: flow.netChange }));
  };
  return [
    ...pick('largest_net_outflow', (flow) => flow.net),
    ...pick('largest_net_decline', (flow) => flow.netChange),
  ].sort((a, b) => a.reason.localeCompare(b.reason) || a.provinceCode.localeCompare(b.provinceCode));
}

export function buildHqWeeklyBriefing(context: BriefingContext): HqWeeklyBriefing {
  const { plan, rows, homeOperator } = context;
  const { period, windows } = plan;
  const compared = comparedPeriods(plan, context.lakeStartsOn);
  const previous = compared.previousFlows;
  const national = {};
  const home = compareFlows(
    homeFlow(rows.flows, rows.base, period, homeOperator, national),
    previous && homeFlow(rows.flows, rows.base, previous, homeOperator, national),
  );
  const trendRows = rows.flows.filter((row) => row.periodStart >= windows.flows[0]!.start);
  const operatorCodes = [...new Set([homeOperator, ...activeOperators(trendRows)])];
  const dissatisfaction = dissatisfactionFigures(
    rows.categories,
    period,
    compared.previousCategories,
    homeOperator,
    national,
  );
  const byProvince = provinceFlows(context, period, previous);
  return {
    report: 'hq-weekly',
    audience: 'hq',
    locale: context.locale,
    generatedAt: context.generatedAt,
    homeOperator,
    period: periodModel(period),
    dataIncomplete: context.dataIncomplete,
    lakeStartsOn: lakeStartNoted(context),
    headline: headlineOf(home, dissatisfaction),
    flows: {
      totalCompleted: totalCompleted(rows.flows, period, national),
      home,
      byOperator: flowsByOperator(rows.flows, period, national, operatorCodes),
      matrix: flowMatrix(rows.flows, period, national, operatorCodes),
      byProvince,
      attention: attentionOf(byProvince),
      trend: flowTrend(rows.flows, rows.base, compared.trend, homeOperator, national),
    },
    dissatisfaction,
    rejections: rejectionFigures(rows.requests, period, compared.previousRejections, homeOperator, national),
    valueMirror: valueMirrorFigures(rows.valueMirror, homeOperator, national),
    dataQuality: dataQualityFigures(rows.dataQuality, plan.partitionsRead, context.partitionsMissing, national),
  };
}
