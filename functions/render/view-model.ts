// The context the templates read: the model itself (templates format its figures through
// helpers and compute nothing), plus what a template cannot do on its own: names and sentences
// in the reader's language, the matrix as rows, attention provinces listed once each by code,
// and where the chart images are (cid: in a mail, a file beside the page in the archive).
import type { AttentionItem, Briefing, ProvinceFlow } from '#core/report-model.ts';
import { CHART_IDS } from './chart-specs.ts';
import type { ChartImage, ChartSpec } from './charts/chart-spec.ts';
import type { RenderContext } from './render-context.ts';
import { type Sentences, sentencesOf } from './sentences.ts';
import { subjectOf } from './subject.ts';

export interface ChartRef {
  readonly src: string;
  readonly alt: string;
  readonly width: number;
  readonly height: number;
}

export interface MatrixRow {
  readonly donor: string;
  /** One cell per recipient, in the order of the header; null ports on the diagonal. */
  readonly cells: readonly { readonly ports: number | null; readonly self: boolean }[];
}

export interface AttentionRow {
  readonly provinceCode: string;
  readonly reasons: readonly AttentionItem['reason'][];
  readonly net: number;
  readonly netChange: number | null;
}

export interface BriefingView {
  readonly lang: string;
  readonly title: string;
  readonly reportTitle: string;
  readonly periodLabel: string;
  readonly periodRange: string;
  readonly home: string;
  /** The branch's province name; empty for headquarters. */
  readonly provinceName: string;
  readonly isProvince: boolean;
  readonly model: Briefing;
  readonly sentences: Sentences;
  readonly charts: {
    readonly operators: ChartRef | null;
    readonly trend: ChartRef | null;
    readonly categories: ChartRef | null;
  };
  readonly matrixOperators: readonly string[];
  readonly matrix: readonly MatrixRow[];
  readonly attention: readonly AttentionRow[];
  readonly provinces: readonly ProvinceFlow[];
  /** Some figure is null: the notes then explain the dash. */
  readonly hasNull: boolean;
  /** Which report body the layout includes. */
  readonly bodyPartial: string;
}

/** A drawn chart and where the document finds it. */
export interface PlacedChart {
  readonly spec: ChartSpec;
  readonly image: Omit<ChartImage, 'content'>;
  readonly src: string;
}

function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (Array.isArray(value)) return value.some(containsNull);
  if (typeof value === 'object') return Object.values(value as object).some(containsNull);
  return false;
}

function matrixOf(model: Briefing): { operators: string[]; rows: MatrixRow[] } {
  if (model.report !== 'hq-weekly') return { operators: [], rows: [] };
  const operators = model.flows.byOperator.map((flow) => flow.operator);
  const ports = new Map(model.flows.matrix.map((cell) => [`${cell.donor}>${cell.recipient}`, cell.ports]));
  const rows = operators.map((donor) => ({
    donor,
    cells: operators.map((recipient) => ({
      ports: donor === recipient ? null : (ports.get(`${donor}>${recipient}`) ?? null),
      self: donor === recipient,
    })),
  }));
  return { operators, rows };
}

/** Each province once, in code order, with every reason it is named for: a list, not a ranking. */
function attentionOf(model: Briefing): AttentionRow[] {
  if (model.report !== 'hq-weekly') return [];
  const byCode = new Map<string, AttentionRow>();
  for (const item of model.flows.attention) {
    const row = byCode.get(item.provinceCode);
    byCode.set(item.provinceCode, {
      provinceCode: item.provinceCode,
      reasons: [...(row?.reasons ?? []), item.reason].sort(),
      net: item.net,
      netChange: item.netChange,
    });
  }
  return [...byCode.values()].sort((a, b) => a.provinceCode.localeCompare(b.provinceCode));
}

/** The width of the content column of the mail (640 px less its padding): a wider image would overflow in Outlook. */
export const CONTENT_WIDTH = 592;

function chartRef(placed: readonly PlacedChart[], id: string): ChartRef | null {
  const found = placed.find((chart) => chart.spec.id === id);
  if (!found) return null;
  const { width, height, alt } = found.image;
  const shown = Math.min(width, CONTENT_WIDTH);
  return { src: found.src, alt, width: shown, height: Math.round((height * shown) / width) };
}

export function briefingView(model: Briefing, c: RenderContext, charts: readonly PlacedChart[]): BriefingView {
  const matrix = matrixOf(model);
  return {
    lang: c.locale,
    title: subjectOf(model, c.locale),
    reportTitle: c.t(`report.${model.report}.title`),
    periodLabel: c.periods.label(model.period),
    periodRange: c.periods.range(model.period),
    home: c.home,
    provinceName: model.report === 'province-monthly' ? c.labels.province(model.provinceCode) : '',
    isProvince: model.report === 'province-monthly',
    model,
    sentences: sentencesOf(model, c),
    charts: {
      operators: chartRef(charts, CHART_IDS.operators),
      trend: chartRef(charts, CHART_IDS.trend),
      categories: chartRef(charts, CHART_IDS.categories),
    },
    matrixOperators: matrix.operators,
    matrix: matrix.rows,
    attention: attentionOf(model),
    provinces:
      model.report === 'hq-weekly'
        ? [...model.flows.byProvince].sort((a, b) => a.provinceCode.localeCompare(b.provinceCode))
        : [],
    hasNull: containsNull(model),
    bodyPartial: model.report,
  };
}
