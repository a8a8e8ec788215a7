// The value mirror's average fees do not depend on the order in which the engine returns its rows.
// An engine returns the groups of a GROUP BY in no fixed order (DuckDB's differs from run to run),
// and fees such as 19.90 are not exact in binary: summed as yuan, the same rows gave averages that
// differed in their last digits, so a rerun of an unchanged period saw its figures "changed since
// sent". The fees come as whole fen, summed exactly and divided once.
import { describe, expect, it } from 'vitest';
import type { ValueMirrorRow } from '#core/rows.ts';
import { valueMirrorFigures } from '#core/value-mirror.ts';

function leaver(provinceCode: string, planCode: string, ports: number, feeSumFen: number): ValueMirrorRow {
  return {
    side: 'leaver',
    provinceCode,
    operatorCode: 'CMCC',
    planCode,
    ports,
    withUsage: ports,
    overpaying: ports,
    feeSumFen,
  };
}

/** The rows in another order, the same every run: a fixed stride through them. */
function reordered<T>(rows: readonly T[], stride: number): T[] {
  return rows.map((_, i) => rows[(i * stride) % rows.length]!);
}

describe('the value mirror’s average fees', () => {
  it('are one figure whatever the order of the rows', () => {
    // 0.10, 0.20 and 0.30 yuan: as doubles, (0.1 + 0.2) + 0.3 and 0.3 + (0.2 + 0.1) differ.
    const rows = [leaver('11', 'A', 1, 10), leaver('12', 'A', 1, 20), leaver('13', 'A', 1, 30)];
    const forward = valueMirrorFigures(rows, 'CMCC', {});
    const backward = valueMirrorFigures([...rows].reverse(), 'CMCC', {});
    expect(forward).toEqual(backward);
    // 60 fen over 3 leavers, worked out once: 0.2 yuan.
    expect(forward.leaverAverageFeeCny).toBe(0.2);
    expect(forward.plans[0]!.averageFeeCny).toBe(0.2);
  });

  it('are the exact average, rounded once, over many groups of real tariffs', () => {
    // 31 provinces x 4 plans of 19.90, 38.30, 58.80 and 128.10 yuan, one to seven leavers each.
    const tariffsFen = [1990, 3830, 5880, 12_810];
    const rows: ValueMirrorRow[] = [];
    for (let province = 0; province < 31; province++)
      tariffsFen.forEach((fen, plan) => {
        const ports = 1 + ((province + plan) % 7);
        rows.push(leaver(String(11 + province), `P${plan}`, ports, ports * fen));
      });
    const leavers = rows.reduce((sum, row) => sum + row.ports, 0);
    const fen = rows.reduce((sum, row) => sum + row.feeSumFen, 0);
    const figures = [1, 7, 11, 13, 17].map((stride) => valueMirrorFigures(reordered(rows, stride), 'CMCC', {}));
    for (const other of figures.slice(1)) expect(other).toEqual(figures[0]);
    expect(figures[0]!.leaverAverageFeeCny).toBe(fen / (leavers * 100));
    const plan = figures[0]!.plans.find((p) => p.planCode === 'P0')!;
    expect(plan.averageFeeCny).toBe(19.9);
  });
});
