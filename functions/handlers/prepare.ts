// Lambda entry point of the Prepare step: wires the Athena engine, the S3 lake inventory and
// the S3 archive from the environment, then runs prepareStep. DataNotReadyError leaves the
// function by name, so that the state machine can hold and retry on it.
import { AthenaClient } from '@aws-sdk/client-athena';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { AthenaEngine } from '#adapters/engine/athena.ts';
import { S3LakeInventory } from '#adapters/lake/s3-lake.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { DataNotReadyError } from '#core/errors.ts';
import { type PrepareOutput, prepareStep } from './steps/prepare-step.ts';
import { type PrepareConfig, prepareConfigSchema, readConfig } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { resultReuseMinutesFor } from './support/result-reuse.ts';
import { parseEvent, runEventSchema } from './support/run-input.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface PrepareDependencies {
  readonly config: PrepareConfig;
  readonly athena: AthenaClient;
  readonly s3: S3Client;
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

export function createPrepareHandler(deps: PrepareDependencies) {
  const { config } = deps;
  const inventory = new S3LakeInventory({ client: deps.s3, bucket: config.LAKE_BUCKET, prefix: config.LAKE_PREFIX });
  const store = new S3ReportStore({ client: deps.s3, bucket: config.ARCHIVE_BUCKET });
  return async (event: unknown, context?: Context): Promise<PrepareOutput> => {
    deps.log.withContext(context);
    try {
      const runEvent = parseEvent(runEventSchema, event, 'Prepare event');
      const now = deps.now ?? (() => new Date());
      const engine = new AthenaEngine({
        client: deps.athena,
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
        engineFor: () => engine,
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
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
