// Claims in flight: `sending` records of a report's period, with what an operator needs to
// judge them (whose, until when, whether the message was already handed to the transport).
// `status` shows them; `check` can list them the same way.
import type { DeliveryLedger } from './delivery-ports.ts';

export interface ClaimInFlight {
  readonly reportId: string;
  readonly periodId: string;
  readonly audience: string;
  readonly recipient: string;
  readonly leaseUntil?: string;
  /** The lease has run out: the next run takes the claim over. */
  readonly expired: boolean;
  /** Whether the message was handed to the transport (a takeover then flags a possible duplicate). */
  readonly handedOver: boolean;
  readonly possibleDuplicate: boolean;
}

/** One claim as `status` and `check` print it: whose, whose lease, whether its message left. */
export function claimLine(claim: ClaimInFlight): string {
  const lease = `${claim.expired ? 'lease ended' : 'until'} ${claim.leaseUntil ?? '?'}`;
  return `${claim.reportId} ${claim.periodId} ${claim.audience} ${claim.recipient} ${lease}, ${claim.handedOver ? 'handed over' : 'not handed over'}`;
}

export async function listClaimsInFlight(
  ledger: DeliveryLedger,
  reportId: string,
  periodId: string,
  audiences: readonly string[],
  now: Date,
): Promise<ClaimInFlight[]> {
  const claims: ClaimInFlight[] = [];
  for (const audience of audiences) {
    for (const record of await ledger.list(reportId, periodId, audience)) {
      if (record.status !== 'sending') continue;
      claims.push({
        reportId,
        periodId,
        audience,
        recipient: record.recipient,
        ...(record.leaseUntil ? { leaseUntil: record.leaseUntil } : {}),
        expired: record.leaseUntil === undefined || new Date(record.leaseUntil) <= now,
        handedOver: record.dispatched !== false,
        possibleDuplicate: record.possibleDuplicate,
      });
    }
  }
  return claims.sort((a, b) => a.audience.localeCompare(b.audience) || a.recipient.localeCompare(b.recipient));
}
