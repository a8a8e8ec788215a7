// Eligibility rejections: requests to leave the home operator that a restrictive precondition
// blocked, by reason, counted by the Beijing day of the request.
import { difference, inPeriod, inScope, ratio, sumBy, type Scope } from './figures.ts';
import type { Period } from './period.ts';
import type { RequestRow } from './rows.ts';

export interface RejectionReasonFigure { reason: string; count: number; share: number | null }

export interface RejectionFigures {
  requests: number;
  rejected: number;
  rate: number | null;
  previousRate: number | null;
  rateChange: number | null;
  reasons: RejectionReasonFigure[];
}

function periodRows(rows: readonly RequestRow[], period: Period, home: string, scope: Scope): RequestRow[] {
  return rows.filter((row) => row.donor === home && inPeriod(row.day, period) && inScope(scope, row.provinceCode));
}

export function rejectionFigures(rows: readonly RequestRow[], period: Period, previous: Period, home: string, scope: Scope): RejectionFigures {
  const current = periodRows(rows, period, home, scope);
  const before = periodRows(rows, previous, home, scope);
  const requests = sumBy(current, (row) => row.requests);
  const rejectedRows = current.filter((row) => row.status === 'rejected');
  const rejected = sumBy(rejectedRows, (row) => row.requests);
  const previousRequests = sumBy(before, (row) => row.requests);
  const previousRejected = sumBy(before.filter((row) => row.status === 'rejected'), (row) => row.requests);
  const byReason = new Map<string, number>();
  for (const row of rejectedRows) byReason.set(row.rejectReason ?? '', (byReason.get(row.rejectReason ?? '') ?? 0) + row.requests);
  const reasons = [...byReason.entries()]
    .map(([reason, count]) => ({ reason, count, share: ratio(count, rejected) }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const rate = ratio(rejected, requests);
  const previousRate = ratio(previousRejected, previousRequests);
  return { requests, rejected, rate, previousRate, rateChange: difference(rate, previousRate), reasons };
}
