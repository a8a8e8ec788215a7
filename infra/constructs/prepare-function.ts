// The Prepare function: checks the lake's _SUCCESS markers, runs the metric queries in Athena
// and stores the run snapshot. Its environment is the handler's prepareConfigSchema, every key
// and no other; its grants are the workgroup and the lake's four tables, the curated tables and
// bucket (read only), invoking the Curate function (a stale partition), and runs/* of the archive.
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { FunctionEnvironment, prepareConfigSchema } from '#handlers/support/config.ts';
import type { BriefingsWorkGroup, LakeAccess } from './athena-workgroup.ts';
import { BriefingFunction } from './briefing-function.ts';
import type { CuratedStore } from './curate-function.ts';

/** A query stops polling here, a minute inside the function's 10-minute timeout. */
const QUERY_TIMEOUT = Duration.minutes(9);

export interface PrepareFunctionProps {
  readonly workGroup: BriefingsWorkGroup;
  readonly lake: LakeAccess;
  readonly archiveBucket: s3.IBucket;
  readonly resultReuseMinutes: number;
  readonly homeOperator: string;
  /** The curated layer the queries read when it is fresh, and its tables' names in the lake's database. */
  readonly curated: CuratedStore & { readonly tableNames: readonly string[] };
  /** Invoked synchronously when a curated partition the run reads is stale. */
  readonly curate: lambda.IFunction;
}

export class PrepareFunction extends BriefingFunction {
  constructor(scope: Construct, id: string, props: PrepareFunctionProps) {
    const environment: FunctionEnvironment<typeof prepareConfigSchema> = {
      ARCHIVE_BUCKET: props.archiveBucket.bucketName,
      LAKE_BUCKET: props.lake.bucket.bucketName,
      LAKE_PREFIX: props.lake.prefix,
      ATHENA_WORKGROUP: props.workGroup.workGroupName,
      ATHENA_DATABASE: props.lake.databaseName,
      ATHENA_RESULT_REUSE_MINUTES: String(props.resultReuseMinutes),
      ATHENA_QUERY_TIMEOUT_SECONDS: String(QUERY_TIMEOUT.toSeconds()),
      HOME_OPERATOR: props.homeOperator,
      CURATED_BUCKET: props.curated.bucket.bucketName,
      CURATED_PREFIX: props.curated.prefix,
      CURATE_FUNCTION_NAME: props.curate.functionName,
    };
    // Six Athena queries in parallel, mostly waiting; the snapshot is a few MB of JSON at most.
    // 512 MB is ample; 10 minutes covers queued and slow queries (each stops at 9), or a short
    // rebuild of stale curated partitions first (read-source.ts keeps the queries' time back).
    super(scope, id, {
      handlerFile: 'prepare.ts',
      description: 'Checks the lake markers, runs the metric queries in Athena, stores the run snapshot',
      memorySize: 512,
      timeout: Duration.minutes(10),
      runtimeFiles: ['functions/sql/metrics', 'functions/sql/fragments', 'functions/sql/curated'],
      environment,
    });
    props.workGroup.grantQuery(this.function, props.lake);
    this.grantCuratedRead(props);
    // Prepare never writes curated data: a stale partition is the Curate function's to rebuild.
    props.curate.grantInvoke(this.function);
    // The snapshot, and the run journal while the run is held for late data.
    props.archiveBucket.grantRead(this.function, 'runs/*');
    props.archiveBucket.grantPut(this.function, 'runs/*');
  }

  /** Athena reads the curated tables with the caller's permissions: their definitions and their files. */
  private grantCuratedRead(props: PrepareFunctionProps): void {
    const stack = Stack.of(this);
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheCuratedTableDefinitions',
        actions: ['glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
        resources: props.curated.tableNames.map((table) =>
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.lake.databaseName}/${table}` }),
        ),
      }),
    );
    props.curated.bucket.grantRead(this.function, `${props.curated.prefix}*`);
  }
}
