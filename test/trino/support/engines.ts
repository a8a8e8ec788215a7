// The two engines over one test lake, and rows put in a form where equal means equal figures:
// integers exactly, other numbers to the cent, rows in a stable order.
import { inject } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { TrinoEngine } from '#adapters/engine/trino.ts';
import type { QueryRow } from '#core/ports.ts';
import { TEST_LAKES, type TestLakeName } from './lakes.ts';

/** Why the Trino tests skip here ('' when they run): the global setup decided it, loudly. */
export const trinoSkipReason = inject('trinoSkipReason');

export interface EnginePair {
  readonly lakeDir: string;
  readonly duckdb: DuckDbEngine;
  readonly trino: TrinoEngine;
  close(): Promise<void>;
}

export async function openEngines(lake: TestLakeName): Promise<EnginePair> {
  const lakeDir = inject('trinoLakes')[lake];
  const duckdb = await DuckDbEngine.open({ lakeDir });
  const trino = new TrinoEngine({
    url: inject('trinoUrl'),
    catalog: 'hive',
    schema: TEST_LAKES[lake].schema,
    user: 'mnp-briefings-tests',
  });
  return { lakeDir, duckdb, trino, close: () => duckdb.close() };
}

function comparable(value: string | number | null): string | number | null {
  if (typeof value !== 'number' || Number.isInteger(value)) return value;
  return value.toFixed(2);
}

export function comparableRows(rows: readonly QueryRow[]): Record<string, string | number | null>[] {
  return rows
    .map((row) =>
      Object.fromEntries(
        Object.keys(row)
          .sort()
          .map((key) => [key, comparable(row[key] ?? null)]),
      ),
    )
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}
