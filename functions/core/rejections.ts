// Eligibility rejections: requests to leave the home operator that a restrictive precondition
// blocked, by reason, counted by the Beijing day of the request. The rate counts decided requests
// only: on a Monday the newest week still has requests waiting for an outcome, the week before
// none, and dividing by all of them would bias the change downward every week.
import { difference, inPeriod, inScope, ratio, type Scope, sumBy } from './figures.ts';
import type { Period } from './period.ts';
import type { RequestRow } from './rows.ts';

export interface RejectionReasonFigure {
  reason: string;
  count: number;
  share: number | null;
}

export interface RejectionFigures {
  /** Requests to leave made in the period, decided or not. */
  requests: number;
  /** Still without an outcome (outcomes arrive up to 7 days after the request). */
  pending: number;
  rejected: number;
  /** rejected / decided requests: pending ones are left out so a recent period is not diluted. */
  rate: number | null;
  /** Null, as previousRate, when the lake does not hold the whole of the period before. */
  previousPending: number | null;
  previousRate: number | null;
  rateChange: number | null;
  reasons: RejectionReasonFigure[];
}

function periodRows(rows: readonly RequestRow[], period: Period, home: string, scope: Scope): RequestRow[] {
  return rows.filter(
    (row) => row.donor === home && inPeriod(row.periodStart, period) && inScope(scope, row.provinceCode),
  );
}

const countOf = (rows: readonly RequestRow[], keep: (row: RequestRow) => boolean) =>
  sumBy(rows.filter(keep), (row) => row.requests);
const isRejected = (row: RequestRow) => row.status === 'rejected';
const isPending = (row: RequestRow) => row.status === 'pending';

/** The rejection rate over the requests already decided. */
function decidedRate(rows: readonly RequestRow[]): number | null {
  return ratio(
    countOf(rows, isRejected),
    countOf(rows, (row) => !isPending(row)),
  );
}

export function rejectionFigures(
  rows: readonly RequestRow[],
  period: Period,
  previous: Period | null,
  home: string,
  scope: Scope,
): RejectionFigures {
  const current = periodRows(rows, period, home, scope);
  const before = previous === null ? null : periodRows(rows, previous, home, scope);
  const rejected = countOf(current, isRejected);
  const byReason = new Map<string, number>();
  for (const row of current.filter(isRejected))
    byReason.set(row.rejectReason ?? '', (byReason.get(row.rejectReason ?? '') ?? 0) + row.requests);
  const reasons = [...byReason.entries()]
    .map(([reason, count]) => ({ reason, count, share: ratio(count, rejected) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const rate = decidedRate(current);
  const previousRate = before === null ? null : decidedRate(before);
  return {
    requests: countOf(current, () => true),
    pending: countOf(current, isPending),
    rejected,
    rate,
    previousPending: before === null ? null : countOf(before, isPending),
    previousRate,
    rateChange: difference(rate, previousRate),
    reasons,
  };
}
