// Medians and spread of repeated measures.
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarise(values: readonly number[]): Summary {
  const rounded = values.map((value) => Math.round(value * 10) / 10);
  return {
    median: median(rounded),
    min: Math.min(...rounded),
    max: Math.max(...rounded),
    n: rounded.length,
    samples: rounded,
  };
}
