// The Lambda bundles as `cdk synth` builds them (local esbuild, no Docker): no DuckDB in any of
// them, the runtime files each handler reads at the same relative paths, error class names kept
// for the state machine's Retry/Catch, and each bundle loads as an ES module.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import { parsePeriod } from '#core/period.ts';
import { type LakeTable, METRIC_QUERIES } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { prepareRun } from '#core/report-run.ts';
import { UNREACHED_CREDENTIAL_PROVIDERS } from '../../infra/constructs/briefing-function.ts';
import { cannedQueryRows } from '../integration/aws-canned-metrics.ts';
import { type S3Server, startS3Server } from '../integration/aws-s3rver.ts';
import { type LoopbackDynamoDb, startLoopbackDynamoDb } from '../support/loopback-dynamodb.ts';
import { type SynthesisedApp, synthApp } from './synth-app.ts';

const RUN_BUNDLED_DELIVER = fileURLToPath(new URL('./run-bundled-deliver.mjs', import.meta.url));
const RUN_BUNDLED_PREPARE = fileURLToPath(new URL('./run-bundled-prepare.mjs', import.meta.url));

interface Bundle {
  readonly name: string;
  readonly dir: string;
  readonly files: string[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

function bytesOf(dir: string, files: readonly string[]): number {
  return files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0);
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

describe('Lambda bundles', () => {
  let app: SynthesisedApp;
  let bundles: Record<'Prepare' | 'Deliver' | 'Record' | 'StartScheduledRun' | 'Curate', Bundle>;
  /** Every function of the stack bundled from functions/handlers (named by logical id). */
  let everyHandlerBundle: Bundle[];

  beforeAll(() => {
    app = synthApp({ bundle: true });
    const functions = app.briefingsTemplate.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Code: { S3Key: string } } }
    >;
    everyHandlerBundle = Object.entries(functions)
      .filter(([, fn]) => typeof fn.Properties.Code.S3Key === 'string')
      .map(([id, fn]) => ({ id, dir: join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`) }))
      .filter(({ dir }) => existsSync(join(dir, 'index.mjs')))
      .map(({ id, dir }) => ({ name: id, dir, files: filesUnder(dir) }));
    const byName = (name: string): Bundle => {
      const [, fn] = Object.entries(functions).find(([id]) => id.startsWith(`${name}Function`))!;
      const dir = join(app.outdir, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      return { name, dir, files: filesUnder(dir) };
    };
    bundles = {
      Prepare: byName('Prepare'),
      Deliver: byName('Deliver'),
      Record: byName('Record'),
      StartScheduledRun: byName('StartScheduledRun'),
      Curate: byName('Curate'),
    };
    for (const bundle of Object.values(bundles)) {
      // Reported for the deployment notes: the handler file and the whole unzipped folder.
      console.info(
        `${bundle.name}: index.mjs ${kb(statSync(join(bundle.dir, 'index.mjs')).size)}, folder ${kb(bytesOf(bundle.dir, bundle.files))}, ${bundle.files.length} files`,
      );
    }
  }, 240_000);

  it('carries no DuckDB in any bundle', () => {
    for (const bundle of Object.values(bundles)) {
      expect(bundle.files.filter((file) => /duckdb/i.test(file))).toEqual([]);
      for (const file of bundle.files.filter((f) => /\.(m?js|json)$/.test(f))) {
        expect({ file, duckdb: readFileSync(join(bundle.dir, file), 'utf8').includes('@duckdb') }).toEqual({
          file,
          duckdb: false,
        });
      }
    }
  });

  it('carries the SQL of every metric query in the Prepare bundle', () => {
    for (const name of METRIC_QUERIES) expect(bundles.Prepare.files).toContain(`functions/sql/metrics/${name}.sql`);
    expect(bundles.Prepare.files).toContain('functions/sql/fragments/port_requests_checked.sql');
  });

  it("carries the curated layer's build SQL in the Curate bundle, and the curated metric queries in Prepare's", () => {
    for (const table of CURATED_TABLES)
      expect(bundles.Curate.files).toContain(`functions/sql/curated/build/${table.name}.sql`);
    expect(bundles.Curate.files).toContain('functions/sql/fragments/port_requests_checked.sql');
    expect(bundles.Prepare.files).toContain('functions/sql/curated/metrics/flows.sql');
  });

  it('carries the templates, the chart font and the native rasteriser in the Deliver bundle', () => {
    expect(bundles.Deliver.files).toContain('assets/fonts/chart-cjk-subset.ttf');
    expect(bundles.Deliver.files.some((file) => file.startsWith('templates/'))).toBe(true);
    expect(bundles.Deliver.files).toContain('node_modules/@resvg/resvg-js/index.js');
    expect(
      bundles.Deliver.files.some((file) =>
        /^node_modules\/@resvg\/resvg-js-linux-(x64|arm64)-gnu\/.+\.node$/.test(file),
      ),
    ).toBe(true);
  });

  it('carries zod/mini, never the classic zod, in any bundle', () => {
    for (const bundle of Object.values(bundles)) {
      const code = readFileSync(join(bundle.dir, 'index.mjs'), 'utf8');
      expect({
        bundle: bundle.name,
        mini: code.includes('"ZodMiniObject"'),
        classic: code.includes('"ZodObject"'),
      }).toEqual({ bundle: bundle.name, mini: true, classic: false });
    }
  });

  // The charts fill Vega templates compiled at build time. Vega-Lite's compiler is known by its own
  // error message and the schema address of its specs, which the compiled templates do not hold.
  it('carries no Vega-Lite in any bundle', () => {
    for (const bundle of Object.values(bundles)) {
      expect(bundle.files.filter((file) => file.includes('vega-lite'))).toEqual([]);
      for (const file of bundle.files.filter((f) => /\.(m?js|json)$/.test(f))) {
        const code = readFileSync(join(bundle.dir, file), 'utf8');
        expect({
          bundle: bundle.name,
          file,
          compiler: code.includes('Invalid specification'),
          schema: code.includes('vega.github.io/schema/vega-lite/'),
        }).toEqual({ bundle: bundle.name, file, compiler: false, schema: false });
      }
    }
  });

  // 1.5 MB read as 1,500,000 bytes, the stricter of its two readings; every handler of the stack.
  it('keeps every Lambda bundle under 1.5 MB', () => {
    expect(everyHandlerBundle.map((bundle) => bundle.name)).toEqual(
      expect.arrayContaining(Object.values(bundles).map((bundle) => expect.stringContaining(bundle.name))),
    );
    for (const bundle of everyHandlerBundle) {
      const bytes = statSync(join(bundle.dir, 'index.mjs')).size;
      expect({ bundle: bundle.name, underLimit: bytes <= 1_500_000, bytes }).toEqual({
        bundle: bundle.name,
        underLimit: true,
        bytes,
      });
    }
  });

  // The mail CSS is inlined at build time (scripts/inline-mail-css.ts): juice's code-block
  // placeholder and the class names cheerio and domhandler keep through minification would show it.
  it('carries no CSS inliner (juice, cheerio, domhandler) in any bundle', () => {
    for (const bundle of Object.values(bundles)) {
      const code = readFileSync(join(bundle.dir, 'index.mjs'), 'utf8');
      expect({
        bundle: bundle.name,
        juice: code.includes('JUICE_CODE_BLOCK_'),
        cheerio: code.includes('"Cheerio"'),
        domhandler: code.includes('"DomHandler"'),
      }).toEqual({ bundle: bundle.name, juice: false, cheerio: false, domhandler: false });
    }
  });

  // The SDK's unreached credential providers are left to the Lambda runtime's copy
  // (UNREACHED_CREDENTIAL_PROVIDERS): safe only while the default chain reaches them by import()
  // after fromEnv, never by a static import that would load them on every cold start.
  it('reaches the credential providers left to the runtime only through import()', () => {
    for (const bundle of everyHandlerBundle) {
      const code = readFileSync(join(bundle.dir, 'index.mjs'), 'utf8');
      for (const provider of UNREACHED_CREDENTIAL_PROVIDERS) {
        const mentions = code.split(`"${provider}"`).length - 1;
        const dynamic = code.split(`import("${provider}")`).length - 1;
        expect({ bundle: bundle.name, provider, mentions, dynamic }).toEqual({
          bundle: bundle.name,
          provider,
          mentions: dynamic,
          dynamic,
        });
      }
      expect({ bundle: bundle.name, fromEnv: code.includes('defaultProvider::fromEnv') }).toEqual({
        bundle: bundle.name,
        fromEnv: true,
      });
    }
  });

  it('keeps error class names through minification', () => {
    const code = readFileSync(join(bundles.Prepare.dir, 'index.mjs'), 'utf8');
    expect(code).toContain('DataNotReadyError');
    expect(code).toContain('ConfigurationError');
  });

  it.each(['Prepare', 'Deliver', 'Record', 'StartScheduledRun'] as const)(
    'loads the %s bundle as an ES module exporting handler',
    (name) => {
      const { dir } = bundles[name];
      const output = execFileSync(
        process.execPath,
        ['--input-type=module', '-e', "const m = await import('./index.mjs'); console.log(typeof m.handler);"],
        {
          cwd: dir,
          env: { ...process.env, LAMBDA_TASK_ROOT: dir },
          encoding: 'utf8',
        },
      );
      expect(output.trim()).toBe('function');
    },
  );

  describe('the bundled handlers on loopback servers', () => {
    let s3Server: S3Server;
    let dynamo: LoopbackDynamoDb;

    beforeAll(async () => {
      s3Server = await startS3Server(['archive', 'lake']);
      dynamo = await startLoopbackDynamoDb();
      await dynamo.createLedgerTable('ledger');
      const s3 = s3Server.client();
      await s3.send(
        new PutObjectCommand({
          Bucket: 'archive',
          Key: 'config/recipients.json',
          Body: readFileSync(new URL('../../config/recipients.json', import.meta.url)),
        }),
      );
      const { partitionsRead } = planQueries(parsePeriod('2019-W48'), reportDefinition('hq-weekly').trend);
      const snapshot = await prepareRun(
        {
          reportId: 'hq-weekly',
          periodId: '2019-W48',
          homeOperator: 'CMCC',
          generatedAt: new Date('2019-12-02T00:31:00Z'),
        },
        {
          engine: { runMetric: async (name) => cannedQueryRows(name), close: async () => undefined },
          inventory: {
            listPartitions: async (table: LakeTable) =>
              partitionsRead[table].map((value) => ({ table, value, complete: true })),
          },
        },
      );
      await new S3ReportStore({ client: s3, bucket: 'archive' }).put(
        'runs/hq-weekly/2019-W48/snapshot.json',
        JSON.stringify(snapshot),
        'application/json',
      );
      const lake = new S3ReportStore({ client: s3, bucket: 'lake' });
      for (const [table, values] of Object.entries(partitionsRead)) {
        const column = table === 'usage_monthly' || table === 'subscriber_base' ? 'month' : 'dt';
        await Promise.all(values.map((value) => lake.put(`${table}/${column}=${value}/_SUCCESS`, '', 'text/plain')));
      }
    }, 60_000);

    afterAll(async () => {
      await dynamo?.close();
      await s3Server?.stop();
    });

    it('runs Prepare from its bundle with the SQL files beside it', async () => {
      const event = { request: { reportId: 'hq-weekly', periodId: '2019-W47' }, startedAt: '2019-12-02T00:30:00.000Z' };

      const { stdout } = await promisify(execFile)(
        process.execPath,
        [RUN_BUNDLED_PREPARE, s3Server.endpoint, JSON.stringify(event)],
        {
          env: { ...process.env, LAMBDA_TASK_ROOT: bundles.Prepare.dir, NODE_NO_WARNINGS: '1' },
        },
      );

      const { result, queries } = JSON.parse(stdout) as {
        result: { snapshotKey: string; queryCount: number };
        queries: { sql: string; parameters: string[] }[];
      };
      expect(result).toMatchObject({
        snapshotKey: 'runs/hq-weekly/2019-W47/snapshots/2019-12-02T00-30-00-000Z.json',
        queryCount: 6,
      });
      expect(queries).toHaveLength(6);
      expect(
        queries.every(
          (query) => query.sql.includes('SELECT') && query.parameters.every((value) => /^'.*'$/.test(value)),
        ),
      ).toBe(true);
    });

    it('renders with the bundled templates, font and rasteriser, archives and sends', async () => {
      const event = { snapshotKey: 'runs/hq-weekly/2019-W48/snapshot.json', audience: 'hq' };

      const { stdout } = await promisify(execFile)(
        process.execPath,
        [RUN_BUNDLED_DELIVER, s3Server.endpoint, dynamo.endpoint, 'ledger', JSON.stringify(event)],
        {
          env: { ...process.env, LAMBDA_TASK_ROOT: bundles.Deliver.dir, NODE_NO_WARNINGS: '1' },
        },
      );

      const { result, sent } = JSON.parse(stdout) as {
        result: { status: string; sent: number };
        sent: { to: string[]; bytes: number }[];
      };
      expect(result).toMatchObject({ status: 'delivered', sent: 2 });
      expect(sent).toHaveLength(2);
      const archived = await new S3ReportStore({ client: s3Server.client(), bucket: 'archive' }).list(
        'hq-weekly/2019-W48/hq/',
      );
      expect(archived.filter((key) => key.endsWith('.png')).length).toBeGreaterThan(0);
      expect(archived).toContain('hq-weekly/2019-W48/hq/message.eml');
    });
  });
});
