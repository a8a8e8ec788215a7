// Feeds a DuckDB appender whole data chunks instead of single cells: numbers (and the integer
// codes of dictionary-coded strings) then travel as typed arrays, one copy per chunk, instead
// of one native call per cell. This is the generator's hot path.
import { DOUBLE, type DuckDBAppender, DuckDBDataChunk, type DuckDBType, INTEGER, VARCHAR } from '@duckdb/node-api';
import { type Dictionaries, type Dictionary, PARTITION_KEY, type StagingType, stagingType } from './staging.ts';
import type { CellValue, ColumnSpec, LakeRow, TableSpec } from './table-schemas.ts';

type Encoder = (value: CellValue) => string | number | null;

function encoder(column: ColumnSpec, dictionaries: Dictionaries): Encoder {
  if (stagingType(column) !== 'CODE') return (value) => value;
  const dictionary = dictionaries.get(column.name) as Dictionary;
  return (value) => (value === null ? null : dictionary.code(String(value)));
}

function duckdbType(type: StagingType): DuckDBType {
  if (type === 'VARCHAR') return VARCHAR;
  if (type === 'DOUBLE') return DOUBLE;
  return INTEGER;
}

/** DuckDB's vector size: a data chunk holds at most this many rows. */
const CHUNK_ROWS = 2048;

/** Collects rows column by column, one chunk at a time, in staging order (partition first). */
export class ChunkedAppender {
  private readonly names: readonly string[];
  private readonly encoders: readonly Encoder[];
  private readonly types: readonly DuckDBType[];
  private readonly partitions: Dictionary;
  private columns: (string | number | null)[][] = [];
  private rows = 0;

  constructor(
    private readonly appender: DuckDBAppender,
    spec: TableSpec,
    dictionaries: Dictionaries,
  ) {
    this.names = spec.columns.map((column) => column.name);
    this.encoders = spec.columns.map((column) => encoder(column, dictionaries));
    this.types = [INTEGER, ...spec.columns.map((column) => duckdbType(stagingType(column)))];
    this.partitions = dictionaries.get(PARTITION_KEY) as Dictionary;
    this.reset();
  }

  private reset(): void {
    this.columns = this.types.map(() => new Array(CHUNK_ROWS));
    this.rows = 0;
  }

  append(partition: string, row: LakeRow): void {
    const at = this.rows;
    (this.columns[0] as unknown[])[at] = this.partitions.code(partition);
    for (let i = 0; i < this.names.length; i++) {
      (this.columns[i + 1] as unknown[])[at] = (this.encoders[i] as Encoder)(row[this.names[i] as string] ?? null);
    }
    this.rows = at + 1;
    if (this.rows === CHUNK_ROWS) this.flushChunk();
  }

  private flushChunk(): void {
    if (this.rows === 0) return;
    const chunk = DuckDBDataChunk.create(this.types, this.rows);
    const rows = this.rows;
    for (const [i, values] of this.columns.entries())
      chunk.setColumnValues(i, rows === CHUNK_ROWS ? values : values.slice(0, rows));
    this.appender.appendDataChunk(chunk);
    this.reset();
  }

  /** Hands over the last partial chunk and closes the appender (its rows become visible). */
  close(): void {
    this.flushChunk();
    this.appender.closeSync();
  }
}
