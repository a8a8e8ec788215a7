// Which engine a local command queries: DuckDB over the lake folder (the default), or a Trino
// cluster that holds the lake's tables (--engine trino --trino-url ...). The options, their
// validation and the engine's construction live here, once, for run, rerun, backfill and preview.
import type { Command } from 'commander';
import { z } from 'zod';
import { assertLakeFolder, FsLake } from '#adapters/lake/fs-lake.ts';
import { ConfigurationError } from '#core/errors.ts';
import type { LakeInventory, Logger, QueryEngine } from '#core/ports.ts';

export const ENGINES = ['duckdb', 'trino'] as const;
const sqlName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lower-case SQL name such as hive');

/** Zod fields spread into each local command's option schema. */
export const engineOptions = {
  engine: z.enum(ENGINES).default('duckdb'),
  trinoUrl: z
    .string()
    .regex(/^https?:\/\/[^/\s]+/, 'must look like http://host:port')
    .optional(),
  trinoCatalog: sqlName.default('hive'),
  trinoSchema: sqlName.default('default'),
  trinoUser: z.string().min(1).default('mnp-briefings'),
  trinoCurated: z
    .string()
    .regex(/^(local:\/\/\/|s3:\/\/[a-z0-9])\S*$/, 'must look like local:///dir or s3://bucket/prefix')
    .optional(),
};

export function withEngineOptions(command: Command): Command {
  return command
    .option(
      '--engine <engine>',
      'duckdb (the lake folder, embedded) or trino (a cluster that has the lake tables)',
      'duckdb',
    )
    .option('--trino-url <url>', 'the Trino coordinator for --engine trino, e.g. http://127.0.0.1:8080')
    .option('--trino-catalog <catalog>', 'the catalog holding the lake tables, for --engine trino', 'hive')
    .option('--trino-schema <schema>', 'the schema holding the lake tables, for --engine trino', 'default')
    .option('--trino-user <user>', 'the user Trino runs the queries as', 'mnp-briefings')
    .option(
      '--trino-curated <location>',
      'with --engine trino: curate the lake with Trino into local:///dir or s3://bucket/prefix (what is stale), then read the curated tables',
    );
}

export type EngineChoice =
  | { readonly kind: 'duckdb' }
  | {
      readonly kind: 'trino';
      readonly url: string;
      readonly catalog: string;
      readonly schema: string;
      readonly user: string;
      /** Where Trino writes the curated layer (local:///dir or s3://bucket/prefix/); absent: the raw feed. */
      readonly curated?: string;
    };

type EngineOptionValues = {
  engine?: (typeof ENGINES)[number] | undefined;
  trinoUrl?: string | undefined;
  trinoCatalog?: string | undefined;
  trinoSchema?: string | undefined;
  trinoUser?: string | undefined;
  trinoCurated?: string | undefined;
};

export function engineChoiceOf(options: EngineOptionValues): EngineChoice {
  if (options.engine !== 'trino') {
    if (options.trinoUrl)
      throw new ConfigurationError('--trino-url is for --engine trino; add --engine trino or drop --trino-url');
    if (options.trinoCurated)
      throw new ConfigurationError('--trino-curated is for --engine trino; add --engine trino or drop --trino-curated');
    return { kind: 'duckdb' };
  }
  if (!options.trinoUrl)
    throw new ConfigurationError('--trino-url is needed with --engine trino, e.g. --trino-url http://127.0.0.1:8080');
  return {
    kind: 'trino',
    url: options.trinoUrl,
    catalog: options.trinoCatalog ?? 'hive',
    schema: options.trinoSchema ?? 'default',
    user: options.trinoUser ?? 'mnp-briefings',
    ...(options.trinoCurated ? { curated: options.trinoCurated } : {}),
  };
}

export type CountingEngine = QueryEngine & { readonly queryCount: number };

/**
 * Opens the chosen engine; each adapter is loaded only when chosen. DuckDB opens on the raw feed;
 * the local runtime switches it to the curated layer run by run (docs/curated-layer.md).
 */
export async function openEngine(choice: EngineChoice, lakeDir: string, log: Logger): Promise<CountingEngine> {
  if (choice.kind === 'trino') {
    const { TrinoEngine } = await import('#adapters/engine/trino.ts');
    return new TrinoEngine({
      url: choice.url,
      catalog: choice.catalog,
      schema: choice.schema,
      user: choice.user,
      log,
      curated: choice.curated !== undefined,
    });
  }
  const { DuckDbEngine } = await import('#adapters/engine/duckdb.ts');
  const memoryLimit = process.env.MNP_DUCKDB_MEMORY_LIMIT?.trim();
  return DuckDbEngine.open({
    lakeDir,
    ...(memoryLimit ? { memoryLimit } : {}),
    onQuery: (event) => log.info('query done', event),
  });
}

const S3_LAKE = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

/** An s3://bucket/prefix/ lake as bucket and prefix ('' or ending in /); undefined for a folder. */
export function parseS3Lake(lake: string): { bucket: string; prefix: string } | undefined {
  const match = S3_LAKE.exec(lake);
  if (!match) return undefined;
  const path = match[2] ?? '';
  return { bucket: match[1]!, prefix: path === '' || path.endsWith('/') ? path : `${path}/` };
}

/**
 * Where readiness is read (the _SUCCESS markers): the lake folder, or, for a Trino cluster over
 * S3, the s3:// lake itself (standard AWS credential chain). DuckDB reads only a folder.
 */
export async function openLakeInventory(lake: string, choice: EngineChoice): Promise<LakeInventory> {
  const s3 = parseS3Lake(lake);
  if (!s3) {
    await assertLakeFolder(lake);
    return new FsLake(lake);
  }
  if (choice.kind !== 'trino')
    throw new ConfigurationError(
      `--lake ${lake}: DuckDB reads a lake folder; an s3:// lake needs --engine trino (or --target aws)`,
    );
  const [{ S3Client }, { S3LakeInventory }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('#adapters/lake/s3-lake.ts'),
  ]);
  return new S3LakeInventory({ client: new S3Client({}), bucket: s3.bucket, prefix: s3.prefix });
}

/** The engine fields of a parsed command's options. */
export type EngineCliOptions = EngineOptionValues;
