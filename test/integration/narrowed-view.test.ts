// A raw view narrowed for one statement (DuckDbEngine.withNarrowedView, used by the curate's
// leavers' usage): the statement sees only the rows the predicate keeps, and the view is bound
// over all its rows again afterwards, also when the statement fails.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { usageRowOf } from '../support/fixture-rows.ts';
import { writePartition } from '../support/lake-writer.ts';

let lakeDir: string;

const OCTOBER = { usage_from_month: '2019-10', usage_to_month: '2019-10' };

async function usageRows(connection: DuckDBConnection): Promise<string[]> {
  const reader = await connection.runAndReadAll('SELECT msisdn_hash FROM usage_monthly ORDER BY msisdn_hash');
  return reader.getRows().map(([hash]) => String(hash));
}

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-narrowed-view-'));
  await writePartition(
    lakeDir,
    'usage_monthly',
    '2019-10',
    ['aa', 'bb', 'cc'].map((hash) => usageRowOf(hash)),
  );
});

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('a raw view narrowed for one statement', () => {
  it('shows the statement the rows the predicate keeps, then all of them again', async () => {
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      const seen: string[][] = [];
      await engine.runStatements(OCTOBER, async (connection) => {
        seen.push(await usageRows(connection));
        seen.push(
          await engine.withNarrowedView('usage_monthly', "msisdn_hash IN ('aa', 'cc')", () => usageRows(connection)),
        );
        seen.push(await usageRows(connection));
      });
      expect(seen).toEqual([
        ['aa', 'bb', 'cc'],
        ['aa', 'cc'],
        ['aa', 'bb', 'cc'],
      ]);
    } finally {
      await engine.close();
    }
  });

  it('binds the view over all its rows again when the statement fails', async () => {
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      let after: string[] = [];
      await engine.runStatements(OCTOBER, async (connection) => {
        await expect(
          engine.withNarrowedView('usage_monthly', "msisdn_hash = 'bb'", () =>
            connection.run('SELECT no_such_column FROM usage_monthly'),
          ),
        ).rejects.toThrow(/no_such_column/);
        after = await usageRows(connection);
      });
      expect(after).toEqual(['aa', 'bb', 'cc']);
    } finally {
      await engine.close();
    }
  });

  it('refuses a table whose view the statements have not bound', async () => {
    const engine = await DuckDbEngine.open({ lakeDir });
    try {
      await expect(engine.withNarrowedView('usage_monthly', 'true', async () => 0)).rejects.toThrow(
        /no view of usage_monthly is bound/,
      );
    } finally {
      await engine.close();
    }
  });
});
