// The value mirror's raw material: for each leaver, plan against real use in the three months
// before the month of the request. About a quarter of leavers use under half of both their
// data and voice allowance, more often on expensive plans.
import { addMonths } from './calendar.ts';
import { planCode } from './plans.ts';
import type { PortRequest } from './port-requests.ts';
import { between, chance, type Random } from './prng.ts';
import type { LakeRow } from './table-schemas.ts';

export const USAGE_MONTHS_BEFORE_REQUEST = 3;
const UNDER_HALF = 0.49;

export interface UsageRecord {
  readonly month: string;
  readonly row: LakeRow;
}

interface UsageProfile {
  readonly data: number;
  readonly voice: number;
  readonly underUse: boolean;
}

/** Use as a fraction of the allowance. An under-user stays below half on both all along; the
 * others stay above half on data, so the under-use share is the tiers' chance and no more. */
function usageProfile(random: Random, request: PortRequest): UsageProfile {
  if (chance(random, request.plan.underUseChance)) {
    return { data: between(random, 0.05, 0.42), voice: between(random, 0.05, 0.42), underUse: true };
  }
  return { data: between(random, 0.6, 1.3), voice: between(random, 0.15, 1.2), underUse: false };
}

function monthlyUse(random: Random, level: number, allowance: number, underUse: boolean): number {
  const wobble = level * between(random, 0.88, 1.12);
  return Math.round(allowance * (underUse ? Math.min(wobble, UNDER_HALF) : wobble));
}

/** The months the usage rows of a request made in `requestMonth` fall in, oldest first. */
export function usageMonthsBefore(requestMonth: string): string[] {
  return Array.from({ length: USAGE_MONTHS_BEFORE_REQUEST }, (_, i) =>
    addMonths(requestMonth, i - USAGE_MONTHS_BEFORE_REQUEST),
  );
}

/** `months` from usageMonthsBefore for the request's month (shared by a whole day's requests). */
export function usageRecordsFor(random: Random, request: PortRequest, months: readonly string[]): UsageRecord[] {
  const profile = usageProfile(random, request);
  const { plan } = request;
  const code = planCode(request.donor, plan);
  return months.map((month) => ({
    month,
    row: {
      msisdn_hash: request.msisdnHash,
      province_code: request.provinceCode,
      operator_code: request.donor,
      plan_code: code,
      plan_fee_cny: plan.feeCny,
      data_allowance_mb: plan.dataAllowanceMb,
      data_used_mb: monthlyUse(random, profile.data, plan.dataAllowanceMb, profile.underUse),
      voice_allowance_min: plan.voiceAllowanceMin,
      voice_used_min: monthlyUse(random, profile.voice, plan.voiceAllowanceMin, profile.underUse),
    },
  }));
}
