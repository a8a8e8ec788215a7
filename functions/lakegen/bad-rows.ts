// Deliberately broken EXTRA rows, the kinds the quarantine must catch: unknown codes, missing
// keys, malformed timestamps, negative values, donor equal to recipient. They never replace a
// valid row, so the figures over the valid rows stay exact. Each corruption makes exactly one
// rule fire, so a reader counts each bad row under the kind written here.
import { HOUR_MS } from './calendar.ts';
import type { LakeRow } from './table-schemas.ts';

export const BAD_ROW_KINDS = [
  'unknown_code',
  'missing_key',
  'malformed_timestamp',
  'negative_value',
  'donor_equals_recipient',
] as const;
export type BadRowKind = (typeof BAD_ROW_KINDS)[number];
export type BadRowTally = Record<BadRowKind, number>;

/** Share of each table's rows that come broken: 0.2 %, a handful a day at scale 1. */
export const BAD_ROW_RATE = 0.002;

export interface Corruption {
  readonly kind: BadRowKind;
  readonly apply: (row: LakeRow) => LakeRow;
}

const negate =
  (column: string) =>
  (row: LakeRow): LakeRow => ({ ...row, [column]: -Math.max(1, Number(row[column])) });

export const PORT_REQUEST_CORRUPTIONS: readonly Corruption[] = [
  { kind: 'unknown_code', apply: (row) => ({ ...row, province_code: '99' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, port_id: null }) },
  { kind: 'malformed_timestamp', apply: (row) => ({ ...row, completed_at: null }) },
  { kind: 'negative_value', apply: negate('monthly_fee_cny') },
  { kind: 'donor_equals_recipient', apply: (row) => ({ ...row, recipient_operator: row.donor_operator ?? null }) },
  {
    kind: 'unknown_code',
    apply: (row) => ({ ...row, donor_operator: 'XXXX', plan_code: `XXXX-${row.monthly_fee_cny}` }),
  },
  { kind: 'missing_key', apply: (row) => ({ ...row, msisdn_hash: null }) },
  { kind: 'malformed_timestamp', apply: (row) => ({ ...row, completed_at: Number(row.requested_at) - 36 * HOUR_MS }) },
  { kind: 'negative_value', apply: negate('tenure_months') },
  { kind: 'unknown_code', apply: (row) => ({ ...row, status: 'lost' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, province_code: null }) },
];

export const EXIT_REASON_CORRUPTIONS: readonly Corruption[] = [
  { kind: 'unknown_code', apply: (row) => ({ ...row, category_code: 'MYSTERY', subcategory_code: null }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, msisdn_hash: null }) },
  { kind: 'unknown_code', apply: (row) => ({ ...row, operator_code: 'XXXX' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, response_id: null }) },
  { kind: 'unknown_code', apply: (row) => ({ ...row, province_code: '99' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, province_code: null }) },
];

export const USAGE_CORRUPTIONS: readonly Corruption[] = [
  { kind: 'negative_value', apply: negate('data_used_mb') },
  { kind: 'unknown_code', apply: (row) => ({ ...row, operator_code: 'XXXX' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, msisdn_hash: null }) },
  { kind: 'unknown_code', apply: (row) => ({ ...row, province_code: '99' }) },
  { kind: 'negative_value', apply: negate('voice_used_min') },
];

export const SUBSCRIBER_BASE_CORRUPTIONS: readonly Corruption[] = [
  { kind: 'negative_value', apply: negate('subscribers') },
  { kind: 'unknown_code', apply: (row) => ({ ...row, province_code: '99' }) },
  { kind: 'missing_key', apply: (row) => ({ ...row, province_code: null }) },
  { kind: 'unknown_code', apply: (row) => ({ ...row, operator_code: 'XXXX' }) },
];

export function emptyTally(): BadRowTally {
  return { unknown_code: 0, missing_key: 0, malformed_timestamp: 0, negative_value: 0, donor_equals_recipient: 0 };
}

/**
 * Spreads bad rows evenly through a table: once `rate` of the clean rows written so far is
 * more than the bad rows emitted, the next corruptions in rotation are due.
 */
export class BadRowSchedule {
  private emitted = 0;

  constructor(
    private readonly corruptions: readonly Corruption[],
    private readonly tally: BadRowTally,
    private readonly rate = BAD_ROW_RATE,
  ) {}

  due(cleanRowsSoFar: number): Corruption[] {
    const target = Math.floor(cleanRowsSoFar * this.rate);
    const due: Corruption[] = [];
    while (this.emitted < target) {
      const corruption = this.corruptions[this.emitted % this.corruptions.length] as Corruption;
      this.tally[corruption.kind]++;
      this.emitted++;
      due.push(corruption);
    }
    return due;
  }
}
