// The first mirror: why leavers leave. Answers of subscribers leaving the home operator, per
// category, with their share against earlier periods (and, for a province, the national mix).
import { difference, inAnyPeriod, inPeriod, inScope, ratio, type Scope, sumBy } from './figures.ts';
import type { Period } from './period.ts';
import type { CategoryRow } from './rows.ts';

export interface CategoryFigure {
  category: string;
  count: number;
  share: number | null;
  previousShare: number | null;
  shareChange: number | null;
}

export interface DissatisfactionFigures {
  responses: number;
  /** Null when the lake holds no earlier period whole (its first weeks): none to count, not zero. */
  previousResponses: number | null;
  categories: CategoryFigure[];
}

function countByCategory(rows: readonly CategoryRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.categoryCode, (counts.get(row.categoryCode) ?? 0) + row.responses);
  return counts;
}

export function leaverRows(rows: readonly CategoryRow[], home: string, scope: Scope): CategoryRow[] {
  return rows.filter((row) => row.operatorCode === home && inScope(scope, row.provinceCode));
}

/** Categories of the period, largest first, each set against the previous periods combined. */
export function dissatisfactionFigures(
  rows: readonly CategoryRow[],
  period: Period,
  previous: readonly Period[],
  home: string,
  scope: Scope,
): DissatisfactionFigures {
  const leavers = leaverRows(rows, home, scope);
  const current = countByCategory(leavers.filter((row) => inPeriod(row.periodStart, period)));
  const earlier = countByCategory(leavers.filter((row) => inAnyPeriod(row.periodStart, previous)));
  const responses = sumBy([...current.values()], (count) => count);
  const previousResponses = previous.length === 0 ? null : sumBy([...earlier.values()], (count) => count);
  const categories = [...new Set([...current.keys(), ...earlier.keys()])].map((category) => {
    const share = ratio(current.get(category) ?? 0, responses);
    const previousShare = previousResponses === null ? null : ratio(earlier.get(category) ?? 0, previousResponses);
    return {
      category,
      count: current.get(category) ?? 0,
      share,
      previousShare,
      shareChange: difference(share, previousShare),
    };
  });
  categories.sort(
    (a, b) =>
      b.count - a.count || (b.previousShare ?? 0) - (a.previousShare ?? 0) || a.category.localeCompare(b.category),
  );
  return { responses, previousResponses, categories };
}
