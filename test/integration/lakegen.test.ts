// The synthetic porting lake: generated into a temp folder, then checked with plain DuckDB SQL
// written here, independent of the generator's internals, against data-contract.md (layout,
// columns, types, markers) and domain.md (the published trial shares, the 1.8 % port-out rate).
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_LAKE_RANGE,
  type GenerateLakeSummary,
  generateLake,
  LakeDirNotUsableError,
  LakeGenOptionsError,
} from '#lakegen/generate-lake.ts';
import { channels, dissatisfactionCategories, operators, provinces } from '#reference/index.ts';

const TABLES = ['port_requests', 'exit_reasons', 'usage_monthly', 'subscriber_base'] as const;
type Table = (typeof TABLES)[number];

/** Column types as data-contract.md states them, in DuckDB's words. */
const CONTRACT_TYPES: Record<Table, Record<string, string>> = {
  port_requests: {
    port_id: 'VARCHAR',
    msisdn_hash: 'VARCHAR',
    province_code: 'VARCHAR',
    donor_operator: 'VARCHAR',
    recipient_operator: 'VARCHAR',
    status: 'VARCHAR',
    reject_reason: 'VARCHAR',
    requested_at: 'TIMESTAMP',
    completed_at: 'TIMESTAMP',
    channel: 'VARCHAR',
    tenure_months: 'INTEGER',
    plan_code: 'VARCHAR',
    monthly_fee_cny: 'DECIMAL(10,2)',
    updated_at: 'TIMESTAMP',
  },
  exit_reasons: {
    response_id: 'VARCHAR',
    port_id: 'VARCHAR',
    msisdn_hash: 'VARCHAR',
    province_code: 'VARCHAR',
    operator_code: 'VARCHAR',
    category_code: 'VARCHAR',
    subcategory_code: 'VARCHAR',
    collected_at: 'TIMESTAMP',
    channel: 'VARCHAR',
    verbatim: 'VARCHAR',
  },
  usage_monthly: {
    msisdn_hash: 'VARCHAR',
    province_code: 'VARCHAR',
    operator_code: 'VARCHAR',
    plan_code: 'VARCHAR',
    plan_fee_cny: 'DECIMAL(10,2)',
    data_allowance_mb: 'BIGINT',
    data_used_mb: 'BIGINT',
    voice_allowance_min: 'INTEGER',
    voice_used_min: 'INTEGER',
  },
  subscriber_base: { province_code: 'VARCHAR', operator_code: 'VARCHAR', subscribers: 'BIGINT' },
};

const PARTITION: Record<Table, { column: string; pattern: RegExp }> = {
  port_requests: { column: 'dt', pattern: /^dt=\d{4}-\d{2}-\d{2}$/ },
  exit_reasons: { column: 'dt', pattern: /^dt=\d{4}-\d{2}-\d{2}$/ },
  usage_monthly: { column: 'month', pattern: /^month=\d{4}-\d{2}$/ },
  subscriber_base: { column: 'month', pattern: /^month=\d{4}-\d{2}$/ },
};

/** The published trial table (domain.md), in percent. */
const TRIAL_SHARES = {
  CMCC: { out: 57.6, in: 28.1 },
  CUCC: { out: 26.1, in: 22.6 },
  CTCC: { out: 16.3, in: 49.3 },
};

const sqlList = (codes: readonly string[]) => codes.map((code) => `'${code}'`).join(', ');
const PROVINCES = sqlList(provinces.map((p) => p.code));
const OPERATORS = sqlList(operators.map((o) => o.code));
const STATUSES = sqlList(channels.statuses);
const CATEGORIES = sqlList(dissatisfactionCategories.map((c) => c.code));

/** The quarantine of data-contract.md ("Bad input"), first matching rule wins, per table. */
const QUARANTINE: Record<Table, string> = {
  port_requests: `CASE
    WHEN port_id IS NULL OR msisdn_hash IS NULL OR province_code IS NULL THEN 'missing_key'
    WHEN province_code NOT IN (${PROVINCES}) OR donor_operator NOT IN (${OPERATORS})
      OR recipient_operator NOT IN (${OPERATORS}) OR status NOT IN (${STATUSES}) THEN 'unknown_code'
    WHEN (status = 'completed' AND completed_at IS NULL) OR completed_at < requested_at THEN 'malformed_timestamp'
    WHEN monthly_fee_cny < 0 OR tenure_months < 0 THEN 'negative_value'
    WHEN donor_operator = recipient_operator THEN 'donor_equals_recipient' END`,
  exit_reasons: `CASE
    WHEN response_id IS NULL OR msisdn_hash IS NULL OR province_code IS NULL THEN 'missing_key'
    WHEN province_code NOT IN (${PROVINCES}) OR operator_code NOT IN (${OPERATORS})
      OR category_code NOT IN (${CATEGORIES}) THEN 'unknown_code' END`,
  usage_monthly: `CASE
    WHEN msisdn_hash IS NULL OR province_code IS NULL THEN 'missing_key'
    WHEN province_code NOT IN (${PROVINCES}) OR operator_code NOT IN (${OPERATORS}) THEN 'unknown_code'
    WHEN plan_fee_cny < 0 OR data_used_mb < 0 OR voice_used_min < 0 THEN 'negative_value' END`,
  subscriber_base: `CASE
    WHEN province_code IS NULL OR operator_code IS NULL THEN 'missing_key'
    WHEN province_code NOT IN (${PROVINCES}) OR operator_code NOT IN (${OPERATORS}) THEN 'unknown_code'
    WHEN subscribers < 0 THEN 'negative_value' END`,
};

