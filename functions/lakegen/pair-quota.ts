// Hands out donor -> recipient pairs to completed ports by quota rather than by chance, so the
// shares of the whole range match the flow fractions to within one port per pair.
import type { FlowPair } from './market.ts';

export class PairQuota {
  private readonly given: number[];
  private total = 0;

  constructor(readonly pairs: readonly FlowPair[]) {
    this.given = pairs.map(() => 0);
  }

  /** The pair furthest behind its quota (the largest deficit), so every prefix stays on target. */
  next(): FlowPair {
    const target = this.total + 1;
    let best = 0;
    let bestDeficit = -Infinity;
    for (let i = 0; i < this.pairs.length; i++) {
      const deficit = target * (this.pairs[i] as FlowPair).fraction - (this.given[i] as number);
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        best = i;
      }
    }
    this.given[best] = (this.given[best] as number) + 1;
    this.total = target;
    return this.pairs[best] as FlowPair;
  }

  take(count: number): FlowPair[] {
    return Array.from({ length: count }, () => this.next());
  }
}
