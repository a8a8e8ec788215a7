// Lambda entry point of the scheduled check of missed runs: wires the S3 archive (run journal,
// recipients), the DynamoDB ledger and CloudWatch, then runs checkStep.
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { DynamoDbLedger } from '#adapters/ledger/dynamodb-ledger.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import type { CheckReport } from '#core/overdue.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { checkStep, type MetricDatum } from './steps/check-step.ts';
import { type CheckConfig, checkConfigSchema, readConfig } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';

export interface CheckDependencies {
  readonly config: CheckConfig;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly cloudwatch: CloudWatchClient;
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

export function createCheckHandler(deps: CheckDependencies) {
  const { config } = deps;
  const store = new S3ReportStore({ client: deps.s3, bucket: config.ARCHIVE_BUCKET });
  const ledger = new DynamoDbLedger({ client: deps.dynamodb, tableName: config.LEDGER_TABLE });
  const publish = async (metrics: readonly MetricDatum[], at: Date) => {
    await deps.cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: config.METRIC_NAMESPACE,
        MetricData: metrics.map((metric) => ({
          MetricName: metric.name,
          Dimensions: [{ Name: 'Report', Value: metric.report }],
          Value: metric.value,
          Unit: 'Count',
          Timestamp: at,
        })),
      }),
    );
  };
  return async (_event: unknown, context?: Context): Promise<CheckReport> => {
    deps.log.withContext(context);
    return checkStep(
      { store, ledger, publish, log: deps.log, now: deps.now ?? (() => new Date()) },
      {
        definitions: reportDefinitions,
        recipientsKey: config.RECIPIENTS_KEY,
        lookbackDays: config.CHECK_LOOKBACK_DAYS,
      },
    );
  };
}

let cached: ReturnType<typeof createCheckHandler> | undefined;

export const handler = (event: unknown, context: Context): Promise<CheckReport> => {
  cached ??= createCheckHandler({
    config: readConfig(checkConfigSchema),
    s3: new S3Client({}),
    dynamodb: new DynamoDBClient({}),
    cloudwatch: new CloudWatchClient({}),
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