let instance: DuckDBInstance;
let connection: DuckDBConnection;
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mnp-lakegen-'));
  tempDirs.push(dir);
  return dir;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJson();
}

/** A table of a lake, partition column included as text (not guessed as a DATE). */
const scan = (lakeDir: string, table: Table) =>
  `read_parquet('${join(lakeDir, table)}/*/*.parquet', hive_types_autocast = false)`;

/** Every row of every table, sorted and hashed: equal hashes, equal lakes. */
async function lakeHash(lakeDir: string): Promise<string> {
  const hashes: string[] = [];
  for (const table of TABLES) {
    const [row] = await query(
      `SELECT md5(string_agg(CAST(t AS VARCHAR), chr(10) ORDER BY CAST(t AS VARCHAR))) AS h FROM ${scan(lakeDir, table)} t`,
    );
    hashes.push(String(row?.['h']));
  }
  return hashes.join('/');
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run('SET autoinstall_known_extensions = false');
  await connection.run("SET TimeZone = 'UTC'");
});

afterAll(async () => {
  connection?.closeSync();
  instance?.closeSync();
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the synthetic porting lake (default range, scale 0.3)', () => {
  let lakeDir: string;
  let summary: GenerateLakeSummary;

  beforeAll(async () => {
    // Prepare
    lakeDir = await tempDir();
    // Act
    summary = await generateLake({ lakeDir, ...DEFAULT_LAKE_RANGE, seed: 2019, scale: 0.3 });
  });

  it('writes one folder per table of Hive partitions, each with Parquet files and an empty _SUCCESS', async () => {
    for (const table of TABLES) {
      // Act
      const folders = await readdir(join(lakeDir, table));
      // Assess
      expect(folders.length).toBeGreaterThan(0);
      expect(folders.length).toBe(summary.tables[table].partitions);
      for (const folder of folders) {
        expect(folder).toMatch(PARTITION[table].pattern);
        const files = await readdir(join(lakeDir, table, folder));
        expect(files).toContain('_SUCCESS');
        expect((await stat(join(lakeDir, table, folder, '_SUCCESS'))).size).toBe(0);
        const dataFiles = files.filter((file) => file !== '_SUCCESS');
        expect(dataFiles.length).toBeGreaterThan(0);
        for (const file of dataFiles) expect(file).toMatch(/^[^_.].*\.parquet$/);
      }
    }
  });

  it('partitions port requests by every Beijing day of the range', async () => {
    // Act
    const folders = await readdir(join(lakeDir, 'port_requests'));
    // Assess
    expect(folders.length).toBe(214);
    expect(folders.sort()[0]).toBe('dt=2019-06-01');
    expect(folders.sort().at(-1)).toBe('dt=2019-12-31');
  });

  it('keeps the partition column out of the files and writes the contract columns and types', async () => {
    for (const table of TABLES) {
      // Act
      const described = await query(
        `DESCRIBE SELECT * FROM read_parquet('${join(lakeDir, table)}/*/*.parquet', hive_partitioning = false)`,
      );
      // Assess
      const types = Object.fromEntries(
        described.map((row) => [String(row['column_name']), String(row['column_type'])]),
      );
      expect(types).toEqual(CONTRACT_TYPES[table]);
      expect(types).not.toHaveProperty(PARTITION[table].column);
    }
  });

  it('files each request under the Beijing date of its UTC requested_at', async () => {
    // Act
    const [row] = await query(
      `SELECT count(*) AS misfiled FROM ${scan(lakeDir, 'port_requests')}
       WHERE strftime(requested_at + INTERVAL 8 HOUR, '%Y-%m-%d') <> dt`,
    );
    // Assess
    expect(Number(row?.['misfiled'])).toBe(0);
  });

  // The generator's own check of domain.md's trial shares (formerly also test/integration/
  // sample-lake-shares.test.ts, which went through the product's flow query with a hand-made plan).
  it('reproduces the published trial shares over the deduplicated valid completed ports', async () => {
    // Act
    const shares = await query(`
      WITH valid AS (SELECT * FROM ${scan(lakeDir, 'port_requests')} WHERE ${QUARANTINE.port_requests} IS NULL),
      latest AS (SELECT *, row_number() OVER (PARTITION BY port_id ORDER BY updated_at DESC) AS version FROM valid),
      completed AS (SELECT * FROM latest WHERE version = 1 AND status = 'completed')
      SELECT o.operator,
        100.0 * (SELECT count(*) FROM completed WHERE donor_operator = o.operator) / (SELECT count(*) FROM completed) AS out_share,
        100.0 * (SELECT count(*) FROM completed WHERE recipient_operator = o.operator) / (SELECT count(*) FROM completed) AS in_share
      FROM (VALUES ('CMCC'), ('CUCC'), ('CTCC'), ('CBN')) o(operator)`);
    // Assess
    const byOperator = Object.fromEntries(shares.map((row) => [String(row['operator']), row]));
    for (const [operator, expected] of Object.entries(TRIAL_SHARES)) {
      expect(Math.abs(Number(byOperator[operator]?.['out_share']) - expected.out)).toBeLessThan(0.1);
      expect(Math.abs(Number(byOperator[operator]?.['in_share']) - expected.in)).toBeLessThan(0.1);
    }
    expect(Number(byOperator['CBN']?.['out_share'])).toBe(0);
  });

  it("makes the completed ports 1.8 % of the first month's subscriber base", async () => {
    // Act
    const [row] = await query(`
      WITH valid AS (SELECT * FROM ${scan(lakeDir, 'port_requests')} WHERE ${QUARANTINE.port_requests} IS NULL),
      latest AS (SELECT *, row_number() OVER (PARTITION BY port_id ORDER BY updated_at DESC) AS version FROM valid)
      SELECT 100.0 * (SELECT count(*) FROM latest WHERE version = 1 AND status = 'completed')
        / (SELECT sum(subscribers) FROM ${scan(lakeDir, 'subscriber_base')}
           WHERE "month" = '2019-06' AND ${QUARANTINE.subscriber_base} IS NULL) AS rate`);
    // Assess
    expect(Math.abs(Number(row?.['rate']) - 1.8)).toBeLessThan(0.05);
  });

  it('covers all 31 provinces in every table', async () => {
    for (const table of TABLES) {
      // Act
      const rows = await query(
        `SELECT DISTINCT province_code FROM ${scan(lakeDir, table)} WHERE ${QUARANTINE[table]} IS NULL ORDER BY 1`,
      );
      // Assess
      expect(rows.map((row) => row['province_code'])).toEqual(provinces.map((p) => p.code).sort());
    }
  });

  it('writes every kind of bad row, exactly as many as the summary reports', async () => {
    // Act
    const counted: Record<string, number> = {};
    for (const table of TABLES) {
      const rows = await query(
        `SELECT ${QUARANTINE[table]} AS reason, count(*) AS n FROM ${scan(lakeDir, table)} GROUP BY 1 HAVING reason IS NOT NULL`,
      );
      for (const row of rows) counted[String(row['reason'])] = (counted[String(row['reason'])] ?? 0) + Number(row['n']);
    }
    // Assess
    expect(counted).toEqual(summary.badRows);
    for (const kind of [
      'unknown_code',
      'missing_key',
      'malformed_timestamp',
      'negative_value',
      'donor_equals_recipient',
    ]) {
      expect(counted[kind]).toBeGreaterThanOrEqual(5);
    }
  });

  it('keeps the bad rows a small share of each table', async () => {
    for (const table of ['port_requests', 'exit_reasons', 'usage_monthly'] as const) {
      // Act
      const [row] = await query(
        `SELECT avg(CASE WHEN ${QUARANTINE[table]} IS NULL THEN 0 ELSE 1 END) AS share FROM ${scan(lakeDir, table)}`,
      );
      // Assess
      expect(Number(row?.['share'])).toBeGreaterThan(0.0005);
      expect(Number(row?.['share'])).toBeLessThan(0.005);
    }
  });
});

