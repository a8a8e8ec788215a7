// The report models: every figure a briefing shows, and nothing it does not. briefing.json is
// this model as JSON; the templates render it and compute nothing themselves.
import type { DataQualityFigures } from './data-quality.ts';
import type { DissatisfactionFigures } from './dissatisfaction.ts';
import type { FlowComparison, MatrixCell, OperatorFlow, TrendPoint } from './flows.ts';
import type { RejectionFigures } from './rejections.ts';
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
  previousNet: number;
  netChange: number;
  portOutRate: number | null;
}

export interface AttentionItem {
  provinceCode: string;
  reason: 'largest_net_outflow' | 'largest_net_decline';
  net: number;
  netChange: number;
}

export interface Headline {
  net: number;
  netChange: number;
  portOuts: number;
  portOutsChange: number | null;
  portOutRate: number | null;
  portOutRateChange: number | null;
  topCategory: { category: string; share: number | null; shareChange: number | null } | null;
}

interface BriefingBase {
  report: string;
  audience: string;
  locale: Locale;
  generatedAt: string;
  homeOperator: string;
  period: PeriodModel;
  /** Set when the report was sent although some partitions it reads were incomplete. */
  dataIncomplete: boolean;
  headline: Headline;
  dissatisfaction: DissatisfactionFigures;
  rejections: RejectionFigures;
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
}
