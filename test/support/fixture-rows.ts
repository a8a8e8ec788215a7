// Rows for small hand-made lakes (lake-writer.ts): a clean completed port and a clean exit answer
// on a given Beijing day, and a clean usage row, for tests about the lake's machinery rather than
// particular figures.
import { hash } from '../fixtures/hand-made-lake.ts';
import type { FixtureRow } from './lake-writer.ts';

/** A clean completed port from CMCC to CUCC in province 44, requested and completed on `day`. */
export function completedPortOn(id: string, day: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    port_id: id,
    msisdn_hash: hash(id),
    province_code: '44',
    donor_operator: 'CMCC',
    recipient_operator: 'CUCC',
    status: 'completed',
    reject_reason: null,
    requested_at: `${day} 02:00:00`,
    completed_at: `${day} 03:00:00`,
    channel: 'online',
    tenure_months: 24,
    plan_code: 'CMCC-58',
    monthly_fee_cny: 58,
    updated_at: `${day} 03:00:00`,
    ...extra,
  };
}

/** A clean exit answer (price) from a leaver of CMCC in province 44, collected on `day`. */
export function exitAnswerOn(id: string, day: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    response_id: id,
    port_id: null,
    msisdn_hash: hash(id),
    province_code: '44',
    operator_code: 'CMCC',
    category_code: 'PRICE',
    subcategory_code: null,
    collected_at: `${day} 03:00:00`,
    channel: 'sms',
    verbatim: null,
    ...extra,
  };
}

/** A clean usage row (the month is the partition's) of the number whose hash is given, at CMCC in province 44. */
export function usageRowOf(msisdnHash: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    msisdn_hash: msisdnHash,
    province_code: '44',
    operator_code: 'CMCC',
    plan_code: 'CMCC-58',
    plan_fee_cny: 58,
    data_allowance_mb: 10240,
    data_used_mb: 2048,
    voice_allowance_min: 300,
    voice_used_min: 50,
    ...extra,
  };
}
