// The alarms operations act on, all to the alarm topic: failed or timed-out runs (a Held run
// is a failed execution too), messages parked in a dead-letter queue, Lambda errors and
// throttles, and the SES account's bounce and complaint rates (sending is paused by SES near
// 10 % bounces and 0.5 % complaints; these alarms fire well before).
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
  /**
   * Count ERROR log lines of this log group whose errorType is not one of the expected errors,
   * instead of Lambda's Errors metric: Prepare throws DataNotReadyError by design while a run
   * waits for late data, Deliver a DeliveryError that the state machine retries; neither must
   * page anyone (one that outlasts its retries fails the execution, which alarms).
   * @default - Lambda's Errors metric
   */
  readonly errorsFromLogs?: { readonly logGroup: logs.ILogGroup; readonly expectedErrors: readonly string[] };
  /** Alarm when the function is throttled; off where throttling is the design (one instance at a time). @default true */
  readonly alarmOnThrottles?: boolean;
}

export interface OperationsAlarmsProps {
  readonly alarmTopic: sns.ITopic;
  readonly stateMachines: readonly { readonly name: string; readonly stateMachine: sfn.StateMachine }[];
  readonly deadLetterQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  readonly functions: readonly MonitoredFunction[];
  readonly metricNamespace: string;
}

export class OperationsAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.action = new actions.SnsAction(props.alarmTopic);
    for (const { name, stateMachine } of props.stateMachines) {
      this.atLeastOne(
        `${name}-failed`,
        stateMachine.metricFailed({ period: Duration.minutes(5) }),
        `A ${name} run failed, was held for missing data, or did not deliver to every audience`,
      );
      this.atLeastOne(
        `${name}-timed-out`,
        stateMachine.metricTimedOut({ period: Duration.minutes(5) }),
        `A ${name} run timed out`,
      );
    }
    for (const { name, queue } of props.deadLetterQueues) {
      this.atLeastOne(
        `${name}-not-empty`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `Messages wait in ${name}: a schedule could not start a run, or an asynchronous invocation failed`,
      );
    }
    for (const monitored of props.functions) {
      const errors = monitored.errorsFromLogs
        ? this.errorLinesMetric(monitored, props.metricNamespace)
        : monitored.function.metricErrors({ period: Duration.minutes(5) });
      this.atLeastOne(`${monitored.name}-errors`, errors, `The ${monitored.name} function reported errors`);
      if (monitored.alarmOnThrottles === false) continue;
      this.atLeastOne(
        `${monitored.name}-throttles`,
        monitored.function.metricThrottles({ period: Duration.minutes(5) }),
        `The ${monitored.name} function was throttled`,
      );
    }
    this.above('ses-bounce-rate', sesMetric('Reputation.BounceRate'), 0.05, 'The SES bounce rate is above 5 %');
    this.above(
      'ses-complaint-rate',
      sesMetric('Reputation.ComplaintRate'),
      0.001,
      'The SES complaint rate is above 0.1 %',
    );
  }

  private errorLinesMetric(monitored: MonitoredFunction, namespace: string): cloudwatch.IMetric {
    const { logGroup, expectedErrors } = monitored.errorsFromLogs!;
    const filter = new logs.MetricFilter(this, `${monitored.name}-error-lines`, {
      logGroup,
      // The runtime's own line for a thrown error and the handler's carry errorType.
      filterPattern: logs.FilterPattern.all(
        logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        ...expectedErrors.map((name) => logs.FilterPattern.stringValue('$.errorType', '!=', name)),
      ),
      metricNamespace: namespace,
      metricName: `${monitored.name}-error-lines`,
      metricValue: '1',
      defaultValue: 0,
    });
    return filter.metric({ period: Duration.minutes(5), statistic: 'Sum' });
  }

  private atLeastOne(id: string, metric: cloudwatch.IMetric, description: string): void {
    this.add(id, metric, 1, description, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD);
  }

  private above(id: string, metric: cloudwatch.IMetric, threshold: number, description: string): void {
    this.add(id, metric, threshold, description, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD);
  }

  private add(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    description: string,
    comparisonOperator: cloudwatch.ComparisonOperator,
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      comparisonOperator,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
  }
}

function sesMetric(metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
}
