// The Curate function (functions/handlers/curate.ts): the one writer of the curated layer in AWS
// (docs/curated-layer.md). Athena builds the stale curated partitions from the raw lake into the
// curated bucket. Started by a raw partition's _SUCCESS marker (S3 -> EventBridge), by an hourly
// catch-up (late files, corrections, a pass that stopped for time), and synchronously by Prepare.
// Reserved concurrency 1: exactly one writer per curated prefix; a second event waits (Lambda
// retries a throttled asynchronous invocation for hours) and then finds little or nothing stale.
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import type { LakeTable } from '#core/ports.ts';
import type { curateConfigSchema, FunctionEnvironment } from '#handlers/support/config.ts';
import type { BriefingsWorkGroup, LakeAccess } from './athena-workgroup.ts';
import { BriefingFunction } from './briefing-function.ts';

/** A build query stops polling here, two minutes inside the function's 15-minute timeout. */
const QUERY_TIMEOUT = Duration.minutes(13);

/**
 * The raw tables whose completed partitions start a curation: the two the curated tables follow
 * today, and exit_reasons, which the exit-answer tables will follow.
 */
export const CURATION_TRIGGER_TABLES: readonly LakeTable[] = ['port_requests', 'exit_reasons', 'usage_monthly'];

/** Where the curated layer lives: a bucket of its own (the lake may be read-only), its folder and tables. */
export interface CuratedStore {
  readonly bucket: s3.IBucket;
  /** '' or e.g. "curated/". */
  readonly prefix: string;
}

export interface CurateFunctionProps {
  readonly namePrefix: string;
  readonly workGroup: BriefingsWorkGroup;
  readonly lake: LakeAccess;
  readonly curated: CuratedStore;
  /** Asynchronous invocations that failed (events, catch-ups), and events EventBridge could not deliver. */
  readonly failureQueue: sqs.IQueue;
  /** @default Duration.hours(1) */
  readonly catchUpEvery?: Duration;
}

/**
 * The Glue tables the writer may create and drop: each curated table and the staging tables named
 * after it (`<curated table>…`); never a raw table of the lake.
 */
export function curatedTablePatterns(): string[] {
  return CURATED_TABLES.map((table) => `${table.name}*`);
}

/** The object keys of raw _SUCCESS markers that start a curation, as EventBridge wildcards. */
export function markerKeyPatterns(lakePrefix: string): string[] {
  return CURATION_TRIGGER_TABLES.map((table) => `${lakePrefix}${table}/*/_SUCCESS`);
}

export class CurateFunction extends BriefingFunction {
  readonly rule: events.Rule;
  readonly catchUp: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: CurateFunctionProps) {
    const environment: FunctionEnvironment<typeof curateConfigSchema> = {
      LAKE_BUCKET: props.lake.bucket.bucketName,
      LAKE_PREFIX: props.lake.prefix,
      CURATED_BUCKET: props.curated.bucket.bucketName,
      CURATED_PREFIX: props.curated.prefix,
      ATHENA_WORKGROUP: props.workGroup.workGroupName,
      ATHENA_DATABASE: props.lake.databaseName,
      ATHENA_QUERY_TIMEOUT_SECONDS: String(QUERY_TIMEOUT.toSeconds()),
    };
    // Athena does the work; the function lists, waits and writes small records. 15 minutes, the
    // longest Lambda allows: a long catch-up stops between batches and the next call continues.
    super(scope, id, {
      handlerFile: 'curate.ts',
      description:
        'Builds the stale curated partitions in Athena from the raw lake (the one writer of the curated layer)',
      memorySize: 512,
      timeout: Duration.minutes(15),
      runtimeFiles: ['functions/sql/curated', 'functions/sql/fragments'],
      reservedConcurrentExecutions: 1,
      failureQueue: props.failureQueue,
      environment,
    });
    props.workGroup.grantQuery(this.function, props.lake);
    this.grantCuratedTables(props.lake.databaseName);
    // The curated partitions, their staging folders and freshness records: read, write, replace,
    // remove (grantReadWrite includes s3:DeleteObject*).
    props.curated.bucket.grantReadWrite(this.function, `${props.curated.prefix}*`);

    this.rule = new events.Rule(this, 'RawPartitionComplete', {
      ruleName: `${props.namePrefix}-raw-partition-complete`,
      description: 'A raw partition of the lake received its _SUCCESS marker: curate what it makes stale',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.lake.bucket.bucketName] },
          object: { key: markerKeyPatterns(props.lake.prefix).flatMap((pattern) => events.Match.wildcard(pattern)) },
        },
      },
      targets: [
        new eventTargets.LambdaFunction(this.function, {
          deadLetterQueue: props.failureQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });
    this.catchUp = new scheduler.Schedule(this, 'CatchUp', {
      scheduleName: `${props.namePrefix}-curate-catch-up`,
      description: 'Curates what is still stale: late files, corrections, a pass that stopped for time',
      schedule: scheduler.ScheduleExpression.rate(props.catchUpEvery ?? Duration.hours(1)),
      target: new targets.LambdaInvoke(this.function, {
        input: scheduler.ScheduleTargetInput.fromObject({}),
        deadLetterQueue: props.failureQueue,
        retryAttempts: 2,
      }),
    });
  }

  /** The curated tables beside the raw ones: read, and create and drop (the writer's staging tables). */
  private grantCuratedTables(databaseName: string): void {
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteTheCuratedTables',
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
          'glue:CreateTable',
          'glue:DeleteTable',
          'glue:BatchCreatePartition',
          'glue:BatchDeletePartition',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
          ...curatedTablePatterns().map((pattern) =>
            stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${pattern}` }),
          ),
        ],
      }),
    );
  }
}
