// Everything a briefing needs to speak the reader's language, built once per render: the
// translator, the figure formatter, reference labels, period names and the week/month words.
import type { Briefing, Locale } from '#core/report-model.ts';
import { createFormatter, type Formatter } from './format.ts';
import { createTranslator, type Labels, labelsOf, type MessageParams, type Translate } from './locale.ts';
import { type PeriodNames, periodNames } from './period-label.ts';

export type PeriodWord = 'current' | 'previous' | 'currentTitle' | 'previousTitle' | 'vsPrevious' | 'unit';

export interface RenderContext {
  readonly locale: Locale;
  readonly t: Translate;
  readonly format: Formatter;
  readonly labels: Labels;
  readonly periods: PeriodNames;
  /** A word of the report's period kind: "current" -> 本周 / 本月. */
  word(key: PeriodWord, params?: MessageParams): string;
  /** The home operator's name. */
  readonly home: string;
}

export function renderContextOf(model: Briefing, locale: Locale): RenderContext {
  const t = createTranslator(locale);
  const format = createFormatter(locale);
  const labels = labelsOf(locale);
  return {
    locale,
    t,
    format,
    labels,
    periods: periodNames(locale, format),
    word: (key, params) => t(`period.${model.period.kind}.${key}`, params),
    home: labels.operator(model.homeOperator),
  };
}

/** Joins names with the locale's list separator. */
export function listOf(context: RenderContext, items: readonly string[]): string {
  return items.join(context.t('words.listSeparator'));
}

/** Joins items that hold lists themselves (a chart's points) with the stronger separator. */
export function itemsOf(context: RenderContext, items: readonly string[]): string {
  return items.join(context.t('words.itemSeparator'));
}

/** Picks the clause for a change by its sign; no clause when there is nothing to compare. */
export function byDirection<T>(value: number | null, clauses: { rose: T; fell: T; unchanged: T; none: T }): T {
  if (value === null) return clauses.none;
  if (value > 0) return clauses.rose;
  if (value < 0) return clauses.fell;
  return clauses.unchanged;
}
