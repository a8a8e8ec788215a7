// The statements the SQL writer sends, for both dialects: a staging table per curated table over
// <curated>/_staging/<table>/, INSERT of the build text with its values bound as parameters
// (ExecutionParameters in Athena), the staging table dropped; Trino also creates the curated
// tables and syncs their partitions. And AthenaEngine.execute sends the values as ExecutionParameters.
import { describe, expect, it } from 'vitest';
import type { CurationObjects } from '#adapters/curation/curation-run.ts';
import { type CuratedSqlEngine, curatedTableDdl, curateWithSql } from '#adapters/curation/sql-curator.ts';
import { AthenaEngine } from '#adapters/engine/athena.ts';
import { CURATED_TABLES, curatedTable } from '#core/curated-tables.ts';
import { type RawListing, type UnitRecord, unitKey } from '#core/curation.ts';
import type { SqlValue } from '#sql/catalog.ts';

const stamp = (name: string) => ({ name, size: 10, version: '1' });
const RAW: RawListing = {
  port_requests: [{ value: '2019-11-25', files: [stamp('a.parquet'), stamp('_SUCCESS')] }],
  exit_reasons: [{ value: '2019-11-25', files: [stamp('e.parquet'), stamp('_SUCCESS')] }],
  usage_monthly: [{ value: '2019-10', files: [stamp('u.parquet'), stamp('_SUCCESS')] }],
};

function memoryObjects(): CurationObjects & { records: Map<string, UnitRecord>; moved: string[] } {
  const records = new Map<string, UnitRecord>();
  const moved: string[] = [];
  return {
    records,
    moved,
    listRaw: async () => RAW,
    readRecords: async () => new Map(records),
    writeRecord: async (record) => {
      records.set(`${record.unit.kind}/${unitKey(record.unit)}`, record);
    },
    removeRecord: async () => {},
    removePartition: async () => {},
    replacePartition: async (staging, table, partition) => {
      moved.push(`${staging}/${table}/${partition} -> ${table}/${partition}`);
    },
    removeStaging: async () => {},
    ensureFolders: async () => {},
    curatedUnits: async () => [],
  };
}

function recordingEngine(dialect: CuratedSqlEngine['dialect']) {
  const statements: { sql: string; values: readonly SqlValue[] }[] = [];
  const engine: CuratedSqlEngine = {
    dialect,
    execute: async (sql, values = []) => {
      statements.push({ sql, values });
    },
  };
  return { engine, statements };
}

describe('curatedTableDdl', () => {
  it('gives Trino an external Parquet table partitioned by its raw partition column', () => {
    const ddl = curatedTableDdl('trino', 'hive.lake', curatedTable('usage_quality'), 'local:///tmp/c/usage_quality');
    expect(ddl).toBe(
      'CREATE TABLE IF NOT EXISTS "hive"."lake"."usage_quality" (\n  "province_code" VARCHAR,\n  "outcome" VARCHAR,\n  "row_count" BIGINT,\n  "month" VARCHAR\n)\n' +
        "WITH (format = 'PARQUET', external_location = 'local:///tmp/c/usage_quality', partitioned_by = ARRAY['month'])",
    );
  });

  it("gives Athena Hive's DDL with Hive types", () => {
    const ddl = curatedTableDdl(
      'athena',
      'mnp_lake',
      curatedTable('port_requests_current'),
      's3://b/curated/port_requests_current',
    );
    expect(ddl).toContain('CREATE EXTERNAL TABLE IF NOT EXISTS `mnp_lake`.`port_requests_current` (');
    expect(ddl).toContain('`monthly_fee_cny` decimal(12,2)');
    expect(ddl).toContain('`requested_at` timestamp');
    expect(ddl).toContain('PARTITIONED BY (`dt` string)\nSTORED AS PARQUET');
    expect(ddl).toContain("LOCATION 's3://b/curated/port_requests_current'");
  });

  it('refuses a schema or location that is not plain', () => {
    const table = curatedTable('usage_quality');
    expect(() => curatedTableDdl('trino', 'lake', table, 'local:///x')).toThrow(/catalog\.schema/);
    expect(() => curatedTableDdl('athena', 'a.b', table, 's3://b/x')).toThrow(/Glue database/);
    expect(() => curatedTableDdl('athena', 'lake', table, "s3://b/x'; DROP")).toThrow(/not a location/);
    expect(() => curatedTableDdl('athena', 'lake', table, '/tmp/x')).toThrow(/not a location/);
  });
});

