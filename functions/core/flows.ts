// Net flows: port-ins, port-outs and net per operator, the donor -> recipient matrix, the home
// operator's figures per province and over the trend, and the port-out rate against the base.
import { operators } from '#reference/index.ts';
import { difference, inPeriod, inScope, ratio, relativeChange, type Scope, sumBy } from './figures.ts';
import { monthOf, type Period } from './period.ts';
import type { BaseRow, FlowRow } from './rows.ts';

export interface OperatorFlow {
  operator: string;
  portIns: number;
  portOuts: number;
  net: number;
  shareOfPortIns: number | null;
  shareOfPortOuts: number | null;
}

export interface MatrixCell {
  donor: string;
  recipient: string;
  ports: number;
}

export interface HomeFlow {
  portIns: number;
  portOuts: number;
  net: number;
  subscriberBase: number | null;
  portOutRate: number | null;
}

export interface TrendPoint extends HomeFlow {
  period: string;
  totalCompleted: number;
}

/**
 * The period against the one before it. previous is null, and so is every change, when the lake
 * does not hold the whole of the period before (it starts later): part of a week is no baseline.
 */
export interface FlowComparison {
  current: HomeFlow;
  previous: HomeFlow | null;
  netChange: number | null;
  portOutsChange: number | null;
  portInsChange: number | null;
  portOutRateChange: number | null;
}

function rowsOf(rows: readonly FlowRow[], period: Period, scope: Scope): FlowRow[] {
  return rows.filter((row) => inPeriod(row.periodStart, period) && inScope(scope, row.provinceCode));
}

export function subscriberBase(
  base: readonly BaseRow[],
  period: Period,
  operator: string,
  scope: Scope,
): number | null {
  const month = monthOf(period.start);
  const matching = base.filter(
    (row) => row.month === month && row.operatorCode === operator && inScope(scope, row.provinceCode),
  );
  return matching.length === 0 ? null : sumBy(matching, (row) => row.subscribers);
}

export function homeFlow(
  rows: readonly FlowRow[],
  base: readonly BaseRow[],
  period: Period,
  home: string,
  scope: Scope,
): HomeFlow {
  const inPeriodRows = rowsOf(rows, period, scope);
  const portIns = sumBy(inPeriodRows, (row) => (row.recipient === home ? row.ports : 0));
  const portOuts = sumBy(inPeriodRows, (row) => (row.donor === home ? row.ports : 0));
  const subscribers = subscriberBase(base, period, home, scope);
  return {
    portIns,
    portOuts,
    net: portIns - portOuts,
    subscriberBase: subscribers,
    portOutRate:
      subscribers === null || !baseCoversPortOuts(inPeriodRows, base, period, home)
        ? null
        : ratio(portOuts, subscribers),
  };
}

/**
 * Whether every province where the home operator lost numbers has a subscriber base above zero
 * for the period's month. If one has none (a month file without its row, or rows quarantined as
 * conflicting or negative), a rate over the others' base would set its port-outs against
 * subscribers that do not include them: there is no rate then, rather than an inflated one.
 */
function baseCoversPortOuts(rows: readonly FlowRow[], base: readonly BaseRow[], period: Period, home: string): boolean {
  const month = monthOf(period.start);
  const subscribersOf = new Map<string, number>();
  for (const row of base)
    if (row.month === month && row.operatorCode === home)
      subscribersOf.set(row.provinceCode, (subscribersOf.get(row.provinceCode) ?? 0) + row.subscribers);
  return rows.every((row) => row.donor !== home || row.ports === 0 || (subscribersOf.get(row.provinceCode) ?? 0) > 0);
}

export function compareFlows(current: HomeFlow, previous: HomeFlow | null): FlowComparison {
  if (previous === null)
    return {
      current,
      previous,
      netChange: null,
      portOutsChange: null,
      portInsChange: null,
      portOutRateChange: null,
    };
  return {
    current,
    previous,
    netChange: current.net - previous.net,
    portOutsChange: relativeChange(current.portOuts, previous.portOuts),
    portInsChange: relativeChange(current.portIns, previous.portIns),
    portOutRateChange: difference(current.portOutRate, previous.portOutRate),
  };
}

export function totalCompleted(rows: readonly FlowRow[], period: Period, scope: Scope): number {
  return sumBy(rowsOf(rows, period, scope), (row) => row.ports);
}

/** Operators with any port in the rows given, in reference order. */
export function activeOperators(rows: readonly FlowRow[]): string[] {
  // a loop, not flatMap: no array made per row (a national run passes every flow row through it)
  const seen = new Set<string>();
  for (const row of rows) seen.add(row.donor).add(row.recipient);
  return operators.map((operator) => operator.code).filter((code) => seen.has(code));
}

export function flowsByOperator(
  rows: readonly FlowRow[],
  period: Period,
  scope: Scope,
  codes: readonly string[],
): OperatorFlow[] {
  const inPeriodRows = rowsOf(rows, period, scope);
  const total = sumBy(inPeriodRows, (row) => row.ports);
  return codes.map((operator) => {
    const portIns = sumBy(inPeriodRows, (row) => (row.recipient === operator ? row.ports : 0));
    const portOuts = sumBy(inPeriodRows, (row) => (row.donor === operator ? row.ports : 0));
    return {
      operator,
      portIns,
      portOuts,
      net: portIns - portOuts,
      shareOfPortIns: ratio(portIns, total),
      shareOfPortOuts: ratio(portOuts, total),
    };
  });
}

export function flowMatrix(
  rows: readonly FlowRow[],
  period: Period,
  scope: Scope,
  codes: readonly string[],
): MatrixCell[] {
  const inPeriodRows = rowsOf(rows, period, scope);
  return codes.flatMap((donor) =>
    codes
      .filter((recipient) => recipient !== donor)
      .map((recipient) => ({
        donor,
        recipient,
        ports: sumBy(inPeriodRows, (row) => (row.donor === donor && row.recipient === recipient ? row.ports : 0)),
      })),
  );
}

export function flowTrend(
  rows: readonly FlowRow[],
  base: readonly BaseRow[],
  periods: readonly Period[],
  home: string,
  scope: Scope,
): TrendPoint[] {
  return periods.map((period) => ({
    period: period.id,
    totalCompleted: totalCompleted(rows, period, scope),
    ...homeFlow(rows, base, period, home, scope),
  }));
}
