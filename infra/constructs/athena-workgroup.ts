// The Athena workgroup the briefings query through. It enforces its configuration, so a caller
// cannot change where results go (the results bucket, encrypted), the engine (v3, Trino) or the
// scan limit per query; it publishes query metrics to CloudWatch.
import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { grantLakeRead, type LakeReadAccess } from './lake-access.ts';

export const ATHENA_ENGINE_V3 = 'Athena engine version 3';
export const RESULTS_PREFIX = 'results/';

export interface BriefingsWorkGroupProps {
  readonly workGroupName: string;
  readonly resultsBucket: s3.IBucket;
  readonly bytesScannedCutoffPerQuery: number;
}

/** What a query runner reads: the lake's table folders and their catalog tables. */
export interface LakeAccess extends LakeReadAccess {
  readonly databaseName: string;
}

export class BriefingsWorkGroup extends Construct {
  readonly workGroup: athena.CfnWorkGroup;
  readonly workGroupName: string;
  readonly workGroupArn: string;
  private readonly resultsBucket: s3.IBucket;

  constructor(scope: Construct, id: string, props: BriefingsWorkGroupProps) {
    super(scope, id);
    this.resultsBucket = props.resultsBucket;
    this.workGroupName = props.workGroupName;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workGroupName,
      description: 'mnp-briefings metric queries (the repository SQL, engine v3)',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_V3 },
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        publishCloudWatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Stack.of(this).account,
        },
      },
    });
    this.workGroupArn = Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: props.workGroupName,
    });
  }

  /** Lets a function run queries in this workgroup over the given lake tables, and nothing else. */
  grantQuery(grantee: iam.IGrantable, lake: LakeAccess): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RunQueriesInTheBriefingsWorkGroup',
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
          'athena:GetWorkGroup',
        ],
        resources: [this.workGroupArn],
      }),
    );
    const stack = Stack.of(this);
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheLakeTableDefinitions',
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
        ],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: lake.databaseName }),
          ...lake.tableNames.map((table) =>
            stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${lake.databaseName}/${table}` }),
          ),
        ],
      }),
    );
    // Athena reads the data and writes the results with the caller's own permissions.
    grantLakeRead(grantee, lake);
    this.resultsBucket.grantRead(grantee, `${RESULTS_PREFIX}*`);
    this.resultsBucket.grantPut(grantee, `${RESULTS_PREFIX}*`);
  }
}
