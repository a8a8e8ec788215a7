// mnp-briefings backfill: every period of a range, oldest first, archived (and sent only with
// --send). Resumable: a period the run journal records as done is skipped, so a second call
// after an interruption picks up where the first stopped, and the ledger makes sure that
// nobody is mailed twice even for a period that was half sent.
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import type { Command } from 'commander';
import pMap from 'p-map';
import { MailTransportDownError } from '#core/delivery-ports.ts';
import { ConfigurationError, DataNotReadyError, DeliveryError, MnpError } from '#core/errors.ts';
import { lakeRange } from '#core/lake-calendar.ts';
import { type Period, parsePeriod, periodsBetween } from '#core/period.ts';
import type { ReportStore } from '#core/ports.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { type RunState, type RunStatus, readRunStatus } from '#core/run-journal.ts';
import { reportableRange } from '#core/run-lifecycle.ts';
import { DEFAULT_BACKFILL_CONCURRENCY, type WaitOptions, waitForExecution } from '../aws-executions.ts';
import { awsRunInput, executionName } from '../aws-run-input.ts';
import type { AwsClients, AwsTarget } from '../aws-target.ts';
import { withDeliveryOptions, withLakeOptions, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { openJobsFor } from '../local-jobs.ts';
import { type BackfillOptions, backfillOptionsSchema, validateOptions } from '../options.ts';
import { type JobResult, runReportJob } from '../report-job.ts';

export interface BackfillRow {
  readonly period: string;
  /** What this call did: skipped (done before), ran, started (AWS), failed. */
  readonly action: 'skipped' | 'ran' | 'started' | 'failed' | 'planned';
  /** AWS: succeeded, or failed with Step Functions' status in the note. */
  readonly state: RunState | 'started' | 'planned' | 'succeeded';
  readonly reports: number;
  readonly sent: number;
  readonly skipped: number;
  readonly failed: number;
  readonly seconds: number;
  readonly note?: string;
}

/** Done before: delivered (with --send), or at least archived (without). */
export function isDone(status: RunStatus | undefined, send: boolean): boolean {
  if (!status) return false;
  return send ? status.state === 'delivered' : ['archived', 'delivered', 'delivery-failed'].includes(status.state);
}

function rowOf(period: string, result: JobResult, seconds: number): BackfillRow {
  const total = (pick: (summary: NonNullable<JobResult['deliveries']>[number]) => number) =>
    (result.deliveries ?? []).reduce((sum, summary) => sum + pick(summary), 0);
  return {
    period,
    action: 'ran',
    state: result.state === 'previewed' ? 'archived' : result.state,
    reports: result.archived.length,
    sent: total((summary) => summary.sent),
    skipped: total((summary) => summary.skipped),
    // Not delivered: failed, left unsent by a stop, or still claimed by another run.
    failed: total((summary) => summary.failed + summary.inProgress),
    seconds,
    ...(result.message ? { note: result.message } : {}),
  };
}

interface Progress {
  tick(label: string): void;
  stop(): void;
}

/** A bar on an interactive terminal; one line per period on stderr otherwise (logs, CI, tests). */
function progressFor(io: CliIo, total: number, json: boolean): Progress {
  if (io.isTty && process.stderr.isTTY && !json) {
    const bar = new SingleBar({
      format: 'backfill [{bar}] {value}/{total} {label}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    });
    bar.start(total, 0, { label: '' });
    return { tick: (label) => bar.increment(1, { label }), stop: () => bar.stop() };
  }
  let done = 0;
  const tick = (label: string) => {
    done += 1;
    io.err(`backfill ${done}/${total} ${label}`);
  };
  return { tick, stop: () => undefined };
}

function printTable(rows: readonly BackfillRow[], io: CliIo): void {
  const table = new Table({
    head: ['period', 'action', 'state', 'reports', 'sent', 'skipped', 'failed', 'seconds', 'note'],
    style: { head: [], border: [] },
  });
  for (const row of rows)
    table.push([
      row.period,
      row.action,
      row.state,
      row.reports,
      row.sent,
      row.skipped,
      row.failed,
      row.seconds.toFixed(1),
      row.note ?? '',
    ]);
  io.out(table.toString());
  const count = (action: BackfillRow['action']) => rows.filter((row) => row.action === action).length;
  io.out(
    `${rows.length} period(s): ${count('ran')} ran, ${count('skipped')} skipped as done, ${count('started')} started, ${count('failed')} failed`,
  );
}

/** The exit a script acts on: failures first, then undelivered recipients, then held periods. */
function assertBackfillDone(rows: readonly BackfillRow[], send: boolean): void {
  const failed = rows.filter((row) => row.action === 'failed');
  if (failed.length > 0)
    throw new MnpError(
      `backfill: ${failed.length} period(s) failed, e.g. ${failed[0]!.period}: ${failed[0]!.note ?? ''}; run the same command again to resume`,
    );
  // Only what this call tried to deliver: without --send it sends nothing, so a period that an
  // earlier run delivered in part (skipped, or run again and drafted) is not this call's to
  // resume; its table says so.
  const undelivered = send
    ? rows.filter((row) => row.action === 'ran' && (row.state === 'delivery-failed' || row.failed > 0))
    : [];
  if (undelivered.length > 0) {
    const first = undelivered[0]!;
    throw new DeliveryError(
      `backfill: ${undelivered.length} period(s) with recipients not delivered, e.g. ${first.period}: ${first.note ?? `${first.failed} not delivered`}; run the same command again to resume`,
    );
  }
  const held = rows.filter((row) => row.state === 'held');
  if (held.length > 0)
    throw new DataNotReadyError(
      `backfill: ${held.length} period(s) held for missing data, e.g. ${held[0]!.period}`,
      [],
    );
}

/** What stopped a local backfill before its last period: Ctrl-C, with how many periods it left. */
interface Interruption {
  notStarted: number;
}

async function backfillLocally(
  options: BackfillOptions,
  range: readonly Period[],
  io: CliIo,
  notes: string[],
  interruption: Interruption,
): Promise<BackfillRow[]> {
  const definition = reportDefinition(options.report);
  const send = options.send === true;
  const jobs = await openJobsFor(options, io);
  let periods: string[];
  try {
    const reportable = reportableRange(range, jobs.now(), await lakeRange(jobs.runtime.inventory));
    periods = reportable.periods.map((period) => period.id);
    notes.push(...reportable.notes);
  } catch (error) {
    await jobs.close();
    throw error;
  }
  const progress = progressFor(io, periods.length, options.json === true);
  const rows: BackfillRow[] = [];
  // Ctrl-C between sends (during a period's queries, say): the period in progress ends as a run
  // would, the next ones are not started, and the table says so; a second Ctrl-C quits at once.
  // While sending, the send watch stops the sends too (send-watch.ts).
  let stopAsked = false;
  const onSigint = () => {
    if (stopAsked) {
      io.err('mnp-briefings: interrupted again: quitting now; the same command resumes');
      process.exit(130);
    }
    stopAsked = true;
    if (!jobs.sendWatch?.interrupted)
      io.err(
        'mnp-briefings: interrupted: finishing the period in progress, starting no other (Ctrl-C again quits at once)',
      );
  };
  process.on('SIGINT', onSigint);
  try {
    for (const [index, period] of periods.entries()) {
      const started = performance.now();
      const status = await readRunStatus(jobs.runtime.store, definition.id, period);
      if (isDone(status, send) && !options.dryRun) {
        rows.push({
          period,
          action: 'skipped',
          state: status!.state,
          reports: 0,
          sent: 0,
          skipped: 0,
          failed: 0,
          seconds: 0,
          note: `done ${status!.updatedAt}`,
        });
      } else {
        try {
          const result = await runReportJob(
            {
              reportId: definition.id,
              periodId: period,
              homeOperator: options.homeOperator,
              locale: options.locale,
              deliver: send,
              dryRun: options.dryRun,
              allowIncomplete: options.allowIncomplete,
            },
            jobs,
          );
          rows.push(rowOf(period, result, (performance.now() - started) / 1000));
        } catch (error) {
          // Wrong arguments, configuration or a mail transport that is down fail every period alike: stop at once.
          if (error instanceof ConfigurationError || error instanceof MailTransportDownError) throw error;
          rows.push({
            period,
            action: 'failed',
            state: 'failed',
            reports: 0,
            sent: 0,
            skipped: 0,
            failed: 0,
            seconds: (performance.now() - started) / 1000,
            note: (error as Error).message.split('\n')[0]!,
          });
        }
      }
      progress.tick(`${period} ${rows.at(-1)!.state}`);
      const left = periods.length - index - 1;
      if ((jobs.sendWatch?.interrupted || stopAsked) && left > 0) {
        notes.push(
          `interrupted during ${period}: the ${left} period(s) after it were not started; the same command resumes`,
        );
        interruption.notStarted = left;
        break;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    progress.stop();
    await jobs.close();
  }
  return rows;
}

/** At most --concurrency executions at a time (aws-executions.ts), each waited for until it ends. */
async function backfillInAws(
  options: BackfillOptions,
  range: readonly Period[],
  io: CliIo,
  target: AwsTarget,
  clients: AwsClients,
  notes: string[],
  wait: WaitOptions = {},
): Promise<BackfillRow[]> {
  const definition = reportDefinition(options.report);
  const reportable = reportableRange(range, new Date());
  const periods = reportable.periods.map((period) => period.id);
  notes.push(...reportable.notes);
  const send = options.send === true;
  const store: ReportStore = await target.archive(definition.id);
  let ended = 0;
  return pMap(
    periods,
    async (period): Promise<BackfillRow> => {
      const status = await readRunStatus(store, definition.id, period);
      const base = { period, reports: 0, sent: 0, skipped: 0, failed: 0, seconds: 0 };
      if (isDone(status, send))
        return { ...base, action: 'skipped', state: status!.state, note: `done ${status!.updatedAt}` };
      const input = awsRunInput(definition.id, {
        periodId: period,
        archiveOnly: !send,
        sendDespiteMissingData: options.allowIncomplete,
      });
      const name = executionName('backfill', input, new Date());
      if (options.dryRun)
        return {
          ...base,
          action: 'planned',
          state: 'planned',
          note: `would start ${name} with ${JSON.stringify(input)}`,
        };
      const started = Date.now();
      const executionArn = await target.startRun(input, name);
      io.err(`backfill ${period} started`);
      const outcome = await waitForExecution(clients.sfn, executionArn, wait);
      ended += 1;
      io.err(`backfill ${ended}/${periods.length} ${period} ${outcome.toLowerCase()}`);
      const state = outcome === 'SUCCEEDED' ? 'succeeded' : 'failed';
      return {
        ...base,
        action: state === 'failed' ? 'failed' : 'started',
        state,
        seconds: (Date.now() - started) / 1000,
        note: state === 'failed' ? `${outcome}: ${executionArn}` : executionArn,
      };
    },
    { concurrency: options.concurrency ?? DEFAULT_BACKFILL_CONCURRENCY },
  );
}

/** For tests: how long the AWS backfill waits between status checks. */
export const backfillWaiting: WaitOptions = {};

/** The deployed stage and its clients, with the AWS SDK loaded only now (see open-aws-target.ts). */
async function awsTargetAndClients(options: BackfillOptions): Promise<[AwsTarget, AwsClients]> {
  const { AwsTarget, defaultAwsClients } = await import('../aws-target.ts');
  const clients = defaultAwsClients(options.region);
  return [new AwsTarget(options.stage!, clients), clients];
}

export function registerBackfill(program: Command, io: CliIo): void {
  const command = program
    .command('backfill')
    .description(
      'run every period of a range, oldest first, to the archive (and send with --send); a second call resumes',
    )
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .requiredOption('--from <period>', 'first period: ISO week (2019-W40) or month (2019-06)')
    .requiredOption('--to <period>', 'last period, included')
    .option('--send', 'deliver each period too (the ledger skips whoever was sent to)')
    .option(
      '--concurrency <n>',
      `with --target aws: executions at a time, each waited for (default ${DEFAULT_BACKFILL_CONCURRENCY})`,
    );
  withTargetOptions(withDeliveryOptions(withLakeOptions(command))).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(backfillOptionsSchema, raw);
    const definition = reportDefinition(options.report);
    const [from, to] = [parsePeriod(options.from), parsePeriod(options.to)];
    if (from.kind !== definition.periodKind)
      throw new ConfigurationError(`--from ${from.id}: ${definition.id} is a ${definition.periodKind}ly report`);
    const range = periodsBetween(from, to);
    const notes: string[] = [];
    const interruption: Interruption = { notStarted: 0 };
    const rows =
      options.target === 'aws'
        ? await backfillInAws(options, range, io, ...(await awsTargetAndClients(options)), notes, backfillWaiting)
        : await backfillLocally(options, range, io, notes, interruption);
    if (options.json)
      io.out(
        JSON.stringify({
          report: definition.id,
          from: from.id,
          to: to.id,
          send: options.send === true,
          periods: rows,
          notes,
        }),
      );
    else {
      printTable(rows, io);
      for (const note of notes) io.out(`note: backfill ${note}`);
    }
    // Stopped before its last period (Ctrl-C): exit 1, as README says, whatever the period in
    // progress left unsent; the same command resumes both.
    if (interruption.notStarted > 0) {
      const unsent = rows.filter((row) => row.action === 'ran' && (row.state === 'delivery-failed' || row.failed > 0));
      throw new MnpError(
        `backfill: interrupted: ${interruption.notStarted} period(s) not started` +
          (options.send === true && unsent.length > 0
            ? `, and recipients of ${unsent.map((row) => row.period).join(', ')} not delivered`
            : '') +
          '; run the same command again to resume',
      );
    }
    assertBackfillDone(rows, options.send === true);
  });
}
