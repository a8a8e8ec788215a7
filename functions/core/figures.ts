// Small arithmetic shared by the report sections: shares, rates and changes that stay null
// (not zero, not NaN) when their base is empty, so a report never shows an invented figure.
import type { Period } from './period.ts';

export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

export function difference(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

/** Relative change (0.12 = +12 %), null when there is nothing to compare with. */
export function relativeChange(current: number, previous: number): number | null {
  return previous > 0 ? (current - previous) / previous : null;
}

/** The leading items that share the first one's count (a tie for "the most common"), in order. */
export function tiedWithFirst<T extends { count: number }>(items: readonly T[]): T[] {
  const first = items[0];
  return first === undefined || first.count === 0 ? [] : items.filter((item) => item.count === first.count);
}

export function sumBy<T>(items: readonly T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}

export function inPeriod(day: string, period: Period): boolean {
  return day >= period.start && day <= period.end;
}

export function inAnyPeriod(day: string, periods: readonly Period[]): boolean {
  return periods.some((period) => inPeriod(day, period));
}

/** Which provinces a section looks at: all of them (headquarters) or one (a branch). */
export interface Scope {
  readonly provinceCode?: string;
}

export function inScope(scope: Scope, provinceCode: string | null): boolean {
  return scope.provinceCode === undefined || scope.provinceCode === provinceCode;
}

export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
