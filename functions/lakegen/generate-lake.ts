// Entry point of the lake generator: writes a deterministic synthetic porting lake in the
// layout of data-contract.md (Parquet, Hive partitions, _SUCCESS markers), month by month so
// that memory stays bounded at any scale. The same options always give the same rows.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  BAD_ROW_KINDS,
  BadRowSchedule,
  type BadRowTally,
  emptyTally,
  SUBSCRIBER_BASE_CORRUPTIONS,
} from './bad-rows.ts';
import { addDays, addMonths, daysBetween, monthOf, monthsBetween } from './calendar.ts';
import { GenerationRun } from './day-generator.ts';
import { prepareLakeDir } from './lake-dir.ts';
import { LakeWriter } from './lake-writer.ts';
import { type GenerateLakeOptions, validateOptions } from './options.ts';
import { createRandom, labelSeed, mixSeed } from './prng.ts';
import { firstMonthBase, subscriberBaseRecords } from './subscriber-base.ts';
import { LAKE_TABLES, type LakeTableName, tableSpec } from './table-schemas.ts';
import { USAGE_MONTHS_BEFORE_REQUEST } from './usage.ts';

export { LakeDirNotUsableError, LakeGenOptionsError } from './errors.ts';
export type { GenerateLakeOptions } from './options.ts';

export interface GenerateLakeSummary {
  lakeDir: string;
  from: string;
  to: string;
  seed: number;
  scale: number;
  tables: Record<LakeTableName, { rows: number; partitions: number }>;
  badRows: Record<string, number>;
}

export const DEFAULT_LAKE_RANGE = { from: '2019-06-01', to: '2019-12-31' } as const;

/** Exit answers are collected up to two days before the request that they belong to. */
const EXIT_LEAD_DAYS = 2;
/** One bad subscriber_base row per month: the table is small, one is plenty. */
const BASE_BAD_ROW_RATE = 1 / (31 * 3);

/** An offline, in-memory engine; GLOBAL so that every connection of the writer shares it. */
async function openEngine(): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('SET GLOBAL autoinstall_known_extensions = false');
  await connection.run("SET GLOBAL TimeZone = 'UTC'");
  connection.closeSync();
  return instance;
}

/** Requests month by month; each month ends with a flush and the partitions it made whole. */
async function writeMonths(run: GenerationRun, writer: LakeWriter, options: GenerateLakeOptions): Promise<void> {
  const days = daysBetween(options.from, options.to);
  for (const month of monthsBetween(monthOf(options.from), monthOf(options.to))) {
    const monthDays = days.filter((day) => monthOf(day) === month);
    const requestsBefore = run.requests;
    for (const day of monthDays) {
      run.generateDay(day, writer);
      await writer.flushIfLarge();
      // Generation is synchronous: yielding lets the background Parquet writes move on.
      await yieldToEventLoop();
    }
    await writer.flushAll();
    const lastDay = monthDays[monthDays.length - 1] as string;
    writer.markComplete('port_requests', lastDay);
    writer.markComplete('exit_reasons', addDays(lastDay, -EXIT_LEAD_DAYS));
    writer.markComplete('usage_monthly', addMonths(month, -USAGE_MONTHS_BEFORE_REQUEST));
    options.onProgress?.(`${month}: ${run.requests - requestsBefore} port requests`);
  }
}

/** The base comes last: its size follows from the completed ports of the whole range. */
async function writeSubscriberBase(
  run: GenerationRun,
  writer: LakeWriter,
  options: GenerateLakeOptions,
  tally: BadRowTally,
): Promise<void> {
  const random = createRandom(mixSeed(options.seed, labelSeed('subscriber_base')));
  const months = monthsBetween(monthOf(options.from), monthOf(options.to));
  const records = subscriberBaseRecords(random, months, firstMonthBase(run.completedPorts));
  const schedule = new BadRowSchedule(SUBSCRIBER_BASE_CORRUPTIONS, tally, BASE_BAD_ROW_RATE);
  let written = 0;
  for (const month of months) {
    const monthRecords = records.filter((record) => record.month === month);
    for (const record of monthRecords) writer.append('subscriber_base', month, record.row);
    written += monthRecords.length;
    for (const corruption of schedule.due(written)) {
      const victim = monthRecords[Math.floor(random() * monthRecords.length)];
      if (victim) writer.append('subscriber_base', month, corruption.apply(victim.row));
    }
  }
  await writer.flushAll();
  options.onProgress?.(`subscriber_base: ${months.length} months`);
}

/** Every day and month the range covers has a partition, even where no row fell. */
function ensureEveryPartition(writer: LakeWriter, options: GenerateLakeOptions): void {
  const days = daysBetween(options.from, options.to);
  const firstMonth = monthOf(options.from);
  const lastMonth = monthOf(options.to);
  writer.ensurePartitions('port_requests', days);
  writer.ensurePartitions('exit_reasons', days);
  writer.ensurePartitions(
    'usage_monthly',
    monthsBetween(addMonths(firstMonth, -USAGE_MONTHS_BEFORE_REQUEST), addMonths(lastMonth, -1)),
  );
  writer.ensurePartitions('subscriber_base', monthsBetween(firstMonth, lastMonth));
}

function summarise(options: GenerateLakeOptions, writer: LakeWriter, tally: BadRowTally): GenerateLakeSummary {
  const tables = Object.fromEntries(
    LAKE_TABLES.map((table) => [table, writer.stats(table)]),
  ) as GenerateLakeSummary['tables'];
  return {
    lakeDir: options.lakeDir,
    from: options.from,
    to: options.to,
    seed: options.seed,
    scale: options.scale,
    tables,
    badRows: Object.fromEntries(BAD_ROW_KINDS.map((kind) => [kind, tally[kind]])),
  };
}

export async function generateLake(options: GenerateLakeOptions): Promise<GenerateLakeSummary> {
  validateOptions(options);
  await prepareLakeDir(options.lakeDir, LAKE_TABLES);
  const instance = await openEngine();
  let writer: LakeWriter | undefined;
  try {
    writer = await LakeWriter.open(instance, options.lakeDir, LAKE_TABLES.map(tableSpec));
    const tally = emptyTally();
    const run = new GenerationRun(options.seed, options.scale, options.from, options.to, tally);
    await writeMonths(run, writer, options);
    await writeSubscriberBase(run, writer, options, tally);
    ensureEveryPartition(writer, options);
    // Whatever is written now is whole: the range is done.
    for (const table of LAKE_TABLES) writer.markComplete(table, '9999');
    await writer.drain();
    const summary = summarise(options, writer, tally);
    await writeFile(join(options.lakeDir, '_lakegen.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    await writer?.close();
    instance.closeSync();
  }
}
