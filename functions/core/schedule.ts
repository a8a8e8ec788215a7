// The report schedules, as EventBridge Scheduler writes them: cron(min hour day-of-month month
// day-of-week year), one of the two day fields `?`, days of the week numbered SUN=1..SAT=7 as
// in Quartz, in the report's time zone. Parsed by croner (7-part mode with a year, Quartz
// weekdays), never by hand, so that `check` and `validate` read a schedule the way the
// scheduler runs it. Also: which period a scheduled run reports on.
import { Cron } from 'croner';
import { ConfigurationError } from './errors.ts';
import { latestCompletePeriod, type Period, type PeriodKind } from './period.ts';

export interface ScheduleDeclaration {
  /** cron(30 8 ? * MON *) */
  readonly expression: string;
  /** An IANA zone, e.g. Asia/Shanghai. */
  readonly timezone: string;
}

export interface ParsedSchedule {
  readonly declaration: ScheduleDeclaration;
  /** Scheduled instants t with from <= t <= to, oldest first. */
  runsBetween(from: Date, to: Date): Date[];
  /** The first scheduled instant strictly after `after`, or null when the schedule has ended. */
  nextAfter(after: Date): Date | null;
}

const EVENTBRIDGE_CRON = /^cron\((.+)\)$/;

/** The croner pattern of an EventBridge cron(...) expression: seconds 0, six fields after. */
function cronerPatternOf(expression: string): string {
  const body = EVENTBRIDGE_CRON.exec(expression.trim())?.[1];
  if (!body) throw new ConfigurationError(`schedule "${expression}" is not an EventBridge cron(...) expression`);
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ConfigurationError(
      `schedule "${expression}" has ${fields.length} fields: EventBridge's cron takes six (minutes hours day-of-month month day-of-week year)`,
    );
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ConfigurationError(`schedule "${expression}": exactly one of day-of-month and day-of-week must be ?`);
  }
  // croner reads a Quartz weekday 8 as Sunday; EventBridge refuses it, and validate must too.
  for (const [, , day] of dayOfWeek!.matchAll(/(^|[,-])(\d+)/g)) {
    if (Number(day) < 1 || Number(day) > 7)
      throw new ConfigurationError(
        `schedule "${expression}": day-of-week ${day} is not a day: EventBridge numbers them 1 (SUN) to 7 (SAT)`,
      );
  }
  return `0 ${fields.join(' ')}`;
}

/** Parses a schedule; a malformed one is a ConfigurationError naming the expression. */
export function parseSchedule(declaration: ScheduleDeclaration): ParsedSchedule {
  const pattern = cronerPatternOf(declaration.expression);
  let cron: Cron;
  try {
    cron = new Cron(pattern, {
      timezone: declaration.timezone,
      mode: '7-part',
      alternativeWeekdays: true,
      paused: true,
    });
  } catch (error) {
    throw new ConfigurationError(
      `schedule "${declaration.expression}" (${declaration.timezone}) does not parse: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const nextAfter = (after: Date): Date | null => cron.nextRun(after);
  return {
    declaration,
    nextAfter,
    runsBetween(from: Date, to: Date): Date[] {
      const runs: Date[] = [];
      // nextRun is strictly after its argument: start one millisecond early to include `from`.
      for (let run = nextAfter(new Date(from.getTime() - 1)); run && run <= to; run = nextAfter(run)) runs.push(run);
      return runs;
    },
  };
}

const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * The period a scheduled run reports on: the latest complete period of the report's kind
 * before the run's Beijing day (a Monday run reports the ISO week that ended on Sunday; a run
 * on the 3rd reports the month before).
 */
export function periodOfScheduledRun(kind: PeriodKind, scheduledAt: Date): Period {
  const beijingDay = new Date(scheduledAt.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
  const dayBefore = new Date(Date.parse(`${beijingDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  return latestCompletePeriod(kind, dayBefore);
}
