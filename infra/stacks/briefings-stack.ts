// The stateless stack: the code and its wiring, replaceable at any time without losing data.
// The Athena workgroup, the run's three functions (Prepare, Deliver, Record) and the Curate
// function that keeps the curated layer fresh, each a construct that
// builds its environment from its handler's config schema and makes its own grants, one state
// machine per report, the schedules read from the report definitions, the SES configuration
// set, and what operations see (topics, the schedules' dead-letter queue, alarms).
import { Aspects, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import { DataNotReadyError, DeliveryError } from '#core/errors.ts';
import type { ReportDefinition } from '#core/report-definitions.ts';
import { BriefingsWorkGroup, RESULTS_PREFIX } from '../constructs/athena-workgroup.ts';
import { type CuratedStore, CurateFunction, curatedTablePatterns } from '../constructs/curate-function.ts';
import { DeliverFunction } from '../constructs/deliver-function.ts';
import { type LakeReadAccess, lakeTablePrefixes } from '../constructs/lake-access.ts';
import { LAKE_TABLES } from '../constructs/lake-catalog.ts';
import { MailSending } from '../constructs/mail-sending.ts';
import { MissedRunCheck } from '../constructs/missed-run-check.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { OperationsNotifications } from '../constructs/operations-notifications.ts';
import { OperatorPolicy } from '../constructs/operator-policy.ts';
import { PrepareFunction } from '../constructs/prepare-function.ts';
import { RecordFunction } from '../constructs/record-function.ts';
import { ReportRunMachine } from '../constructs/report-run-machine.ts';
import { ReportSchedules } from '../constructs/report-schedules.ts';
import { StartScheduledRunFunction } from '../constructs/start-scheduled-run-function.ts';
import type { DataNames } from '../data-names.ts';
import { ExpectedWildcards } from '../nag/expected-wildcards.ts';
import type { AppSettings } from '../settings.ts';

export const RECIPIENTS_KEY = 'config/recipients.json';

export interface BriefingsStackProps extends StackProps {
  readonly settings: AppSettings;
  /** The data stack's resources, found by name. */
  readonly names: DataNames;
  readonly reportDefinitions: readonly ReportDefinition[];
}

export class BriefingsStack extends Stack {
  readonly workGroup: BriefingsWorkGroup;
  readonly prepare: PrepareFunction;
  readonly deliver: DeliverFunction;
  readonly record: RecordFunction;
  readonly curate: CurateFunction;
  readonly starter: StartScheduledRunFunction;
  /** Read access to the lake, for any function that reads it (e.g. a curation function). */
  readonly lake: LakeReadAccess;
  readonly machines: ReadonlyMap<string, ReportRunMachine>;

  constructor(scope: Construct, id: string, props: BriefingsStackProps) {
    super(scope, id, props);
    const { settings, names } = props;
    const namePrefix = `mnp-briefings-${settings.stage}`;
    const lakeBucket = s3.Bucket.fromBucketName(this, 'LakeBucket', names.lakeBucket);
    const archiveBucket = s3.Bucket.fromBucketName(this, 'ArchiveBucket', names.archiveBucket);
    const athenaResultsBucket = s3.Bucket.fromBucketName(this, 'AthenaResultsBucket', names.athenaResultsBucket);
    const curated: CuratedStore = {
      bucket: s3.Bucket.fromBucketName(this, 'CuratedBucket', names.curatedBucket),
      prefix: names.curatedPrefix,
    };
    const ledgerTable = dynamodb.TableV2.fromTableName(this, 'LedgerTable', names.ledgerTable);

    const notifications = new OperationsNotifications(this, 'Notifications', {
      namePrefix,
      opsEmail: settings.opsEmail,
    });
    const failedScheduleStarts = this.deadLetterQueue('FailedScheduleStarts', `${namePrefix}-failed-schedule-starts`);

    this.workGroup = new BriefingsWorkGroup(this, 'Athena', {
      workGroupName: namePrefix,
      resultsBucket: athenaResultsBucket,
      bytesScannedCutoffPerQuery: settings.bytesScannedCutoffGb * 1024 ** 3,
    });
    const mail = new MailSending(this, 'Mail', {
      configurationSetName: namePrefix,
      mailEventsTopic: notifications.mailEventsTopic,
    });

    this.lake = {
      bucket: lakeBucket,
      prefix: settings.lakePrefix,
      tableNames: LAKE_TABLES,
      ...(settings.lakeKmsKeyArn ? { key: kms.Key.fromKeyArn(this, 'LakeKey', settings.lakeKmsKeyArn) } : {}),
    };
    this.curate = new CurateFunction(this, 'Curate', {
      namePrefix,
      workGroup: this.workGroup,
      lake: { ...this.lake, databaseName: names.glueDatabase },
      curated,
      failureQueue: failedScheduleStarts,
    });
    this.prepare = new PrepareFunction(this, 'Prepare', {
      workGroup: this.workGroup,
      lake: { ...this.lake, databaseName: names.glueDatabase },
      archiveBucket,
      resultReuseMinutes: settings.resultReuseMinutes,
      homeOperator: settings.homeOperator,
      curated: { ...curated, tableNames: CURATED_TABLES.map((table) => table.name) },
      curate: this.curate.function,
    });
    this.deliver = new DeliverFunction(this, 'Deliver', {
      archiveBucket,
      ledgerTable,
      configurationSetName: mail.configurationSet.configurationSetName,
      sendingDomain: settings.sesDomain,
      recipientsKey: RECIPIENTS_KEY,
      reportIds: props.reportDefinitions.map((definition) => definition.id),
      sesMaxSendRate: settings.sesMaxSendRate,
      architecture: settings.deliverArchitecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
    });
    this.record = new RecordFunction(this, 'Record', { archiveBucket });

    const machines = new Map<string, ReportRunMachine>();
    for (const definition of props.reportDefinitions) {
      machines.set(
        definition.id,
        new ReportRunMachine(this, `Run-${definition.id}`, {
          definition,
          stateMachineName: `${namePrefix}-${definition.id}`,
          prepare: this.prepare.function,
          deliver: this.deliver.function,
          record: this.record.function,
          // As many deliveries at once as Deliver may run (its reserved concurrency).
          maxConcurrency: this.deliver.concurrency,
        }),
      );
    }
    this.machines = machines;

    const reportIds = props.reportDefinitions.map((definition) => definition.id);
    const operator = new OperatorPolicy(this, 'Operator', {
      managedPolicyName: `${namePrefix}-operator`,
      stateMachines: [...machines.values()].map((machine) => machine.stateMachine),
      archiveBucket,
      archivePrefixes: ['runs/', ...reportIds.map((id) => `${id}/`)],
      ledgerTable,
    });
    new CfnOutput(this, 'OperatorPolicyArn', {
      description: 'Attach to the role or user that runs mnp-briefings --target aws (docs/aws.md)',
      value: operator.policy.managedPolicyArn,
    });

    this.starter = new StartScheduledRunFunction(this, 'StartScheduledRun', {
      stateMachineNamePrefix: `${namePrefix}-`,
      stateMachines: [...machines.values()].map((machine) => machine.stateMachine),
      failedStarts: failedScheduleStarts,
    });
    new ReportSchedules(this, 'Schedules', {
      groupName: namePrefix,
      definitions: props.reportDefinitions,
      starter: this.starter.function,
      deadLetterQueue: failedScheduleStarts,
      enabled: settings.schedulesEnabled,
    });

    const missedRunCheck = this.checkMissedRuns({
      namePrefix,
      definitions: props.reportDefinitions,
      archiveBucket,
      ledgerTable,
      alarmTopic: notifications.alarmTopic,
      failureQueue: failedScheduleStarts,
      enabled: settings.schedulesEnabled,
    });

    this.acknowledgeExpectedWildcards(
      { lake: lakeBucket, archive: archiveBucket, results: athenaResultsBucket, curated: curated.bucket },
      lakeTablePrefixes(this.lake),
      props.reportDefinitions.map((definition) => definition.id),
      { databaseName: names.glueDatabase, curatedPrefix: curated.prefix },
    );

    const alarms = new OperationsAlarms(this, 'Alarms', {
      alarmTopic: notifications.alarmTopic,
      metricNamespace: 'MnpBriefings',
      stateMachines: [...machines].map(([name, machine]) => ({ name, stateMachine: machine.stateMachine })),
      deadLetterQueues: [{ name: 'failed-schedule-starts', queue: failedScheduleStarts }],
      functions: [
        // Waiting for late data is Prepare's normal way of saying "not yet".
        {
          name: 'prepare',
          function: this.prepare.function,
          errorsFromLogs: { logGroup: this.prepare.logGroup, expectedErrors: [DataNotReadyError.name] },
        },
        // A DeliveryError is retried by the state machine (SES throttling, a claim still held);
        // one that outlasts the retries fails the execution, which has its own alarm.
        {
          name: 'deliver',
          function: this.deliver.function,
          errorsFromLogs: { logGroup: this.deliver.logGroup, expectedErrors: [DeliveryError.name] },
        },
        { name: 'record', function: this.record.function },
        { name: 'start-scheduled-run', function: this.starter.function },
        { name: 'missed-run-check', function: missedRunCheck.checker.function },
        // Throttles are its design (one writer at a time): a throttled event waits and is retried by Lambda.
        { name: 'curate', function: this.curate.function, alarmOnThrottles: false },
      ],
    });
    notifications.allowAlarmsToPublish([
      ...alarms.alarms,
      ...missedRunCheck.overdueAlarms,
      ...missedRunCheck.lateBannerAlarms,
    ]);
  }

  /** Missed runs are noticed: a check on its own schedule, with an alarm per report (infra/constructs/missed-run-check.ts). */
  private checkMissedRuns(
    props: Omit<ConstructorParameters<typeof MissedRunCheck>[2], 'metricNamespace' | 'recipientsKey'>,
  ): MissedRunCheck {
    return new MissedRunCheck(this, 'MissedRunCheck', {
      ...props,
      metricNamespace: 'MnpBriefings',
      recipientsKey: RECIPIENTS_KEY,
    });
  }

  private acknowledgeExpectedWildcards(
    buckets: { lake: s3.IBucket; archive: s3.IBucket; results: s3.IBucket; curated: s3.IBucket },
    lakeTablePrefixes: readonly string[],
    reportIds: readonly string[],
    curatedLayer: { databaseName: string; curatedPrefix: string },
  ): void {
    Aspects.of(this).add(
      new ExpectedWildcards({
        glueTableGrants: curatedTablePatterns().map((pattern) => ({
          databaseName: curatedLayer.databaseName,
          pattern,
          reason: 'a curated table and the staging tables the Curate function names after it, never a raw table',
        })),
        objectGrants: [
          {
            bucket: buckets.curated,
            prefix: curatedLayer.curatedPrefix,
            reason: 'the curated layer: its partitions, staging folders and freshness records',
          },
          ...lakeTablePrefixes.map((prefix) => ({
            bucket: buckets.lake,
            prefix,
            reason: "a lake table, read by Athena with the caller's permissions",
          })),
          {
            bucket: buckets.results,
            prefix: RESULTS_PREFIX,
            reason: 'Athena query results of the briefings workgroup',
          },
          { bucket: buckets.archive, prefix: 'runs/', reason: 'run snapshots and status records' },
          ...reportIds.map((id) => ({
            bucket: buckets.archive,
            prefix: `${id}/`,
            reason: `the archived ${id} reports`,
          })),
        ],
      }),
    );
  }

  private deadLetterQueue(id: string, queueName: string): sqs.Queue {
    const queue = new sqs.Queue(this, id, {
      queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the schedules and their starter function; it has an alarm on depth instead of a DLQ of its own.',
    });
    return queue;
  }
}
