// The check of missed runs in AWS: a small Lambda (functions/handlers/check.ts) on a schedule of
// its own, reading the run journal in the archive bucket and the DynamoDB ledger, publishing per
// report the count of overdue periods and of periods sent with the "data incomplete" banner.
// The overdue alarm treats missing data as breaching: a deleted or disabled report schedule
// shows as overdue periods, and a check that never runs (its schedule gone, its function
// failing) leaves no data, which pages all the same.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ReportDefinition } from '#core/report-definitions.ts';
import { CHECK_METRICS } from '#handlers/steps/check-step.ts';
import type { checkConfigSchema, FunctionEnvironment } from '#handlers/support/config.ts';
import { BriefingFunction } from './briefing-function.ts';

export interface MissedRunCheckProps {
  readonly namePrefix: string;
  readonly definitions: readonly ReportDefinition[];
  readonly archiveBucket: s3.IBucket;
  readonly ledgerTable: dynamodb.ITableV2;
  /** The recipients file in the archive bucket: who should have each report. */
  readonly recipientsKey: string;
  readonly alarmTopic: sns.ITopic;
  readonly failureQueue: sqs.IQueue;
  readonly metricNamespace: string;
  /** How often the check runs; the alarm period follows it. @default Duration.hours(1) */
  readonly every?: Duration;
  /** @default 40 days: a month, its grace window, and a margin */
  readonly lookbackDays?: number;
  /** Run the check and alarm on it (off where the report schedules are off, as on dev: no alarms then). */
  readonly enabled: boolean;
}

export class MissedRunCheck extends Construct {
  readonly checker: BriefingFunction;
  readonly overdueAlarms: readonly cloudwatch.Alarm[];
  readonly lateBannerAlarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MissedRunCheckProps) {
    super(scope, id);
    const every = props.every ?? Duration.hours(1);
    const environment: FunctionEnvironment<typeof checkConfigSchema> = {
      ARCHIVE_BUCKET: props.archiveBucket.bucketName,
      LEDGER_TABLE: props.ledgerTable.tableName,
      RECIPIENTS_KEY: props.recipientsKey,
      METRIC_NAMESPACE: props.metricNamespace,
      CHECK_LOOKBACK_DAYS: String(props.lookbackDays ?? 40),
    };
    this.checker = new BriefingFunction(this, 'Check', {
      handlerFile: 'check.ts',
      description:
        'Holds each report schedule against the run journal and the ledger; publishes overdue counts per report',
      memorySize: 256,
      timeout: Duration.minutes(2),
      failureQueue: props.failureQueue,
      environment,
    });
    props.archiveBucket.grantRead(this.checker.function, 'runs/*');
    props.archiveBucket.grantRead(this.checker.function, props.recipientsKey);
    // Reads delivery records by key and by period; never scans, never writes.
    props.ledgerTable.grant(this.checker.function, 'dynamodb:GetItem', 'dynamodb:Query');
    this.checker.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PublishTheCheckMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': props.metricNamespace } },
      }),
    );

    new scheduler.Schedule(this, 'Schedule', {
      scheduleName: `${props.namePrefix}-missed-run-check`,
      description: 'Runs the check of missed briefings',
      schedule: scheduler.ScheduleExpression.rate(every),
      enabled: props.enabled,
      target: new targets.LambdaInvoke(this.checker.function, {
        deadLetterQueue: props.failureQueue,
        retryAttempts: 2,
      }),
    });

    const action = new actions.SnsAction(props.alarmTopic);
    const metric = (name: string, report: string) =>
      new cloudwatch.Metric({
        namespace: props.metricNamespace,
        metricName: name,
        dimensionsMap: { Report: report },
        statistic: 'Maximum',
        period: every,
      });
    const alarm = (
      alarmId: string,
      name: string,
      report: string,
      description: string,
      treatMissingData: cloudwatch.TreatMissingData,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric: metric(name, report),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // Two periods: one late start of the check is no page, two are.
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      return created;
    };
    // Where the check is off, an alarm with missing data as breaching would only ever ring.
    if (!props.enabled) {
      this.overdueAlarms = [];
      this.lateBannerAlarms = [];
      return;
    }
    this.overdueAlarms = props.definitions.map((definition) =>
      alarm(
        `${definition.id}-overdue`,
        CHECK_METRICS.overdue,
        definition.id,
        `A scheduled ${definition.id} briefing is overdue (missed, held past its deadline, partly delivered or failed), or the check itself did not run: see mnp-briefings check --target aws`,
        cloudwatch.TreatMissingData.BREACHING,
      ),
    );
    this.lateBannerAlarms = props.definitions.map((definition) =>
      alarm(
        `${definition.id}-sent-incomplete`,
        CHECK_METRICS.lateBanner,
        definition.id,
        `A ${definition.id} briefing went out with the "data incomplete" banner after its grace window`,
        cloudwatch.TreatMissingData.NOT_BREACHING,
      ),
    );
  }
}
