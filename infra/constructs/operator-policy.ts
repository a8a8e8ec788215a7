// The managed policy an operator's role or user needs for the command line against a deployed
// stage (`--target aws --stage S`), and nothing more: run, rerun and backfill find the report's
// state machine by name and start it; status reads the run journal and the ledger; preview lists
// the archived briefings and signs links to them (a link works with its signer's permissions);
// backfill reads the journal to skip what is done. Attach it to the operators' role by hand.
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperatorPolicyProps {
  readonly managedPolicyName: string;
  readonly stateMachines: readonly sfn.IStateMachine[];
  readonly archiveBucket: s3.IBucket;
  /** The archive folders the commands read: runs/ and one per report. */
  readonly archivePrefixes: readonly string[];
  readonly ledgerTable: dynamodb.ITableV2;
}

export class OperatorPolicy extends Construct {
  readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const archive = props.archiveBucket;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.managedPolicyName,
      description:
        'mnp-briefings command line with --target aws: start runs, read the run journal, the ledger and the archived briefings',
      statements: [
        new iam.PolicyStatement({
          sid: 'FindTheStateMachinesByName',
          actions: ['states:ListStateMachines'],
          resources: ['*'],
        }),
        new iam.PolicyStatement({
          sid: 'StartRuns',
          actions: ['states:StartExecution'],
          resources: props.stateMachines.map((machine) => machine.stateMachineArn),
        }),
        new iam.PolicyStatement({
          sid: 'ListTheArchive',
          actions: ['s3:ListBucket'],
          resources: [archive.bucketArn],
          conditions: { StringLike: { 's3:prefix': props.archivePrefixes.map((prefix) => `${prefix}*`) } },
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheJournalAndTheBriefings',
          actions: ['s3:GetObject'],
          resources: props.archivePrefixes.map((prefix) => archive.arnForObjects(`${prefix}*`)),
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheLedger',
          actions: ['dynamodb:Query', 'dynamodb:GetItem'],
          resources: [props.ledgerTable.tableArn],
        }),
      ],
    });
  }
}
