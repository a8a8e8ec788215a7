// The report models: every figure a briefing shows, and nothing it does not. briefing.json is
// this model as JSON; the templates render it and compute nothing themselves.
import type { DataQualityFigures } from './data-quality.ts';
import type { CategoryFigure, DissatisfactionFigures } from './dissatisfaction.ts';
import type { FlowComparison, MatrixCell, OperatorFlow, TrendPoint } from './flows.ts';
import type { RejectionFigures, RejectionReasonFigure } from './rejections.ts';
import type { ValueMirrorFigures } from './value-mirror.ts';

export type Locale = 'zh-CN' | 'en';

export interface PeriodModel {
  id: string;
  kind: 'week' | 'month';
  start: string;
  end: string;
  timezone: string;
  startUtc: string;
  endUtc: string;
}

export interface ProvinceFlow {
  provinceCode: string;
  portIns: number;
  portOuts: number;
  net: number;
  /** Null, as netChange, when the lake does not hold the whole of the period before. */
  previousNet: number | null;
  netChange: number | null;
  portOutRate: number | null;
}

export interface AttentionItem {
  provinceCode: string;
  reason: 'largest_net_outflow' | 'largest_net_decline';
  net: number;
  netChange: number | null;
}

export interface Headline {
  net: number;
  netChange: number | null;
  portOuts: number;
  portOutsChange: number | null;
  portOutRate: number | null;
  portOutRateChange: number | null;
  /** The largest category; tiedWith names the others with as many answers (then none is "the" top). */
  topCategory: { category: string; share: number | null; shareChange: number | null; tiedWith: string[] } | null;
}

/** The fields every briefing has, whatever its audience. */
export interface BriefingBase {
  report: string;
  audience: string;
  locale: Locale;
  generatedAt: string;
  homeOperator: string;
  period: PeriodModel;
  /** True when partitions the report reads were not ready (see dataQuality.partitionsMissing). */
  dataIncomplete: boolean;
  /**
   * The lake's first day of port requests when the lake starts after the first day of a period
   * the report sets its own against: that period is not compared with, nor drawn on the trend.
   */
  lakeStartsOn: string | null;
  headline: Headline;
  valueMirror: ValueMirrorFigures;
  dataQuality: DataQualityFigures;
}

export interface HqWeeklyBriefing extends BriefingBase {
  report: 'hq-weekly';
  audience: 'hq';
  flows: {
    totalCompleted: number;
    home: FlowComparison;
    byOperator: OperatorFlow[];
    matrix: MatrixCell[];
    byProvince: ProvinceFlow[];
    attention: AttentionItem[];
    trend: TrendPoint[];
  };
  dissatisfaction: DissatisfactionFigures;
  rejections: RejectionFigures;
}

/** A province's category beside the national mix (a national aggregate, never another province). */
export interface ProvinceCategoryFigure extends CategoryFigure {
  nationalShare: number | null;
  /** share - nationalShare: positive when the category weighs more here than nationally. */
  overIndex: number | null;
}

export interface ProvinceRejectionReasonFigure extends RejectionReasonFigure {
  nationalShare: number | null;
}

/** Flows between the home operator and one other operator, seen from the home operator. */
export interface CounterpartFlow {
  operator: string;
  /** Ports from this operator to the home operator. */
  portIns: number;
  /** Ports from the home operator to this operator. */
  portOuts: number;
  net: number;
}

export interface GuidanceEntry {
  category: string;
  /** Why the entry is shown: the category over-indexes against the national mix, or is in the top 3. */
  reasons: ('over_index' | 'top_category')[];
  title: string;
  why: string;
  actions: string[];
}

export interface ProvinceMonthlyBriefing extends BriefingBase {
  report: 'province-monthly';
  /** The province code. */
  audience: string;
  provinceCode: string;
  flows: {
    /** Completed ports of the province, all operators. */
    totalCompleted: number;
    home: FlowComparison;
    withOperators: CounterpartFlow[];
    trend: TrendPoint[];
  };
  dissatisfaction: Omit<DissatisfactionFigures, 'categories'> & { categories: ProvinceCategoryFigure[] };
  rejections: Omit<RejectionFigures, 'reasons'> & { reasons: ProvinceRejectionReasonFigure[] };
  guidance: GuidanceEntry[];
}

export type Briefing = HqWeeklyBriefing | ProvinceMonthlyBriefing;
