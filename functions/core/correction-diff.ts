// What a correction corrects: the figures readers compare first, old -> new, between the model
// last sent to an audience and the model of the correction. Headline figures (with the top
// category's share, named by its category, so a new top category shows as one more row), the total of
// completed ports, each operator's port-ins, port-outs and net, and the top categories and
// reject reasons (those in the top five of either version). A figure that did not change is
// left out; an empty list means none of them changed.
import type { Briefing, Locale } from './report-model.ts';

export const TOP_ENTRIES_COMPARED = 5;

export type FigureMeasure =
  | 'net'
  | 'portIns'
  | 'portOuts'
  | 'portOutRate'
  | 'topCategoryShare'
  | 'totalCompleted'
  | 'leavers'
  | 'rejected';
/** How a figure is written: a count, a signed count (net), a rate. */
export type FigureFormat = 'count' | 'signed' | 'rate';

export interface ChangedFigure {
  readonly group: 'headline' | 'flows' | 'operator' | 'category' | 'rejectReason';
  readonly measure: FigureMeasure;
  /** The operator, category or reject reason code the figure belongs to. */
  readonly subject?: string;
  readonly format: FigureFormat;
  readonly before: number | null;
  readonly after: number | null;
}

/** What a correction notice shows beside its words: why, what it corrects, and what changed. */
export interface CorrectionNote {
  readonly reason: string;
  /** When the corrected version was sent (ISO). */
  readonly correctsSentAt: string;
  /** The language the corrected version went out in: the notice quotes its subject as read. */
  readonly correctsLocale?: Locale;
  readonly changes: readonly ChangedFigure[];
  /** True when none of the compared figures changed but another figure of the report did. */
  readonly otherFiguresChanged: boolean;
  /** True when the version sent carried the data-incomplete banner and the correction does not. */
  readonly dataCompleted?: boolean;
}

type Figure = Omit<ChangedFigure, 'before' | 'after'> & { readonly value: number | null };

function operatorFigures(model: Briefing): Figure[] {
  const rows = model.report === 'hq-weekly' ? model.flows.byOperator : model.flows.withOperators;
  return rows.flatMap(
    (row) =>
      [
        { group: 'operator', measure: 'portIns', subject: row.operator, format: 'count', value: row.portIns },
        { group: 'operator', measure: 'portOuts', subject: row.operator, format: 'count', value: row.portOuts },
        { group: 'operator', measure: 'net', subject: row.operator, format: 'signed', value: row.net },
      ] as const,
  );
}

function topCodes<T>(
  before: readonly T[],
  after: readonly T[],
  count: (entry: T) => number,
  code: (entry: T) => string,
): string[] {
  const top = (entries: readonly T[]) =>
    [...entries]
      .sort((a, b) => count(b) - count(a))
      .slice(0, TOP_ENTRIES_COMPARED)
      .map(code);
  return [...new Set([...top(before), ...top(after)])];
}

/** A category's share of the leavers' answers: 0 where it has none among some, none where there are none. */
function shareOf(model: Briefing, category: string): number | null {
  const entry = model.dissatisfaction.categories.find((candidate) => candidate.category === category);
  return entry?.share ?? (model.dissatisfaction.responses > 0 ? 0 : null);
}

/**
 * Every compared figure of a model, keyed so that the two versions line up. The headline's share
 * is compared per category named at the top of either version, each version's share of it: where
 * the top changed, both read as figures, not as a share that vanished beside one that appeared.
 */
function figuresOf(
  model: Briefing,
  headlineCategories: readonly string[],
  categories: readonly string[],
  reasons: readonly string[],
): Map<string, Figure> {
  const home = model.flows.home.current;
  const figures: Figure[] = [
    { group: 'headline', measure: 'net', format: 'signed', value: model.headline.net },
    { group: 'headline', measure: 'portIns', format: 'count', value: home.portIns },
    { group: 'headline', measure: 'portOuts', format: 'count', value: model.headline.portOuts },
    { group: 'headline', measure: 'portOutRate', format: 'rate', value: model.headline.portOutRate },
    ...headlineCategories.map(
      (category): Figure => ({
        group: 'headline',
        measure: 'topCategoryShare',
        subject: category,
        format: 'rate',
        value: shareOf(model, category),
      }),
    ),
    { group: 'flows', measure: 'totalCompleted', format: 'count', value: model.flows.totalCompleted },
    ...operatorFigures(model),
    ...categories.map(
      (category): Figure => ({
        group: 'category',
        measure: 'leavers',
        subject: category,
        format: 'count',
        value: model.dissatisfaction.categories.find((entry) => entry.category === category)?.count ?? 0,
      }),
    ),
    { group: 'rejectReason', measure: 'rejected', format: 'count', value: model.rejections.rejected },
    ...reasons.map(
      (reason): Figure => ({
        group: 'rejectReason',
        measure: 'rejected',
        subject: reason,
        format: 'count',
        value: model.rejections.reasons.find((entry) => entry.reason === reason)?.count ?? 0,
      }),
    ),
  ];
  return new Map(figures.map((figure) => [`${figure.group}.${figure.measure}.${figure.subject ?? ''}`, figure]));
}

/** The compared figures that differ between the version sent and the correction, in reading order. */
export function changedFigures(sent: Briefing, correction: Briefing): ChangedFigure[] {
  const categories = topCodes(
    sent.dissatisfaction.categories,
    correction.dissatisfaction.categories,
    (entry) => entry.count,
    (entry) => entry.category,
  );
  const reasons = topCodes(
    sent.rejections.reasons,
    correction.rejections.reasons,
    (entry) => entry.count,
    (entry) => entry.reason,
  );
  const headlineCategories = [
    ...new Set(
      [sent.headline.topCategory?.category, correction.headline.topCategory?.category].filter(
        (category) => category !== undefined,
      ),
    ),
  ];
  const before = figuresOf(sent, headlineCategories, categories, reasons);
  const after = figuresOf(correction, headlineCategories, categories, reasons);
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  return keys.flatMap((key) => {
    const old = before.get(key);
    const next = after.get(key);
    const { value: _value, ...figure } = (next ?? old)!;
    const change: ChangedFigure = { ...figure, before: old?.value ?? null, after: next?.value ?? null };
    return change.before === change.after ? [] : [change];
  });
}
