// The behaviour of a single port request: when in the day it is made, how it ends and how long
// that takes, which channel, tenure and plan. Shares are "about" (drawn by chance); only the
// donor -> recipient flows are allotted by quota (see pair-quota.ts).
import { channels, provinces, rejectReasons } from '#reference/index.ts';
import { DAY_MS, HOUR_MS } from './calendar.ts';
import { PROVINCE_WEIGHTS } from './market.ts';
import { between, type Random } from './prng.ts';
import { weightedPicker, weightsForCodes } from './weighted.ts';

export type FinalStatus = 'completed' | 'rejected' | 'cancelled';

/** Before the range ends every request would settle like this; the last days stay pending. */
export const statusPicker = weightedPicker<FinalStatus>([
  ['completed', 0.83],
  ['rejected', 0.12],
  ['cancelled', 0.05],
]);

/** Share of completed ports that the feed first delivers as pending, then again when done. */
export const ANNOUNCED_PENDING_SHARE = 0.3;

/** The restrictive preconditions: arrears and active contracts block most. */
export const rejectReasonPicker = weightedPicker(
  weightsForCodes(
    rejectReasons.map((reason) => reason.code),
    {
      ARREARS: 0.3,
      CONTRACT_ACTIVE: 0.27,
      REAL_NAME_MISMATCH: 0.13,
      TENURE_TOO_SHORT: 0.09,
      NUMBER_SUSPENDED: 0.08,
      PENDING_DISPUTE: 0.05,
      OTHER: 0.08,
    },
  ),
);

/** In 2019 porting began with an SMS authorisation code and mostly ended in a store. */
export const requestChannelPicker = weightedPicker(
  weightsForCodes(channels.port_requests, { store: 0.4, sms: 0.3, app: 0.2, online: 0.1 }),
);

export const provincePicker = weightedPicker(
  provinces.map((p) => [p.code, PROVINCE_WEIGHTS.get(p.code) ?? 1] as const),
);

/** Beijing hour of day: quiet at night, busy in office hours and the evening. */
const hourPicker = weightedPicker(
  [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.5, 2.2, 2.6, 2.5, 1.8, 1.9, 2.3, 2.4, 2.3, 2.1, 1.9, 2, 2, 1.6, 1, 0.5,
  ].map((weight, hour) => [hour, weight] as const),
);

/** A request instant within the Beijing day starting at `dayStart`, whole seconds. */
export function requestInstant(random: Random, dayStart: number): number {
  const hour = hourPicker.pick(random);
  return dayStart + hour * HOUR_MS + Math.floor(random() * 3600) * 1000;
}

/** How long the request takes to settle; always within the 7 days the rules allow. */
export function settlementDelay(random: Random, status: FinalStatus): number {
  switch (status) {
    case 'completed':
      return Math.round((between(random, 1, 5) * DAY_MS) / 1000) * 1000;
    case 'rejected':
      // Most preconditions are checked at once; a few need a manual look.
      return Math.round(600 + random() ** 2 * 3 * 86_400) * 1000;
    case 'cancelled':
      return Math.round(between(random, 2 * 3600, 6.5 * 86_400)) * 1000;
  }
}

/** Months with the donor: many leavers are fairly new, some have stayed for two decades. */
export function tenureMonths(random: Random): number {
  return 4 + Math.floor(237 * random() ** 1.7);
}
