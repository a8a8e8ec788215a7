// The stateless stack: the code and its wiring, replaceable at any time without losing data.
// The Athena workgroup, the three functions (Prepare, Deliver, Record) with their own roles,
// one state machine per report, the schedules read from the report definitions, the SES
// configuration set, and what operations see (topics, dead-letter queues, alarms).
import { Aspects, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { ReportDefinition } from '#core/report-definitions.ts';
import { BriefingsWorkGroup, RESULTS_PREFIX } from '../constructs/athena-workgroup.ts';
import { BriefingFunction } from '../constructs/briefing-function.ts';
import { LAKE_TABLES } from '../constructs/lake-catalog.ts';
import { MailSending } from '../constructs/mail-sending.ts';
import { MissedRunCheck } from '../constructs/missed-run-check.ts';
import { OperationsAlarms } from '../constructs/operations-alarms.ts';
import { OperationsNotifications } from '../constructs/operations-notifications.ts';
import { ReportRunMachine } from '../constructs/report-run-machine.ts';
import { ReportSchedules } from '../constructs/report-schedules.ts';
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
  readonly prepare: BriefingFunction;
  readonly deliver: BriefingFunction;
  readonly record: BriefingFunction;
  readonly machines: ReadonlyMap<string, ReportRunMachine>;

  constructor(scope: Construct, id: string, props: BriefingsStackProps) {
    super(scope, id, props);
    const { settings, names } = props;
    const namePrefix = `mnp-briefings-${settings.stage}`;
    const lakeBucket = s3.Bucket.fromBucketName(this, 'LakeBucket', names.lakeBucket);
    const archiveBucket = s3.Bucket.fromBucketName(this, 'ArchiveBucket', names.archiveBucket);
    const athenaResultsBucket = s3.Bucket.fromBucketName(this, 'AthenaResultsBucket', names.athenaResultsBucket);
    const ledgerTable = dynamodb.TableV2.fromTableName(this, 'LedgerTable', names.ledgerTable);

    const notifications = new OperationsNotifications(this, 'Notifications', { namePrefix, opsEmail: settings.opsEmail });
    const failedInvocations = this.deadLetterQueue('FailedInvocations', `${namePrefix}-failed-invocations`);
    const failedScheduleStarts = this.deadLetterQueue('FailedScheduleStarts', `${namePrefix}-failed-schedule-starts`);

    this.workGroup = new BriefingsWorkGroup(this, 'Athena', {
      workGroupName: namePrefix,
      resultsBucket: athenaResultsBucket,
      bytesScannedCutoffPerQuery: settings.bytesScannedCutoffGb * 1024 ** 3,
    });
    const mail = new MailSending(this, 'Mail', { configurationSetName: namePrefix, mailEventsTopic: notifications.mailEventsTopic });

    // Prepare: six Athena queries in parallel, mostly waiting; the snapshot is a few MB of JSON at
    // most. 512 MB is ample; 10 minutes covers queued and slow queries (each stops at 9).
    this.prepare = new BriefingFunction(this, 'Prepare', {
      handlerFile: 'prepare.ts',
      description: 'Checks the lake markers, runs the metric queries in Athena, stores the run snapshot',
      memorySize: 512,
      timeout: Duration.minutes(10),
      runtimeFiles: ['functions/sql/metrics', 'functions/sql/fragments'],
      failureQueue: failedInvocations,
      environment: {
        ARCHIVE_BUCKET: archiveBucket.bucketName,
        LAKE_BUCKET: names.lakeBucket,
        LAKE_PREFIX: settings.lakePrefix,
        ATHENA_WORKGROUP: this.workGroup.workGroupName,
        ATHENA_DATABASE: names.glueDatabase,
        ATHENA_RESULT_REUSE_MINUTES: String(settings.resultReuseMinutes),
        ATHENA_QUERY_TIMEOUT_SECONDS: '540',
        HOME_OPERATOR: settings.homeOperator,
      },
    });
    this.workGroup.grantQuery(this.prepare.function, {
      bucket: lakeBucket,
      prefix: settings.lakePrefix,
      databaseName: names.glueDatabase,
      tableNames: LAKE_TABLES,
    });
    // The snapshot, and the run journal while the run is held for late data.
    archiveBucket.grantRead(this.prepare.function, 'runs/*');
    archiveBucket.grantPut(this.prepare.function, 'runs/*');

    const deliverTimeout = Duration.minutes(2);
    // Deliver: renders one briefing (Vega charts rasterised by resvg, a CJK font, Handlebars)
    // and sends it to a handful of recipients. Memory buys CPU for the rasteriser: 1024 MB
    // renders a briefing in about a second; 2 minutes leaves room for SES retries.
    this.deliver = new BriefingFunction(this, 'Deliver', {
      handlerFile: 'deliver.ts',
      description: 'Renders and archives one audience\'s briefing, then sends it through SES (idempotent via the ledger)',
      memorySize: 1024,
      timeout: deliverTimeout,
      runtimeFiles: ['templates', 'assets'],
      nativePackages: ['@resvg/resvg-js'],
      architecture: settings.deliverArchitecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      failureQueue: failedInvocations,
      environment: {
        ARCHIVE_BUCKET: archiveBucket.bucketName,
        LEDGER_TABLE: names.ledgerTable,
        SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
        RECIPIENTS_KEY,
        // Eight deliveries run at once (the Map): 8 messages per second at most, under SES's
        // production sending rate.
        SES_SEND_RATE_PER_SECOND: '1',
        // A claim outlives the invocation that made it, so a retry after a timeout can take it over.
        DELIVERY_LEASE_SECONDS: String(deliverTimeout.toSeconds() + 30),
      },
    });
    archiveBucket.grantRead(this.deliver.function, 'runs/*');
    archiveBucket.grantRead(this.deliver.function, RECIPIENTS_KEY);
    for (const definition of props.reportDefinitions) {
      archiveBucket.grantRead(this.deliver.function, `${definition.id}/*`);
      archiveBucket.grantPut(this.deliver.function, `${definition.id}/*`);
    }
    ledgerTable.grantReadWriteData(this.deliver.function);
    this.deliver.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendFromTheBriefingsIdentityThroughItsConfigurationSet',
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: settings.sesDomain }),
          this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: mail.configurationSet.configurationSetName }),
        ],
      }),
    );

    // Record: writes one small JSON file.
    this.record = new BriefingFunction(this, 'Record', {
      handlerFile: 'record-run.ts',
      description: 'Writes runs/<report>/<period>/status.json (sent, incomplete, held or failed) and the archive index',
      memorySize: 256,
      timeout: Duration.seconds(30),
      failureQueue: failedInvocations,
      environment: { ARCHIVE_BUCKET: archiveBucket.bucketName },
    });
    archiveBucket.grantRead(this.record.function, 'runs/*');
    archiveBucket.grantPut(this.record.function, 'runs/*');
    // The archive's front page (index.html), rewritten from a listing of the bucket.
    archiveBucket.grantRead(this.record.function, 'index.html');
    archiveBucket.grantPut(this.record.function, 'index.html');

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
          maxConcurrency: 8,
        }),
      );
    }
    this.machines = machines;

    new ReportSchedules(this, 'Schedules', {
      groupName: namePrefix,
      definitions: props.reportDefinitions,
      stateMachineOf: (reportId) => machines.get(reportId)!.stateMachine,
      deadLetterQueue: failedScheduleStarts,
      enabled: settings.schedulesEnabled,
    });

    this.checkMissedRuns({ namePrefix, definitions: props.reportDefinitions, archiveBucket, ledgerTable, alarmTopic: notifications.alarmTopic, failureQueue: failedInvocations, enabled: settings.schedulesEnabled });

    this.acknowledgeExpectedWildcards(
      { lake: lakeBucket, archive: archiveBucket, results: athenaResultsBucket },
      settings.lakePrefix,
      props.reportDefinitions.map((definition) => definition.id),
    );

    new OperationsAlarms(this, 'Alarms', {
      alarmTopic: notifications.alarmTopic,
      metricNamespace: 'MnpBriefings',
      stateMachines: [...machines].map(([name, machine]) => ({ name, stateMachine: machine.stateMachine })),
      deadLetterQueues: [
        { name: 'failed-invocations', queue: failedInvocations },
        { name: 'failed-schedule-starts', queue: failedScheduleStarts },
      ],
      functions: [
        { name: 'prepare', function: this.prepare.function, errorsFromLogs: this.prepare.logGroup },
        { name: 'deliver', function: this.deliver.function },
        { name: 'record', function: this.record.function },
      ],
    });
  }

  /** Missed runs are noticed: a check on its own schedule, with an alarm per report (infra/constructs/missed-run-check.ts). */
  private checkMissedRuns(props: Omit<ConstructorParameters<typeof MissedRunCheck>[2], 'metricNamespace' | 'recipientsKey'>): MissedRunCheck {
    return new MissedRunCheck(this, 'MissedRunCheck', { ...props, metricNamespace: 'MnpBriefings', recipientsKey: RECIPIENTS_KEY });
  }

  private acknowledgeExpectedWildcards(
    buckets: { lake: s3.IBucket; archive: s3.IBucket; results: s3.IBucket },
    lakePrefix: string,
    reportIds: readonly string[],
  ): void {
    Aspects.of(this).add(
      new ExpectedWildcards({
        objectGrants: [
          { bucket: buckets.lake, prefix: lakePrefix, reason: 'the lake tables, read by Athena with the caller\'s permissions' },
          { bucket: buckets.results, prefix: RESULTS_PREFIX, reason: 'Athena query results of the briefings workgroup' },
          { bucket: buckets.archive, prefix: 'runs/', reason: 'run snapshots and status records' },
          ...reportIds.map((id) => ({ bucket: buckets.archive, prefix: `${id}/`, reason: `the archived ${id} reports` })),
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
      reason: 'This queue is itself a dead-letter queue (of the schedules or of asynchronous Lambda invocations); it has an alarm on depth instead of a DLQ of its own.',
    });
    return queue;
  }
}
