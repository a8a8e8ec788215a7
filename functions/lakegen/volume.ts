// How many port requests a Beijing day brings: a slowly growing trial, a clear jump at the
// nationwide launch, busier weekends, and a little day-to-day noise.
import { dayDifference, weekday } from './calendar.ts';
import type { Random } from './prng.ts';

/** Nationwide number portability opened on this day (MIIT rules of 2019-11-11). */
export const NATIONWIDE_LAUNCH = '2019-11-27';
const TRIAL_START = '2019-06-01';

/** Requests a day at scale 1: the trial level, tuned so 2019-06..12 averages about 1,000 a day. */
const TRIAL_LEVEL_START = 722;
const TRIAL_GROWTH_PER_DAY = 0.0008;
/** After the launch the level settles from 2.3x to 1.5x the trial's over a few months. */
const LAUNCH_LEVEL_SETTLED = 1.5;
const LAUNCH_LEVEL_EXCESS = 0.8;
const LAUNCH_SETTLING_DAYS = 90;
/** The first launch days brought a queue of people who had waited for it. */
const LAUNCH_RUSH = 0.9;
const LAUNCH_RUSH_DAYS = 6;

/** Sunday first. Weekends are when people have time to visit a store. */
const WEEKDAY_FACTOR = [1.2, 0.92, 0.9, 0.9, 0.92, 0.98, 1.25] as const;

function trialLevel(day: string): number {
  const elapsed = Math.max(0, Math.min(dayDifference(TRIAL_START, day), dayDifference(TRIAL_START, NATIONWIDE_LAUNCH)));
  return TRIAL_LEVEL_START * (1 + TRIAL_GROWTH_PER_DAY * elapsed);
}

/** The expected requests of a day at scale 1, before noise. */
export function expectedRequests(day: string): number {
  const weekly = WEEKDAY_FACTOR[weekday(day)] as number;
  if (day < NATIONWIDE_LAUNCH) return trialLevel(day) * weekly;
  const sinceLaunch = dayDifference(NATIONWIDE_LAUNCH, day);
  const rush = 1 + LAUNCH_RUSH * Math.exp(-sinceLaunch / LAUNCH_RUSH_DAYS);
  const level = LAUNCH_LEVEL_SETTLED + LAUNCH_LEVEL_EXCESS * Math.exp(-sinceLaunch / LAUNCH_SETTLING_DAYS);
  return trialLevel(day) * level * rush * weekly;
}

/** The day's request count at a scale, with +-6 % noise. */
export function requestsForDay(day: string, scale: number, random: Random): number {
  const noise = 1 + 0.12 * (random() - 0.5);
  return Math.round(expectedRequests(day) * scale * noise);
}
