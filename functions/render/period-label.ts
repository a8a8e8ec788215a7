// Period names in the reader's language: "2019年第48周" / "week 48 of 2019" for ISO weeks,
// "2019年11月" / "November 2019" for months, and the short forms the trend table and chart use.
import type { Locale, PeriodModel } from '#core/report-model.ts';
import type { Formatter } from './format.ts';
import { createTranslator } from './locale.ts';

export interface PeriodNames {
  /** The report period in full, for titles and subjects. */
  label(period: Pick<PeriodModel, 'id'>): string;
  /** A trend period id (2019-W41, 2019-10) in short. */
  short(id: string): string;
  /** Shorter still, for a chart axis whose periods run in order: 41周 / W41, 10月 / Oct. */
  axis(id: string): string;
  /** First to last Beijing day. */
  range(period: Pick<PeriodModel, 'start' | 'end'>): string;
}

function parts(id: string): { kind: 'week' | 'month'; year: string; week: string; month: string } {
  const week = /^(\d{4})-W(\d{2})$/.exec(id);
  if (week) return { kind: 'week', year: week[1]!, week: String(Number(week[2])), month: '' };
  if (/^\d{4}-\d{2}$/.test(id)) return { kind: 'month', year: id.slice(0, 4), week: '', month: id };
  throw new Error(`"${id}" is neither an ISO week nor a month`);
}

export function periodNames(locale: Locale, format: Formatter): PeriodNames {
  const t = createTranslator(locale);
  const monthNames = { label: format.month, short: format.monthShort, axis: format.monthOfYear } as const;
  const named = (id: string, form: 'label' | 'short' | 'axis') => {
    const { kind, year, week, month } = parts(id);
    const monthName = kind === 'month' ? monthNames[form](month) : '';
    return t(`period.${kind}.${form}`, { year, week, month: monthName });
  };
  return {
    label: (period) => named(period.id, 'label'),
    short: (id) => named(id, 'short'),
    axis: (id) => named(id, 'axis'),
    range: (period) => t('period.range', { start: format.date(period.start), end: format.date(period.end) }),
  };
}
