// The report schedules as EventBridge Scheduler reads them (six fields, ?, Quartz weekdays, a
// year), parsed by croner; the instants below are worked out by hand in Beijing time (UTC+8).
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '#core/errors.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { parseSchedule, periodOfScheduledRun } from '#core/schedule.ts';

const beijing = (expression: string) => parseSchedule({ expression, timezone: 'Asia/Shanghai' });
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe('an EventBridge schedule', () => {
  it('runs the weekly briefing on Mondays at 08:30 Beijing, for the ISO week that ended the day before', () => {
    const runs = beijing('cron(30 8 ? * MON *)').runsBetween(
      new Date('2019-12-02T00:30:00Z'),
      new Date('2019-12-16T00:30:00Z'),
    );

    expect(iso(runs)).toEqual(['2019-12-02T00:30:00.000Z', '2019-12-09T00:30:00.000Z', '2019-12-16T00:30:00.000Z']);
    expect(runs.map((run) => periodOfScheduledRun('week', run).id)).toEqual(['2019-W48', '2019-W49', '2019-W50']);
  });

  it('runs the monthly guidance on the 3rd at 09:00 Beijing, for the month before, across a year end', () => {
    const runs = beijing('cron(0 9 3 * ? *)').runsBetween(
      new Date('2019-12-01T00:00:00Z'),
      new Date('2020-02-03T01:00:00Z'),
    );

    expect(iso(runs)).toEqual(['2019-12-03T01:00:00.000Z', '2020-01-03T01:00:00.000Z', '2020-02-03T01:00:00.000Z']);
    expect(runs.map((run) => periodOfScheduledRun('month', run).id)).toEqual(['2019-11', '2019-12', '2020-01']);
  });

  it('numbers the days of the week from Sunday = 1, as EventBridge does', () => {
    expect(beijing('cron(0 9 ? * 2 *)').nextAfter(new Date('2019-11-27T00:00:00Z'))?.toISOString()).toBe(
      '2019-12-02T01:00:00.000Z',
    );
  });

  it('keeps to its year field', () => {
    expect(
      iso(
        beijing('cron(0 9 3 * ? 2020)').runsBetween(new Date('2019-11-01T00:00:00Z'), new Date('2020-02-04T00:00:00Z')),
      ),
    ).toEqual(['2020-01-03T01:00:00.000Z', '2020-02-03T01:00:00.000Z']);
  });

  it.each([
    ['cron(0 9 * * * *)', 'exactly one of day-of-month and day-of-week must be ?'],
    ['cron(0 9 3 *)', 'has 4 fields'],
    ['rate(5 minutes)', 'is not an EventBridge cron(...) expression'],
    ['cron(61 9 3 * ? *)', 'does not parse'],
    // croner would read 8 as Sunday; EventBridge refuses it
    ['cron(30 8 ? * 8 *)', 'day-of-week 8 is not a day'],
    ['cron(30 8 ? * 2-8 *)', 'day-of-week 8 is not a day'],
    ['cron(30 8 ? * MON,0 *)', 'day-of-week 0 is not a day'],
  ])('refuses %s by name', (expression, why) => {
    expect(() => beijing(expression)).toThrow(ConfigurationError);
    expect(() => beijing(expression)).toThrow(why);
  });

  it('takes the weekdays EventBridge takes: names, 1 to 7, ranges, nth and last', () => {
    for (const field of ['MON', '2', '7', '1-7', 'MON-FRI', '6#3', '6L', '2,4,6'])
      expect(beijing(`cron(30 8 ? * ${field} *)`).nextAfter(new Date('2020-01-01T00:00:00Z'))).not.toBeNull();
  });

  it('parses every schedule of config/reports.json', () => {
    for (const definition of reportDefinitions)
      expect(parseSchedule(definition.schedule).nextAfter(new Date('2020-01-01T00:00:00Z'))).not.toBeNull();
  });
});
