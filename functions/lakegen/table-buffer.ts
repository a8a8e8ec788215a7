// One lake table on its way to disk: rows go into one of two in-memory staging tables; a flush
// hands the filled one to a background job (one partitioned COPY straight into the table
// folder, files named data_<flush>_<i>.parquet so that flushes never collide) while rows keep
// arriving in the other. _SUCCESS is queued behind the writes, so it never precedes a file.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '#sql/sql-string.ts';
import { ChunkedAppender } from './chunked-appender.ts';
import type { JobQueue } from './job-queue.ts';
import { markPartitionsComplete } from './partition-files.ts';
import { createDictionaries, type Dictionaries, outputSelect, stagingTableDdl } from './staging.ts';
import type { LakeRow, TableSpec } from './table-schemas.ts';

export interface WriterContext {
  readonly lakeDir: string;
  /** Rows are appended on this connection ... */
  readonly appendConnection: DuckDBConnection;
  /** ... while this one writes Parquet in the background. */
  readonly writeConnection: DuckDBConnection;
  readonly queue: JobQueue;
}

interface Slot {
  readonly name: string;
  rows: number;
  /** Partition values that received rows since the slot was last written. */
  readonly partitions: Set<string>;
  /** Settles once the slot's last flush is written and the slot is empty again. */
  idle: Promise<void>;
}

export class TableBuffer {
  private readonly slots: [Slot, Slot];
  private current: 0 | 1 = 0;
  private appender: ChunkedAppender | undefined;
  private flushes = 0;
  totalRows = 0;
  /** Every partition that has files, written or queued. */
  readonly partitions = new Set<string>();
  private readonly completed = new Set<string>();
  /** Shared by both slots and only ever growing, so a code means the same in every flush. */
  private readonly dictionaries: Dictionaries;

  constructor(
    private readonly spec: TableSpec,
    private readonly shared: WriterContext,
  ) {
    this.dictionaries = createDictionaries(spec);
    const slot = (i: number): Slot => ({
      name: `stage_${spec.name}_${i}`,
      rows: 0,
      partitions: new Set<string>(),
      idle: Promise.resolve(),
    });
    this.slots = [slot(0), slot(1)];
  }

  async open(): Promise<void> {
    for (const slot of this.slots) await this.shared.appendConnection.run(stagingTableDdl(slot.name, this.spec));
    await this.openAppender();
  }

  private async openAppender(): Promise<void> {
    const slot = this.slots[this.current];
    await slot.idle;
    this.appender = new ChunkedAppender(
      await this.shared.appendConnection.createAppender(slot.name),
      this.spec,
      this.dictionaries,
    );
  }

  get bufferedRows(): number {
    return this.slots[this.current].rows;
  }

  append(partition: string, row: LakeRow): void {
    (this.appender as ChunkedAppender).append(partition, row);
    const slot = this.slots[this.current];
    slot.rows++;
    slot.partitions.add(partition);
    this.totalRows++;
  }

  /** Hands the filled slot to the background writer and switches to the other one. */
  async flush(): Promise<void> {
    const slot = this.slots[this.current];
    if (slot.rows === 0) return;
    this.appender?.close();
    this.appender = undefined;
    // The query is fixed now: the dictionaries may grow while the job waits, never shrink.
    const select = outputSelect(slot.name, this.spec, this.dictionaries);
    slot.idle = this.shared.queue.enqueue(() => this.write(slot, select, this.flushes++));
    this.current = this.current === 0 ? 1 : 0;
    await this.openAppender();
  }

  private async write(slot: Slot, select: string, flush: number): Promise<void> {
    const { writeConnection, lakeDir } = this.shared;
    const tableDir = join(lakeDir, this.spec.name);
    await writeConnection.run(
      `COPY (${select}) TO ${sqlString(tableDir)} (FORMAT PARQUET, COMPRESSION snappy, ` +
        `PARTITION_BY ("${this.spec.partitionColumn}"), OVERWRITE_OR_IGNORE, FILENAME_PATTERN 'data_${flush}_{i}')`,
    );
    for (const partition of slot.partitions) this.partitions.add(partition);
    await writeConnection.run(`DELETE FROM ${slot.name}`);
    slot.partitions.clear();
    slot.rows = 0;
  }

  /** Queues _SUCCESS for every partition up to `upTo` (compared as strings) written by then. */
  markComplete(upTo: string): void {
    void this.shared.queue.enqueue(async () => {
      const whole = [...this.partitions].filter((partition) => partition <= upTo && !this.completed.has(partition));
      const tableDir = join(this.shared.lakeDir, this.spec.name);
      await markPartitionsComplete(
        whole.map((partition) => join(tableDir, `${this.spec.partitionColumn}=${partition}`)),
      );
      for (const partition of whole) this.completed.add(partition);
    });
  }

  /**
   * Queues empty, complete partitions for values that received no rows (a quiet day at a tiny
   * scale): a whole partition with nothing in it, not one that is still loading.
   */
  ensurePartitions(values: readonly string[]): void {
    void this.shared.queue.enqueue(async () => {
      const tableDir = join(this.shared.lakeDir, this.spec.name);
      const missing = values.filter((value) => !this.partitions.has(value));
      const folders = missing.map((value) => join(tableDir, `${this.spec.partitionColumn}=${value}`));
      await Promise.all(folders.map((folder) => mkdir(folder, { recursive: true })));
      for (const value of missing) this.partitions.add(value);
    });
  }

  close(): void {
    this.appender?.close();
    this.appender = undefined;
  }
}
