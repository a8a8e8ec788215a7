// Periods in Beijing time: ISO weeks and months, their bounds, and their neighbours.
import { describe, expect, it } from 'vitest';
import { PeriodError } from '#core/errors.ts';
import {
  isCalendarDate,
  isCalendarMonth,
  latestCompletePeriod,
  parsePeriod,
  periodContaining,
  periodsBetween,
  shiftPeriod,
  trailingPeriods,
} from '#core/period.ts';

describe('ISO weeks', () => {
  it('runs Monday to Sunday, from Beijing midnight (16:00 UTC the day before)', () => {
    const week = parsePeriod('2019-W48');
    expect([week.start, week.end, week.startUtc, week.endUtc]).toEqual([
      '2019-11-25',
      '2019-12-01',
      '2019-11-24T16:00:00Z',
      '2019-12-01T16:00:00Z',
    ]);
  });

  it('puts week 1 in the week of 4 January, even when it starts in December', () => {
    expect(parsePeriod('2020-W01').start).toBe('2019-12-30');
    expect(periodContaining('week', '2019-12-31').id).toBe('2020-W01');
    expect(periodContaining('week', '2021-01-03').id).toBe('2020-W53');
  });

  it('accepts week 53 only in years that have it', () => {
    expect(parsePeriod('2020-W53').end).toBe('2021-01-03');
    expect(() => parsePeriod('2019-W53')).toThrow(PeriodError);
    expect(() => parsePeriod('2019-W00')).toThrow('2019 has weeks W01 to W52');
  });
});

describe('months', () => {
  it('runs from the first to the last Beijing day', () => {
    const month = parsePeriod('2020-02');
    expect([month.start, month.end, month.startUtc, month.endUtc]).toEqual([
      '2020-02-01',
      '2020-02-29',
      '2020-01-31T16:00:00Z',
      '2020-02-29T16:00:00Z',
    ]);
  });

  it('rejects a month that does not exist', () => {
    expect(() => parsePeriod('2019-13')).toThrow(PeriodError);
  });
});

describe('the years a period may fall in', () => {
  it('refuses a year whose period would end past 9999 or fall when Beijing kept summer time, as a period error', () => {
    // 9999-W52 ends in January 10000 by ISO weeks; 9999-12 ends at 10000-01-01 in UTC terms;
    // Asia/Shanghai was UTC+9 in the summers of 1986 to 1991 (July 1988 began at 15:00 UTC)
    for (const id of ['9999-W52', '9999-W01', '9999-12', '1969-12', '0000-W01', '1988-07', '1991-W30', '1991-12'])
      expect(() => parsePeriod(id), id).toThrow(/out of range: periods run from 1992 to 9998/);
    expect(parsePeriod('9998-W52').end).toBe('9998-12-27');
    expect(parsePeriod('9998-12').endUtc).toBe('9998-12-31T16:00:00Z');
    expect(parsePeriod('1992-01').startUtc).toBe('1991-12-31T16:00:00Z');
  });
});

describe('neighbouring periods', () => {
  it('steps back across a year', () => {
    expect(shiftPeriod(parsePeriod('2020-W01'), -1).id).toBe('2019-W52');
    expect(shiftPeriod(parsePeriod('2020-01'), -1).id).toBe('2019-12');
  });

  it('lists the trailing periods oldest first', () => {
    expect(trailingPeriods(parsePeriod('2019-03'), 3).map((period) => period.id)).toEqual([
      '2019-01',
      '2019-02',
      '2019-03',
    ]);
  });

  it('finds the latest complete period for a last complete day', () => {
    expect(latestCompletePeriod('week', '2019-12-31').id).toBe('2019-W52');
    expect(latestCompletePeriod('week', '2019-12-29').id).toBe('2019-W52');
    expect(latestCompletePeriod('month', '2019-12-31').id).toBe('2019-12');
    expect(latestCompletePeriod('month', '2019-12-30').id).toBe('2019-11');
  });

  it('lists a range of periods and refuses one that runs backwards', () => {
    expect(periodsBetween(parsePeriod('2019-W51'), parsePeriod('2020-W02')).map((period) => period.id)).toEqual([
      '2019-W51',
      '2019-W52',
      '2020-W01',
      '2020-W02',
    ]);
    expect(() => periodsBetween(parsePeriod('2019-12'), parsePeriod('2019-10'))).toThrow(PeriodError);
  });
});

describe('bad period ids', () => {
  it('says why 2019-48 is not a month', () => {
    expect(() => parsePeriod('2019-48')).toThrow('months run 01 to 12');
  });

  it.each(['2019W48', '19-W48', '2019-1', '', 'latest', "2019-W48' OR 1=1 --"])(
    'refuses %j with a message that shows the forms',
    (id) => {
      expect(() => parsePeriod(id)).toThrow(/ISO week such as 2019-W48 or a month such as 2019-12/);
    },
  );
});

describe('partition values', () => {
  it('accepts real calendar dates and months only, without throwing on impossible ones', () => {
    expect(['2019-11-26', '2020-02-29'].map(isCalendarDate)).toEqual([true, true]);
    expect(['2019-02-29', '2019-11-40', '2019-13-01', '2019-11-26.tmp', 'latest', ''].map(isCalendarDate)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['2019-01', '2019-12'].map(isCalendarMonth)).toEqual([true, true]);
    expect(['2019-00', '2019-13', '2019-1', '2019-11-01'].map(isCalendarMonth)).toEqual([false, false, false, false]);
  });
});
