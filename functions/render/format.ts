// How a figure reads: one formatter per locale, used by the HTML and the text templates alike
// (as Handlebars helpers), by the opening sentences and by the chart alt texts, so a figure is
// written the same way wherever it appears. Model shares and rates are fractions (0.576).
import type { Locale } from '#core/report-model.ts';
import { createTranslator, intlTagOf } from './locale.ts';

/** What a null figure shows: never 0, never NaN. The report explains the dash in a note. */
export const NOT_AVAILABLE = '\u2014';
const MINUS = '\u2212';

export interface Formatter {
  /** 1,234 */
  count(value: number | null): string;
  /** +1,234 / −567 / 0: a net flow or a change of a count. */
  signed(value: number | null): string;
  /** A share: 0.576 -> 57.6% */
  share(value: number | null): string;
  /** A rate that can be tiny, to three significant digits: 0.001066 -> 0.107%, 0.125 -> 12.5% */
  rate(value: number | null): string;
  /** A relative change: 0.12 -> +12.0%, 0.000167 -> +0.02% */
  change(value: number | null): string;
  /** A difference of two shares or rates, in percentage points, to two significant digits: 0.025 -> +2.5 pt, -0.000026 -> −0.0026 pt */
  points(value: number | null): string;
  /** An amount in yuan: 128.5 -> ¥128.50 (the symbol from the locale, the same in both languages) */
  cny(value: number | null): string;
  /** A calendar date YYYY-MM-DD: 2019年11月25日 / 25 Nov 2019 */
  date(day: string): string;
  /** An instant, shown in Beijing time. */
  dateTime(instant: string): string;
  /** A calendar month YYYY-MM: 2019年11月 / November 2019 */
  month(month: string): string;
  /** A calendar month YYYY-MM, short: 2019年11月 / Nov 2019 */
  monthShort(month: string): string;
  /** A calendar month YYYY-MM without its year, for a chart axis: 11月 / Nov */
  monthOfYear(month: string): string;
}

/** Intl writes a hyphen-minus; the briefings use the real minus sign, and no "-0". */
function withMinus(text: string): string {
  return text.replace('-', MINUS);
}

/**
 * Decimals are never fewer than one. At most ten: a national base of a billion subscribers puts
 * one port-out at 0.0000000971 %, still three digits, so a rate of a real base never reads 0.
 */
const MIN_DECIMALS = 1;
const MAX_DECIMALS = 10;
/** A rate shows three significant digits: 12.5%, 0.107% (a national port-out rate), 0.0312%. */
export const RATE_SIGNIFICANT_DIGITS = 3;
/** A change in points shows two: +2.5 pt, −0.040 pt, −0.0026 pt, so a small change never reads 0.00. */
export const POINTS_SIGNIFICANT_DIGITS = 2;
/** A relative change shows one decimal, or as many as its first digit needs: +12.0%, +0.02%, never "up (0.0%)". */
export const CHANGE_SIGNIFICANT_DIGITS = 1;

/**
 * Decimals that show `significant` digits of a number written in percent or points. The first
 * digit is the rounded value's: 0.996 points to two digits is 1.0, not 1.00.
 */
export function decimalsFor(value: number, significant: number): number {
  if (value === 0 || !Number.isFinite(value)) return MIN_DECIMALS;
  const leading = Math.floor(Math.log10(Number(Math.abs(value).toPrecision(significant))));
  return Math.min(MAX_DECIMALS, Math.max(MIN_DECIMALS, significant - 1 - leading));
}

const formatters = new Map<Locale, Formatter>();

/**
 * The locale's formatter, built once: a formatter holds only Intl formats, which keep no state
 * and cost far more to build (ICU data) than to use, and a render asked for several each time.
 */
export function createFormatter(locale: Locale): Formatter {
  let formatter = formatters.get(locale);
  if (!formatter) {
    formatter = buildFormatter(locale);
    formatters.set(locale, formatter);
  }
  return formatter;
}

function buildFormatter(locale: Locale): Formatter {
  const tag = intlTagOf(locale);
  const t = createTranslator(locale);
  const integer = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const signedInteger = new Intl.NumberFormat(tag, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const percent = (decimals: number, signed: boolean) =>
    new Intl.NumberFormat(tag, {
      style: 'percent',
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
  const oneDecimal = percent(1, false);
  const rates = Array.from({ length: MAX_DECIMALS + 1 }, (_, decimals) => percent(decimals, false));
  const changes = Array.from({ length: MAX_DECIMALS + 1 }, (_, decimals) => percent(decimals, true));
  const points = Array.from(
    { length: MAX_DECIMALS + 1 },
    (_, decimals) =>
      new Intl.NumberFormat(tag, {
        minimumFractionDigits: decimals,
        maximumFractionDigits: decimals,
        signDisplay: 'exceptZero',
      }),
  );
  // Not Intl's currency style: it writes "CN¥" in English; the locale says how an amount reads.
  const yuan = new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const calendarDate = new Intl.DateTimeFormat(tag, {
    year: 'numeric',
    month: locale === 'en' ? 'short' : 'long',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const beijingTime = new Intl.DateTimeFormat(tag, {
    dateStyle: locale === 'en' ? 'medium' : 'long',
    timeStyle: 'short',
    timeZone: 'Asia/Shanghai',
  });
  const longMonth = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  const shortMonth = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', timeZone: 'UTC' });
  const monthAlone = new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' });

  const orDash =
    (format: (value: number) => string) =>
    (value: number | null): string =>
      value === null || !Number.isFinite(value) ? NOT_AVAILABLE : withMinus(format(value + 0));

  return {
    count: orDash((value) => integer.format(value)),
    signed: orDash((value) => signedInteger.format(value)),
    share: orDash((value) => oneDecimal.format(value)),
    rate: orDash((value) => rates[decimalsFor(value * 100, RATE_SIGNIFICANT_DIGITS)]!.format(value)),
    change: orDash((value) => changes[decimalsFor(value * 100, CHANGE_SIGNIFICANT_DIGITS)]!.format(value)),
    points: orDash((value) =>
      t('units.points', {
        value: withMinus(points[decimalsFor(value * 100, POINTS_SIGNIFICANT_DIGITS)]!.format(value * 100)),
      }),
    ),
    cny: orDash((value) => t('units.yuan', { value: yuan.format(value) })),
    date: (day) => calendarDate.format(new Date(`${day}T00:00:00Z`)),
    dateTime: (instant) => beijingTime.format(new Date(instant)),
    month: (month) => longMonth.format(new Date(`${month}-01T00:00:00Z`)),
    monthShort: (month) => shortMonth.format(new Date(`${month}-01T00:00:00Z`)),
    monthOfYear: (month) => monthAlone.format(new Date(`${month}-01T00:00:00Z`)),
  };
}