describe('generating the same lake again', () => {
  const options = { from: '2019-11-20', to: '2019-12-05', scale: 0.3 };

  it('gives the same rows for the same seed, over an existing lake, and other rows for another seed', async () => {
    // Prepare
    const first = await tempDir();
    const other = await tempDir();
    // Act
    await generateLake({ lakeDir: first, ...options, seed: 7 });
    const firstHash = await lakeHash(first);
    await generateLake({ lakeDir: first, ...options, seed: 7 });
    const againHash = await lakeHash(first);
    await generateLake({ lakeDir: other, ...options, seed: 8 });
    const otherHash = await lakeHash(other);
    // Assess
    expect(againHash).toBe(firstHash);
    expect(otherHash).not.toBe(firstHash);
  });
});

describe('the target folder', () => {
  it('refuses a non-empty folder that does not look like a lake', async () => {
    // Prepare
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.txt'), 'not a lake');
    // Act
    const generating = generateLake({ lakeDir: dir, from: '2019-06-01', to: '2019-06-02', seed: 1, scale: 0.1 });
    // Assess
    await expect(generating).rejects.toBeInstanceOf(LakeDirNotUsableError);
    expect(await readdir(dir)).toEqual(['notes.txt']);
  });

  it('refuses a range that ends before it starts, before touching the disk', async () => {
    // Prepare
    const dir = join(await tempDir(), 'lake');
    // Act
    const generating = generateLake({ lakeDir: dir, from: '2019-12-31', to: '2019-06-01', seed: 1, scale: 1 });
    // Assess
    await expect(generating).rejects.toBeInstanceOf(LakeGenOptionsError);
    await expect(stat(dir)).rejects.toThrow();
  });
});
