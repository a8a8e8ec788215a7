// The SQL writer of the curated layer on a real Trino: every curated table it writes holds, row
// for row and column for column, what the DuckDB writer (curateLake) writes for the same lake;
// a second curate builds nothing; a changed raw file rebuilds its unit and its neighbours only;
// a writer out of time stops between batches and records nothing it did not build.
import { cp, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { curatedDataFiles } from '#adapters/curation/curated-files.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { fsCurationObjects } from '#adapters/curation/fs-curation-objects.ts';
import { curateWithSql, planSqlCuration } from '#adapters/curation/sql-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { TrinoEngine } from '#adapters/engine/trino.ts';
import { runTrinoStatement } from '#adapters/engine/trino-http.ts';
import { registerLakeTables } from '#adapters/engine/trino-tables.ts';
import { CURATED_TABLES, type CuratedTable } from '#core/curated-tables.ts';
import { NEIGHBOUR_DAYS } from '#core/curation.ts';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { readsCurated } from '#sql/curated-catalog.ts';
import { runBriefingJson } from './support/briefing-run.ts';
import { comparableRows, trinoSkipReason } from './support/engines.ts';
import { TEST_LAKES, type TestLakeName } from './support/lakes.ts';

const connection = () => ({ url: inject('trinoUrl'), user: 'mnp-briefings-tests', catalog: 'hive', schema: 'default' });

/** A copy of a test lake in its own Trino schema, free to change. */
async function lakeCopy(lake: TestLakeName, root: string, schema: string): Promise<string> {
  const lakeDir = join(root, schema);
  await cp(inject('trinoLakes')[lake], lakeDir, { recursive: true });
  await registerLakeTables(connection(), { catalog: 'hive', schema, lakeLocation: `local://${lakeDir}` });
  return lakeDir;
}

/** Timestamps as both engines print them: Trino keeps .000, DuckDB drops it. */
const plain = (value: unknown) =>
  value === null || value === undefined ? null : String(value).replace(/(\d\d:\d\d:\d\d)\.?0*$/, '$1');

const sortedRows = (rows: (string | null)[][]) => rows.map((row) => JSON.stringify(row)).sort();

async function trinoRows(schema: string, table: CuratedTable): Promise<string[]> {
  const columns = [...table.columns.map(([name]) => name), table.partitionColumn];
  const result = await runTrinoStatement(
    connection(),
    `SELECT ${columns.map((name) => `CAST("${name}" AS VARCHAR)`).join(', ')} FROM hive.${schema}.${table.name}`,
  );
  return sortedRows(result.rows.map((row) => row.map(plain)));
}

async function duckdbRows(curatedDir: string, table: CuratedTable): Promise<string[]> {
  const files = await curatedDataFiles(curatedDir, table, '0000', '9999');
  if (files.length === 0) return [];
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    // Typed as the DuckDB reader types them (curatedViewSql): the files may hold a wider type.
    const columns = [...table.columns, [table.partitionColumn, 'VARCHAR'] as const];
    const reader = await db.runAndReadAll(
      `SELECT ${columns.map(([name, type]) => `CAST(CAST("${name}" AS ${type}) AS VARCHAR)`).join(', ')} FROM read_parquet([${files
        .map((file) => `'${file}'`)
        .join(', ')}], hive_partitioning = true, hive_types = {'${table.partitionColumn}': VARCHAR})`,
    );
    return sortedRows(reader.getRows().map((row) => row.map(plain)));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const engineFor = (schema: string) =>
  new TrinoEngine({ url: inject('trinoUrl'), catalog: 'hive', schema, user: 'mnp-briefings-tests' });

describe.skipIf(trinoSkipReason !== '')('the curated layer written by Trino', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mnp-sql-curator-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe.each(Object.keys(TEST_LAKES) as TestLakeName[])('on the %s lake', (lake) => {
    const schema = `sqlc_${lake}`;
    let lakeDir: string;
    let sqlCurated: string;
    let duckdbCurated: string;

    beforeAll(async () => {
      lakeDir = await lakeCopy(lake, root, schema);
      sqlCurated = join(root, `${schema}_curated`);
      duckdbCurated = join(root, `${schema}_duckdb`);
      await curateLake({ lakeDir, curatedDir: duckdbCurated });
      await curateWithSql({
        engine: engineFor(schema),
        objects: fsCurationObjects({ lakeDir, curatedDir: sqlCurated }),
        schema: `hive.${schema}`,
        curatedLocation: `local://${sqlCurated}/`,
      });
    }, 600_000);

    it.each(CURATED_TABLES.map((table) => [table.name, table] as const))(
      '%s holds the rows DuckDB writes',
      async (_name, table) => {
        const expected = await duckdbRows(duckdbCurated, table);
        // Rows to compare: every table has some, but spread requests (a version misfiled a day
        // off) are not certain in these lakes, and only the generated lake has answers
        // re-delivered on a later day; their rows are compared when there are any.
        const mayBeEmpty =
          table.name === 'port_requests_spread' || (table.name === 'exit_answers_superseded' && lake === 'handmade');
        if (!mayBeEmpty) expect(expected.length).toBeGreaterThan(0);
        expect(await trinoRows(schema, table)).toEqual(expected);
      },
    );

    it.each(
      (['hq-weekly', 'province-monthly'] as const).flatMap((report) =>
        METRIC_QUERIES.filter(readsCurated).map((name) => [report, name] as const),
      ),
    )('%s %s read from the curated tables gives the raw feed rows', async (report, name) => {
      const period = report === 'hq-weekly' ? TEST_LAKES[lake].week : TEST_LAKES[lake].month;
      const parameters = planQueries(parsePeriod(period), reportDefinition(report).trend).queries[name];
      const curated = new TrinoEngine({
        url: inject('trinoUrl'),
        catalog: 'hive',
        schema,
        user: 'mnp-briefings-tests',
        curated: true,
      });
      const raw = await DuckDbEngine.open({ lakeDir });
      try {
        const expected = await raw.runMetric(name, parameters);
        expect(expected.length).toBeGreaterThan(0);
        expect(comparableRows(await curated.runMetric(name, parameters))).toEqual(comparableRows(expected));
      } finally {
        await raw.close();
      }
    });

    it('builds nothing the second time', async () => {
      const summary = await curateWithSql({
        engine: engineFor(schema),
        objects: fsCurationObjects({ lakeDir, curatedDir: sqlCurated }),
        schema: `hive.${schema}`,
        curatedLocation: `local://${sqlCurated}/`,
      });
      expect(summary.built).toEqual({ requests: 0, exits: 0, usage: 0 });
      expect(summary.fresh).toBeGreaterThan(0);
    });

    it('rebuilds a changed raw partition and its neighbours a week either side, nothing else', async () => {
      const objects = fsCurationObjects({ lakeDir, curatedDir: sqlCurated });
      const partitions = (await objects.listRaw()).port_requests;
      const days = partitions.map((partition) => partition.value);
      // A partition with a data file (some hold only _SUCCESS), in the middle of the lake.
      const withData = partitions.filter((partition) => partition.files.some((f) => f.name !== '_SUCCESS'));
      const changed = withData[Math.floor(withData.length / 2)]!;
      const file = changed.files.find((f) => f.name !== '_SUCCESS')!;
      const later = new Date(Date.now() + 60_000);
      await utimes(join(lakeDir, 'port_requests', `dt=${changed.value}`, file.name), later, later);
      const neighbours = days.filter((day) => {
        const gap = Math.abs(Date.parse(day) - Date.parse(changed.value)) / 86_400_000;
        return gap <= NEIGHBOUR_DAYS;
      });
      expect((await planSqlCuration(objects)).build.map((unit) => unit.value).sort()).toEqual(neighbours.sort());
      const summary = await curateWithSql({
        engine: engineFor(schema),
        objects,
        schema: `hive.${schema}`,
        curatedLocation: `local://${sqlCurated}/`,
      });
      // the SQL writer rebuilds the neighbours too (it does not compare their spread requests)
      expect(summary.built).toEqual({ requests: neighbours.length, exits: 0, usage: 0 });
      expect(summary.kept).toBe(0);
      expect((await planSqlCuration(objects)).build).toEqual([]);
    });
  });

  it('stops between batches when time runs out, recording only what it built', async () => {
    const schema = 'sqlc_cut';
    const lakeDir = await lakeCopy('generated', root, schema);
    const curatedDir = join(root, `${schema}_curated`);
    const objects = fsCurationObjects({ lakeDir, curatedDir });
    const total = (await planSqlCuration(objects)).build.length;
    let calls = 0;
    const summary = await curateWithSql({
      engine: engineFor(schema),
      objects,
      schema: `hive.${schema}`,
      curatedLocation: `local://${curatedDir}/`,
      // Time enough for the first batch only.
      remainingMs: () => (calls++ === 0 ? 3_600_000 : 0),
    });
    expect(summary.batches).toBe(1);
    expect(summary.stale).toBeGreaterThan(0);
    expect(summary.built.requests + summary.built.exits + summary.built.usage + summary.stale).toBe(total);
    const left = (await planSqlCuration(objects)).build;
    expect(left.length).toBe(summary.stale);
    // No curated partition of an unbuilt unit is there.
    const table = CURATED_TABLES.find((candidate) => candidate.follows === 'port_requests')!;
    const built = await trinoRows(schema, table);
    for (const unit of left.filter((candidate) => candidate.kind === 'requests'))
      expect(built.some((row) => row.endsWith(`"${unit.value}"]`))).toBe(false);
  }, 600_000);

  describe.each([
    { lake: 'handmade', report: 'hq-weekly', period: TEST_LAKES.handmade.week, audience: 'hq' },
    { lake: 'generated', report: 'hq-weekly', period: TEST_LAKES.generated.week, audience: 'hq' },
    {
      lake: 'generated',
      report: 'province-monthly',
      period: TEST_LAKES.generated.month,
      audience: TEST_LAKES.generated.province,
    },
  ] as const)('run --engine trino --trino-curated, $report $period ($lake lake)', (run) => {
    const briefing = (lakeDir: string, out: string, engineArgs: readonly string[]) =>
      runBriefingJson(run, lakeDir, out, engineArgs);

    it('writes the briefing.json DuckDB writes', async () => {
      const schema = `sqlc_cli_${run.lake}_${run.report.replace('-', '_')}`;
      const lakeDir = await lakeCopy(run.lake, root, schema);
      const curatedDir = join(root, `${schema}_curated`);
      const duckdb = await briefing(lakeDir, join(root, `${schema}_out_duckdb`), []);
      const trino = await briefing(lakeDir, join(root, `${schema}_out_trino`), [
        '--engine',
        'trino',
        '--trino-url',
        inject('trinoUrl'),
        '--trino-schema',
        schema,
        '--trino-user',
        'mnp-briefings-tests',
        '--trino-curated',
        `local://${curatedDir}`,
      ]);
      expect(trino).toEqual(duckdb);
      // Trino wrote the curated layer it read: a record per raw partition.
      const records = await fsCurationObjects({ lakeDir, curatedDir }).readRecords();
      const raw = await fsCurationObjects({ lakeDir, curatedDir }).listRaw();
      expect(records.size).toBe(raw.port_requests.length + raw.exit_reasons.length + raw.usage_monthly.length);
    }, 600_000);
  });
});
