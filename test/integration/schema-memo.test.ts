// The raw files' schemas a curate remembers (functions/adapters/engine/schema-memo.ts): a later
// curate reads the footers of new or changed files only, still checks every file against the
// contract, and a memo that cannot be read is no memo.
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { SCHEMA_MEMO_FILE } from '#adapters/engine/schema-memo.ts';
import { LakeError } from '#core/errors.ts';
import type { QueryParameters } from '#core/ports.ts';
import { exitAnswerOn as answer, completedPortOn as port } from '../support/fixture-rows.ts';
import { writePartition } from '../support/lake-writer.ts';

let lakeDir: string;
let curatedDir: string;
let memoFile: string;

/** Every raw file of the lake, bound as a curate of its three days would bind them. */
const ALL_DAYS: QueryParameters = {
  requests_from_dt: '2019-11-25',
  requests_to_dt: '2019-11-27',
  exits_from_dt: '2019-11-25',
  exits_to_dt: '2019-11-27',
};

/** Opens an engine with the curate's memo, binds every raw file, and says how many footers it read. */
async function footersReadBinding(options: { forget?: boolean } = {}): Promise<number> {
  const engine = await DuckDbEngine.open({ lakeDir, schemaMemo: { file: memoFile, ...options } });
  try {
    await engine.runStatements(ALL_DAYS, async () => {});
    return engine.footersRead;
  } finally {
    await engine.close();
  }
}

beforeEach(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-schema-memo-'));
  curatedDir = join(lakeDir, '_curated');
  memoFile = join(curatedDir, SCHEMA_MEMO_FILE);
  for (const day of ['2019-11-25', '2019-11-26', '2019-11-27']) {
    await writePartition(lakeDir, 'port_requests', day, [port(`P-${day}`, day)]);
    await writePartition(lakeDir, 'exit_reasons', day, [answer(`R-${day}`, day)]);
  }
  await curateLake({ lakeDir, curatedDir });
});

afterEach(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('the raw files’ schemas a curate remembers', () => {
  it('spare the next engine every footer it has read, and not a new file’s', async () => {
    const memo = JSON.parse(await readFile(memoFile, 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(memo.files).sort()).toEqual([
      'exit_reasons/dt=2019-11-25/part-0.parquet',
      'exit_reasons/dt=2019-11-26/part-0.parquet',
      'exit_reasons/dt=2019-11-27/part-0.parquet',
      'port_requests/dt=2019-11-25/part-0.parquet',
      'port_requests/dt=2019-11-26/part-0.parquet',
      'port_requests/dt=2019-11-27/part-0.parquet',
    ]);
    expect(await footersReadBinding()).toBe(0);
    await writePartition(lakeDir, 'port_requests', '2019-11-27', [port('P-late', '2019-11-27')], {
      fileName: 'part-1.parquet',
    });
    expect(await footersReadBinding()).toBe(1);
    // ...and remembered in turn.
    expect(await footersReadBinding()).toBe(0);
  });

  it('do not pass a file changed since: its drift is still caught, by name', async () => {
    const drifted = await writePartition(lakeDir, 'port_requests', '2019-11-26', [port('P-2019-11-26', '2019-11-26')], {
      columnTypes: { tenure_months: 'VARCHAR' },
    });
    // The stamp is size and modification time: move the time on, whatever the size.
    const later = new Date(Date.now() + 5_000);
    await utimes(drifted, later, later);
    const binding = footersReadBinding();
    await expect(binding).rejects.toBeInstanceOf(LakeError);
    await expect(binding).rejects.toThrow(`${drifted}: column tenure_months is VARCHAR`);
    await expect(curateLake({ lakeDir, curatedDir })).rejects.toThrow(`${drifted}: column tenure_months is VARCHAR`);
  });

  it('are read anew when the memo cannot be read, and written again', async () => {
    await writeFile(memoFile, '{ not json');
    expect(await footersReadBinding()).toBe(6);
    expect(await footersReadBinding()).toBe(0);
  });

  it('are forgotten by a rebuild', async () => {
    expect(await footersReadBinding({ forget: true })).toBe(6);
  });
});
