// The subscriber base per month, province and operator. Its first month is sized so that the
// range's completed ports are exactly the target port-out rate of it (1.8 %, as in the trial);
// later months drift a little, each operator at its own pace.
import { provinces } from '#reference/index.ts';
import { broadnetShare, incumbentShares, type OperatorCode, operatorsForMonth, PROVINCE_WEIGHTS } from './market.ts';
import { between, type Random } from './prng.ts';
import type { LakeRow } from './table-schemas.ts';

/** Completed ports of the range over the base of its first month. */
export const TARGET_PORT_OUT_RATE = 0.018;
/** Keeps the base meaningful when a tiny scale completes almost nothing. */
const MINIMUM_BASE = 100_000;

/** Monthly growth: China Telecom grew fastest in 2019, China Mobile slowest. */
const MONTHLY_GROWTH: Readonly<Record<Exclude<OperatorCode, 'CBN'>, number>> = {
  CMCC: 0.001,
  CUCC: 0.0012,
  CTCC: 0.003,
};
const DRIFT_NOISE = 0.0015;

export interface BaseRecord {
  readonly month: string;
  readonly row: LakeRow;
}

type Cell = { province: string; operator: OperatorCode; value: number };

/** Unscaled cells of every month: province weight x operator share x accumulated drift. */
function rawCells(random: Random, months: readonly string[]): Map<string, Cell[]> {
  const totalWeight = [...PROVINCE_WEIGHTS.values()].reduce((sum, weight) => sum + weight, 0);
  const drift = new Map<string, number>();
  const byMonth = new Map<string, Cell[]>();
  months.forEach((month, index) => {
    const cells: Cell[] = [];
    for (const { code: province } of provinces) {
      const size = (PROVINCE_WEIGHTS.get(province) ?? 1) / totalWeight;
      const shares = incumbentShares(province);
      let incumbents = 0;
      for (const operator of ['CMCC', 'CUCC', 'CTCC'] as const) {
        const key = `${province}/${operator}`;
        const walked =
          index === 0
            ? 1
            : (drift.get(key) ?? 1) * (1 + MONTHLY_GROWTH[operator] + between(random, -DRIFT_NOISE, DRIFT_NOISE));
        drift.set(key, walked);
        const value = size * shares[operator] * walked;
        incumbents += value;
        cells.push({ province, operator, value });
      }
      if (operatorsForMonth(month).includes('CBN')) {
        const share = broadnetShare(month);
        cells.push({
          province,
          operator: 'CBN',
          value: ((incumbents * share) / (1 - share)) * between(random, 0.8, 1.2),
        });
      }
    }
    byMonth.set(month, cells);
  });
  return byMonth;
}

export function firstMonthBase(completedPorts: number): number {
  return Math.max(MINIMUM_BASE, Math.round(completedPorts / TARGET_PORT_OUT_RATE));
}

/** The base rows of the range's months; the first month sums to `firstMonthTotal`. */
export function subscriberBaseRecords(
  random: Random,
  months: readonly string[],
  firstMonthTotal: number,
): BaseRecord[] {
  const cells = rawCells(random, months);
  const firstMonth = cells.get(months[0] as string) ?? [];
  const scale = firstMonthTotal / firstMonth.reduce((sum, cell) => sum + cell.value, 0);
  return months.flatMap((month) =>
    (cells.get(month) ?? []).map((cell) => ({
      month,
      row: { province_code: cell.province, operator_code: cell.operator, subscribers: Math.round(cell.value * scale) },
    })),
  );
}
