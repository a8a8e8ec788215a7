// Weighted choice over a fixed list, precomputed once so that drawing is a short search.
import type { Random } from './prng.ts';

export interface WeightedPicker<T> {
  readonly items: readonly T[];
  pick(random: Random): T;
}

export function weightedPicker<T>(entries: readonly (readonly [T, number])[]): WeightedPicker<T> {
  const positive = entries.filter(([, weight]) => weight > 0);
  if (positive.length === 0) throw new Error('weightedPicker: no entry has a positive weight');
  const items = positive.map(([item]) => item);
  const total = positive.reduce((sum, [, weight]) => sum + weight, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const [, weight] of positive) {
    running += weight / total;
    cumulative.push(running);
  }
  return {
    items,
    pick(random) {
      const u = random();
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (u < (cumulative[mid] as number)) high = mid;
        else low = mid + 1;
      }
      return items[low] as T;
    },
  };
}

/**
 * Weights for the codes of a reference list: the listed weight when known, a small default
 * otherwise, so that a code added to the reference later still shows up in the lake.
 */
export function weightsForCodes(
  codes: readonly string[],
  known: Readonly<Record<string, number>>,
  fallback = 0.02,
): [string, number][] {
  return codes.map((code) => [code, known[code] ?? fallback]);
}
