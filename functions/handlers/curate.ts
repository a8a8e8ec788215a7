// Lambda entry point of the Curate function: wires the SQL writer (Athena over the S3 lake, into
// the curated bucket) from the environment, then runs curateStep. Its errors leave by name and
// alarm (a failed build stays stale; the next event or the hourly catch-up tries again).
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { s3CurationObjects } from '#adapters/curation/s3-curation-objects.ts';
import { curateWithSql } from '#adapters/curation/sql-curator.ts';
import { AthenaEngine } from '#adapters/engine/athena.ts';
import { type CurateOutput, type CuratePorts, curateStep } from './steps/curate-step.ts';
import { type CurateConfig, curateConfigSchema, readConfig } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface CurateDependencies {
  readonly config: CurateConfig;
  /** The SQL writer over this configuration's lake, curated bucket and workgroup. */
  readonly curate: CuratePorts['curate'];
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

/** The invocation's own time left; without a Lambda context (a test), a whole timeout's worth. */
const FIFTEEN_MINUTES_MS = 15 * 60_000;

export function createCurateHandler(deps: CurateDependencies) {
  return async (event: unknown, context?: Context): Promise<CurateOutput> => {
    deps.log.withContext(context);
    try {
      return await curateStep(event, {
        curate: deps.curate,
        remainingMs: () => context?.getRemainingTimeInMillis() ?? FIFTEEN_MINUTES_MS,
        log: deps.log,
        now: deps.now ?? (() => new Date()),
      });
    } catch (error) {
      deps.log.error('curate failed', {
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        errorStack: (error as Error).stack,
      });
      throw errorForStateMachine(error, context);
    }
  };
}

let cached: ReturnType<typeof createCurateHandler> | undefined;

/** The SQL writer over the lake, the curated bucket and the workgroup of this configuration. */
function sqlCurator(config: CurateConfig, log: LambdaLogger): CuratePorts['curate'] {
  const athena = new AthenaClient({});
  const s3 = new S3Client({});
  const objects = s3CurationObjects({
    client: s3,
    lakeBucket: config.LAKE_BUCKET,
    lakePrefix: config.LAKE_PREFIX,
    curatedBucket: config.CURATED_BUCKET,
    curatedPrefix: config.CURATED_PREFIX,
  });
  return (request) =>
    curateWithSql({
      engine: new AthenaEngine({
        client: athena,
        workGroup: config.ATHENA_WORKGROUP,
        database: config.ATHENA_DATABASE,
        log,
        polling: { timeoutMs: config.ATHENA_QUERY_TIMEOUT_SECONDS * 1000 },
      }),
      objects,
      schema: config.ATHENA_DATABASE,
      curatedLocation: `s3://${config.CURATED_BUCKET}/${config.CURATED_PREFIX}`,
      ...(request.range ? { range: request.range } : {}),
      remainingMs: request.remainingMs,
      onProgress: request.onProgress,
    });
}

export const handler = (event: unknown, context: Context): Promise<CurateOutput> => {
  if (!cached) {
    const config = readConfig(curateConfigSchema);
    const log = createLambdaLogger();
    cached = createCurateHandler({ config, curate: sqlCurator(config, log), log });
  }
  return cached(event, context);
};
