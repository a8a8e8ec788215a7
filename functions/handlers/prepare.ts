// Lambda entry point of the Prepare step: wires the Athena engines (curated and raw), the S3 lake
// inventory, the curated layer's freshness check and its rebuild through the Curate function, and
// the S3 archive from the environment, then runs prepareStep. DataNotReadyError leaves the
// function by name, so that the state machine can hold and retry on it.
import { AthenaClient } from '@aws-sdk/client-athena';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { curateThroughFunction } from '#adapters/curation/curate-invoker.ts';
import { planStaleUnits } from '#adapters/curation/curation-run.ts';
import { s3CurationObjects } from '#adapters/curation/s3-curation-objects.ts';
import { AthenaEngine } from '#adapters/engine/athena.ts';
import { S3LakeInventory } from '#adapters/lake/s3-lake.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { unitInRange, unitKey } from '#core/curation.ts';
import { DataNotReadyError } from '#core/errors.ts';
import { type PrepareOutput, prepareStep } from './steps/prepare-step.ts';
import type { CuratedLayer, ReadSource } from './steps/read-source.ts';
import { type PrepareConfig, prepareConfigSchema, readConfig } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { resultReuseMinutesFor } from './support/result-reuse.ts';
import { parseEvent, runEventSchema } from './support/run-input.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface PrepareDependencies {
  readonly config: PrepareConfig;
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  /** Invokes the Curate function; @default - no curated layer: every run reads the raw feed */
  readonly lambda?: LambdaClient;
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

/** The curated layer where the stage has one: stale units from its records, rebuilt by the Curate function. */
function curatedLayerOf(deps: PrepareDependencies): CuratedLayer | undefined {
  const { config } = deps;
  if (!deps.lambda || !config.CURATED_BUCKET || !config.CURATE_FUNCTION_NAME) return undefined;
  const objects = s3CurationObjects({
    client: deps.s3,
    lakeBucket: config.LAKE_BUCKET,
    lakePrefix: config.LAKE_PREFIX,
    curatedBucket: config.CURATED_BUCKET,
    curatedPrefix: config.CURATED_PREFIX,
  });
  return {
    check: async (range) => {
      const { plan, records } = await planStaleUnits(objects, { range });
      return {
        // A unit to remove (its raw partition is gone) would be read as stale data all the same.
        stale: [...plan.build, ...plan.remove].map(unitKey),
        state: [...records.entries()]
          .filter(([, record]) => unitInRange(record.unit, range))
          .map(([key, record]) => `${key}@${record.builtAt}`)
          .sort()
          .join('\n'),
      };
    },
    curate: curateThroughFunction({ client: deps.lambda, functionName: config.CURATE_FUNCTION_NAME }),
  };
}

export function createPrepareHandler(deps: PrepareDependencies) {
  const { config } = deps;
  const inventory = new S3LakeInventory({ client: deps.s3, bucket: config.LAKE_BUCKET, prefix: config.LAKE_PREFIX });
  const store = new S3ReportStore({ client: deps.s3, bucket: config.ARCHIVE_BUCKET });
  const curated = curatedLayerOf(deps);
  return async (event: unknown, context?: Context): Promise<PrepareOutput> => {
    deps.log.withContext(context);
    try {
      const runEvent = parseEvent(runEventSchema, event, 'Prepare event');
      const now = deps.now ?? (() => new Date());
      const engineOf = (source: ReadSource) =>
        new AthenaEngine({
          client: deps.athena,
          curated: source === 'curated',
          workGroup: config.ATHENA_WORKGROUP,
          database: config.ATHENA_DATABASE,
          log: deps.log,
          resultReuseMinutes: resultReuseMinutesFor(
            config.ATHENA_RESULT_REUSE_MINUTES,
            runEvent.request,
            new Date(runEvent.startedAt),
            now(),
          ),
          polling: { timeoutMs: config.ATHENA_QUERY_TIMEOUT_SECONDS * 1000 },
          ...(context ? { remainingTimeMs: () => context.getRemainingTimeInMillis() } : {}),
        });
      return await prepareStep(runEvent, config.HOME_OPERATOR, {
        engineFor: engineOf,
        ...(curated ? { curated } : {}),
        inventory,
        store,
        log: deps.log,
        now,
        ...(context ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
      });
    } catch (error) {
      // Waiting for late data is expected (logged as a warning by the step); anything else is not.
      if (!(error instanceof DataNotReadyError)) {
        deps.log.error('prepare failed', {
          errorType: (error as Error).name,
          errorMessage: (error as Error).message,
          errorStack: (error as Error).stack,
        });
      }
      throw errorForStateMachine(error, context);
    }
  };
}

let cached: ReturnType<typeof createPrepareHandler> | undefined;

export const handler = (event: unknown, context: Context): Promise<PrepareOutput> => {
  cached ??= createPrepareHandler({
    config: readConfig(prepareConfigSchema),
    athena: new AthenaClient({}),
    s3: new S3Client({}),
    lambda: new LambdaClient({}),
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
