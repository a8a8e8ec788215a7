// Writes rows into the lake through DuckDB, one TableBuffer per lake table. Memory stays
// bounded by the flush threshold, not by the length of the range or the scale. _SUCCESS goes
// into a partition only once the caller says it is whole.
import { mkdir } from 'node:fs/promises';
import type { DuckDBInstance } from '@duckdb/node-api';
import { JobQueue } from './job-queue.ts';
import { TableBuffer, type WriterContext } from './table-buffer.ts';
import type { LakeRow, LakeTableName, TableSpec } from './table-schemas.ts';

/** Flush a table early once this many rows wait in its staging table. */
export const DEFAULT_FLUSH_ROWS = 500_000;

export class LakeWriter {
  private constructor(
    private readonly shared: WriterContext,
    private readonly buffers: ReadonlyMap<LakeTableName, TableBuffer>,
    private readonly flushRows: number,
  ) {}

  static async open(
    instance: DuckDBInstance,
    lakeDir: string,
    specs: readonly TableSpec[],
    flushRows = DEFAULT_FLUSH_ROWS,
  ): Promise<LakeWriter> {
    const shared: WriterContext = {
      lakeDir,
      appendConnection: await instance.connect(),
      writeConnection: await instance.connect(),
      queue: new JobQueue(),
    };
    await mkdir(lakeDir, { recursive: true });
    const buffers = new Map<LakeTableName, TableBuffer>();
    for (const spec of specs) {
      const buffer = new TableBuffer(spec, shared);
      await buffer.open();
      buffers.set(spec.name, buffer);
    }
    return new LakeWriter(shared, buffers, flushRows);
  }

  private buffer(table: LakeTableName): TableBuffer {
    const buffer = this.buffers.get(table);
    if (!buffer) throw new Error(`LakeWriter: no buffer for table ${table}`);
    return buffer;
  }

  append(table: LakeTableName, partition: string, row: LakeRow): void {
    this.buffer(table).append(partition, row);
  }

  /** Flushes the tables whose staging has grown past the threshold. */
  async flushIfLarge(): Promise<void> {
    for (const buffer of this.buffers.values()) {
      if (buffer.bufferedRows >= this.flushRows) await buffer.flush();
    }
  }

  async flushAll(): Promise<void> {
    for (const buffer of this.buffers.values()) await buffer.flush();
  }

  /** Writes _SUCCESS into the flushed partitions of a table up to a partition value. */
  markComplete(table: LakeTableName, upTo: string): void {
    this.buffer(table).markComplete(upTo);
  }

  /** Makes sure these partitions exist once written, empty if no row went there. */
  ensurePartitions(table: LakeTableName, values: readonly string[]): void {
    this.buffer(table).ensurePartitions(values);
  }

  /** Waits for every background write; raises the first failure. */
  async drain(): Promise<void> {
    await this.shared.queue.drain();
  }

  stats(table: LakeTableName): { rows: number; partitions: number } {
    const buffer = this.buffer(table);
    return { rows: buffer.totalRows, partitions: buffer.partitions.size };
  }

  /** Releases DuckDB resources; after a failure, waits for running jobs first. */
  async close(): Promise<void> {
    for (const buffer of this.buffers.values()) buffer.close();
    await this.shared.queue.drain().catch(() => undefined);
    this.shared.appendConnection.closeSync();
    this.shared.writeConnection.closeSync();
  }
}
