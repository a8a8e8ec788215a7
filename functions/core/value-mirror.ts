// The second mirror, customer value: leavers whose plan fee sat well above what they used.
// The rule (in value_mirror.sql): over the three months before the month of leaving, under
// half of the data allowance AND under half of the voice allowance was used.
import { inScope, ratio, type Scope, sumBy } from './figures.ts';
import type { ValueMirrorRow } from './rows.ts';

export const VALUE_MIRROR_TOP_PLANS = 5;

export interface PlanFigure {
  planCode: string;
  leavers: number;
  withUsage: number;
  overpaying: number;
  overpayingShare: number | null;
  averageFeeCny: number | null;
}

export interface ValueMirrorFigures {
  leavers: number;
  leaversWithUsage: number;
  overpaying: number;
  overpayingShare: number | null;
  leaverAverageFeeCny: number | null;
  joiners: number;
  joinerAverageFeeCny: number | null;
  plans: PlanFigure[];
}

const FEN_PER_YUAN = 100;

/**
 * The rows' fees summed in fen (whole numbers, so exactly, in whatever order the engine returns
 * the rows) and divided once: the same average on every run, and the closest double to the true one.
 */
function averageFeeCny(rows: readonly ValueMirrorRow[], ports: number): number | null {
  return ratio(
    sumBy(rows, (row) => row.feeSumFen),
    ports * FEN_PER_YUAN,
  );
}

export function valueMirrorFigures(rows: readonly ValueMirrorRow[], home: string, scope: Scope): ValueMirrorFigures {
  const mine = rows.filter((row) => row.operatorCode === home && inScope(scope, row.provinceCode));
  const leaverRows = mine.filter((row) => row.side === 'leaver');
  const joinerRows = mine.filter((row) => row.side === 'joiner');
  const leavers = sumBy(leaverRows, (row) => row.ports);
  const leaversWithUsage = sumBy(leaverRows, (row) => row.withUsage);
  const overpaying = sumBy(leaverRows, (row) => row.overpaying);
  const joiners = sumBy(joinerRows, (row) => row.ports);
  const byPlan = new Map<string, ValueMirrorRow[]>();
  for (const row of leaverRows) byPlan.set(row.planCode, [...(byPlan.get(row.planCode) ?? []), row]);
  const plans = [...byPlan.entries()]
    .map(([planCode, planRows]) => {
      const planLeavers = sumBy(planRows, (row) => row.ports);
      const withUsage = sumBy(planRows, (row) => row.withUsage);
      const planOverpaying = sumBy(planRows, (row) => row.overpaying);
      return {
        planCode,
        leavers: planLeavers,
        withUsage,
        overpaying: planOverpaying,
        overpayingShare: ratio(planOverpaying, withUsage),
        averageFeeCny: averageFeeCny(planRows, planLeavers),
      };
    })
    .filter((plan) => plan.overpaying > 0)
    .sort(
      (a, b) =>
        b.overpaying - a.overpaying ||
        (b.overpayingShare ?? 0) - (a.overpayingShare ?? 0) ||
        a.planCode.localeCompare(b.planCode),
    )
    .slice(0, VALUE_MIRROR_TOP_PLANS);
  return {
    leavers,
    leaversWithUsage,
    overpaying,
    overpayingShare: ratio(overpaying, leaversWithUsage),
    leaverAverageFeeCny: averageFeeCny(leaverRows, leavers),
    joiners,
    joinerAverageFeeCny: averageFeeCny(joinerRows, joiners),
    plans,
  };
}