describe.each(['athena', 'trino'] as const)('curateWithSql on %s', (dialect) => {
  const schema = dialect === 'trino' ? 'hive.lake' : 'lake';

  it('stages, inserts with bound values, drops, moves, then records', async () => {
    const { engine, statements } = recordingEngine(dialect);
    const objects = memoryObjects();
    const summary = await curateWithSql({ engine, objects, schema, curatedLocation: 's3://bucket/curated/' });
    expect(summary.built).toEqual({ requests: 1, exits: 1, usage: 1 });
    expect(summary.stale).toBe(0);

    const inserts = statements.filter((statement) => statement.sql.startsWith('INSERT INTO'));
    expect(inserts).toHaveLength(CURATED_TABLES.length);
    for (const insert of inserts) {
      // values travel as parameters, never in the text
      expect(insert.values.length).toBeGreaterThan(0);
      expect(insert.sql).toContain('?');
      expect(insert.sql).not.toContain('2019-11-25');
      expect(insert.sql).toMatch(/^INSERT INTO (?:"hive"\.)?"lake"\."[a-z_]+_staging" \(/);
    }
    const requestsInsert = inserts.find((insert) => insert.sql.includes('port_requests_current_staging'))!;
    expect(requestsInsert.values).toContain('2019-11-25');
    expect(requestsInsert.sql).not.toMatch(/\{\{|curated_port_requests_placed/); // fragments inlined, no temp tables
    const exitsInsert = inserts.find((insert) => insert.sql.includes('exit_answers_superseded_staging'))!;
    expect(exitsInsert.values).toContain('2019-11-25');
    expect(exitsInsert.sql).not.toMatch(/\{\{|curated_exit_answers_chained/);

    // Each staging table: dropped if left over, created over the staging folder, filled, dropped.
    const table = 'flows_daily';
    const own = statements
      .map((statement) => statement.sql)
      .filter((sql) => sql.includes(`"${table}_staging"`) || sql.includes(`\`${table}_staging\``));
    expect(own.map((sql) => sql.split(/\s+/, 2).join(' '))).toEqual([
      'DROP TABLE',
      `CREATE ${dialect === 'trino' ? 'TABLE' : 'EXTERNAL'}`,
      'INSERT INTO',
      'DROP TABLE',
    ]);
    expect(own[1]).toMatch(new RegExp(`'s3://bucket/curated/_staging/${table}'`));

    expect(
      objects.moved.some((move) =>
        /^_staging\/usage_quality\/month=2019-10 -> usage_quality\/month=2019-10$/.test(move),
      ),
    ).toBe(true);
    // a request day's spread partition goes in last: a curate stopped between two swaps never
    // leaves it newer than the others (the DuckDB writer's spread check trusts it for the unit)
    const requestSwaps = objects.moved.filter(
      (move) => move.endsWith('dt=2019-11-25') && move.includes('port_requests'),
    );
    expect(requestSwaps.at(-1)).toMatch(/-> port_requests_spread\/dt=2019-11-25$/);
    expect(requestSwaps).toHaveLength(3);
    expect([...objects.records.keys()].sort()).toEqual([
      'exits/dt=2019-11-25',
      'requests/dt=2019-11-25',
      'usage/month=2019-10',
    ]);

    const curatedDdl = statements.filter((statement) =>
      /^CREATE TABLE IF NOT EXISTS "hive"."lake"."[a-z_]+(?<!_staging)" \(/.test(statement.sql),
    );
    const syncs = statements.filter((statement) => statement.sql.includes('sync_partition_metadata'));
    expect(curatedDdl).toHaveLength(dialect === 'trino' ? CURATED_TABLES.length : 0);
    expect(syncs).toHaveLength(dialect === 'trino' ? CURATED_TABLES.length : 0);
  });

  it('records nothing for a batch whose INSERT failed', async () => {
    const objects = memoryObjects();
    const engine: CuratedSqlEngine = {
      dialect,
      execute: async (sql) => {
        if (sql.startsWith('INSERT INTO') && sql.includes('usage_quality')) throw new Error('engine down');
      },
    };
    await expect(curateWithSql({ engine, objects, schema, curatedLocation: 's3://bucket/curated/' })).rejects.toThrow(
      'engine down',
    );
    expect([...objects.records.keys()]).toEqual(['requests/dt=2019-11-25', 'exits/dt=2019-11-25']);
  });
});

describe('AthenaEngine.execute', () => {
  it('starts the statement with ExecutionParameters, waits for it, reads no rows', async () => {
    const sent: { name: string; input: Record<string, unknown> }[] = [];
    const client = {
      send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        if (command.constructor.name === 'StartQueryExecutionCommand') return { QueryExecutionId: 'q-1' };
        return { QueryExecution: { Status: { State: 'SUCCEEDED' } } };
      },
    };
    const engine = new AthenaEngine({
      client: client as never,
      workGroup: 'wg',
      database: 'lake',
      sleep: async () => {},
    });
    await engine.execute('INSERT INTO "lake"."t" (a) SELECT ? AS a', ["it's", 3]);
    expect(sent.map((call) => call.name)).toEqual(['StartQueryExecutionCommand', 'GetQueryExecutionCommand']);
    expect(sent[0]!.input).toMatchObject({
      QueryString: 'INSERT INTO "lake"."t" (a) SELECT ? AS a',
      WorkGroup: 'wg',
      ExecutionParameters: ["'it''s'", '3'],
    });
    expect(sent[0]!.input.ResultReuseConfiguration).toBeUndefined();
    expect(engine.queryCount).toBe(1);
  });
});
