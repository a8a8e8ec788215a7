// Lambda entry point of the Record step: writes the run's status.json to the archive bucket.
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { type RecordOutput, recordEventSchema, recordStep } from './steps/record-step.ts';
import { type RecordConfig, readConfig, recordConfigSchema } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { parseEvent } from './support/run-input.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface RecordDependencies {
  readonly config: RecordConfig;
  readonly s3: S3Client;
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

export function createRecordHandler(deps: RecordDependencies) {
  const store = new S3ReportStore({ client: deps.s3, bucket: deps.config.ARCHIVE_BUCKET });
  return async (event: unknown, context?: Context): Promise<RecordOutput> => {
    deps.log.withContext(context);
    try {
      const recordEvent = parseEvent(recordEventSchema, event, 'Record event');
      return await recordStep(recordEvent, { store, log: deps.log, now: deps.now ?? (() => new Date()) });
    } catch (error) {
      deps.log.error('run not recorded', {
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        errorStack: (error as Error).stack,
      });
      throw errorForStateMachine(error, context);
    }
  };
}

let cached: ReturnType<typeof createRecordHandler> | undefined;

export const handler = (event: unknown, context: Context): Promise<RecordOutput> => {
  cached ??= createRecordHandler({
    config: readConfig(recordConfigSchema),
    s3: new S3Client({}),
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
