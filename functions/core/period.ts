// Reporting periods in Beijing time. Beijing is UTC+8 with no daylight saving since 1991 (periods
// start in 1992), so
// a period's bounds are plain UTC instants and its days are plain calendar dates; no
// time-zone functions are needed in SQL or here.
import { PeriodError } from './errors.ts';

export const REPORT_TIMEZONE = 'Asia/Shanghai';
const BEIJING_OFFSET_HOURS = 8;
const DAY_MS = 86_400_000;

export type PeriodKind = 'week' | 'month';

export interface Period {
  readonly id: string;
  readonly kind: PeriodKind;
  /** First Beijing calendar day, YYYY-MM-DD. */
  readonly start: string;
  /** Last Beijing calendar day (inclusive), YYYY-MM-DD. */
  readonly end: string;
  /** Start instant in UTC, ISO 8601. */
  readonly startUtc: string;
  /** Instant just after the period (exclusive) in UTC, ISO 8601. */
  readonly endUtc: string;
}

/** A calendar date as days since 1970-01-01 (no time of day, no zone). */
function dayNumber(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function dateOfDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = dayNumber(value);
  // Date.parse gives NaN for a day past 31 or a month past 12; a 30 February rolls over
  return Number.isFinite(day) && dateOfDayNumber(day) === value;
}

export function isCalendarMonth(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** Days from a to b inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let day = dayNumber(from); day <= dayNumber(to); day += 1) dates.push(dateOfDayNumber(day));
  return dates;
}

/** The UTC instant at which a Beijing calendar day begins, as 'YYYY-MM-DD HH:MM:SS' (SQL-ready). */
export function beijingMidnightUtc(date: string): string {
  const instant = new Date((dayNumber(date) * 24 - BEIJING_OFFSET_HOURS) * 3_600_000);
  return instant.toISOString().replace('T', ' ').slice(0, 19);
}

function isoInstant(sqlTimestamp: string): string {
  return `${sqlTimestamp.replace(' ', 'T')}Z`;
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function addMonths(month: string, months: number): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (monthNumber - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function isoWeekday(date: string): number {
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** Monday of ISO week 1 of a year: the week holding 4 January. */
function isoWeekOneMonday(year: number): string {
  const january4 = `${String(year).padStart(4, '0')}-01-04`;
  return addDays(january4, 1 - isoWeekday(january4));
}

function isoWeeksInYear(year: number): number {
  return (dayNumber(isoWeekOneMonday(year + 1)) - dayNumber(isoWeekOneMonday(year))) / 7;
}

function makePeriod(id: string, kind: PeriodKind, start: string, end: string): Period {
  return {
    id,
    kind,
    start,
    end,
    startUtc: isoInstant(beijingMidnightUtc(start)),
    endUtc: isoInstant(beijingMidnightUtc(addDays(end, 1))),
  };
}

function weekPeriod(year: number, week: number): Period {
  const start = addDays(isoWeekOneMonday(year), (week - 1) * 7);
  return makePeriod(`${year}-W${String(week).padStart(2, '0')}`, 'week', start, addDays(start, 6));
}

function monthPeriod(month: string): Period {
  const end = addDays(`${addMonths(month, 1)}-01`, -1);
  return makePeriod(month, 'month', `${month}-01`, end);
}

/** Parses YYYY-Www (ISO week) or YYYY-MM (calendar month), both in Beijing time. */
/**
 * The years a period may fall in: from 1992, the first whole year of UTC+8 without daylight
 * saving (the zone database gives Asia/Shanghai UTC+9 in the summers of 1986 to 1991, which the
 * fixed offset here and in SQL would misplace), to the last year whose periods end before year
 * 10000, which ISO dates cannot write.
 */
export const PERIOD_YEARS = { first: 1992, last: 9998 } as const;

function checkPeriodYear(id: string, year: number): void {
  if (year < PERIOD_YEARS.first || year > PERIOD_YEARS.last)
    throw new PeriodError(`${id} is out of range: periods run from ${PERIOD_YEARS.first} to ${PERIOD_YEARS.last}`);
}

export function parsePeriod(id: string): Period {
  const week = /^(\d{4})-W(\d{2})$/.exec(id);
  if (week) {
    const year = Number(week[1]);
    checkPeriodYear(id, year);
    const number = Number(week[2]);
    if (number < 1 || number > isoWeeksInYear(year)) {
      throw new PeriodError(`${id} is not a week: ${year} has weeks W01 to W${isoWeeksInYear(year)}`);
    }
    return weekPeriod(year, number);
  }
  const month = /^(\d{4})-(\d{2})$/.exec(id);
  if (month) {
    checkPeriodYear(id, Number(month[1]));
    const number = Number(month[2]);
    if (number < 1 || number > 12) throw new PeriodError(`${id} is not a month: months run 01 to 12`);
    return monthPeriod(id);
  }
  throw new PeriodError(`"${id}" is not a period: use an ISO week such as 2019-W48 or a month such as 2019-12`);
}

/** The period of the given kind that contains a Beijing calendar day. */
export function periodContaining(kind: PeriodKind, date: string): Period {
  if (kind === 'month') return monthPeriod(monthOf(date));
  const monday = addDays(date, 1 - isoWeekday(date));
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const week = (dayNumber(monday) - dayNumber(isoWeekOneMonday(year))) / 7 + 1;
  return weekPeriod(year, week);
}

/** The period `count` steps before (negative) or after (positive) this one. */
export function shiftPeriod(period: Period, count: number): Period {
  if (period.kind === 'month') return monthPeriod(addMonths(monthOf(period.start), count));
  return periodContaining('week', addDays(period.start, count * 7));
}

/** The last `length` periods ending with this one, oldest first. */
export function trailingPeriods(period: Period, length: number): Period[] {
  return Array.from({ length }, (_unused, index) => shiftPeriod(period, index - (length - 1)));
}

/** The latest period of a kind that ends on or before a day (the latest complete one). */
export function latestCompletePeriod(kind: PeriodKind, lastCompleteDay: string): Period {
  const containing = periodContaining(kind, lastCompleteDay);
  return containing.end === lastCompleteDay ? containing : shiftPeriod(containing, -1);
}

export function periodsBetween(from: Period, to: Period): Period[] {
  if (from.kind !== to.kind) throw new PeriodError(`${from.id} and ${to.id} are periods of different kinds`);
  if (from.start > to.start) throw new PeriodError(`${from.id} comes after ${to.id}`);
  const periods: Period[] = [];
  for (let period = from; period.start <= to.start; period = shiftPeriod(period, 1)) periods.push(period);
  return periods;
}
