// One EventBridge Scheduler schedule per report definition, read from config/reports.json
// through reportDefinitions (never declared a second time here): its cron expression in its
// time zone (Asia/Shanghai), invoking the starter function with { reportId, scheduledTime },
// which starts the report's state machine under a name made of the report and the period.
// An invocation that keeps failing is retried, then parked in a dead-letter queue.
import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ReportDefinition } from '#core/report-definitions.ts';

export interface ReportSchedulesProps {
  readonly groupName: string;
  readonly definitions: readonly ReportDefinition[];
  /** Starts a run for a schedule tick (functions/handlers/start-scheduled-run.ts). */
  readonly starter: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly enabled: boolean;
}

export class ReportSchedules extends Construct {
  readonly schedules: readonly scheduler.Schedule[];

  constructor(scope: Construct, id: string, props: ReportSchedulesProps) {
    super(scope, id);
    const group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: props.groupName });
    this.schedules = props.definitions.map(
      (definition) =>
        new scheduler.Schedule(this, definition.id, {
          scheduleName: `${props.groupName}-${definition.id}`,
          scheduleGroup: group,
          description: definition.schedule.description,
          schedule: scheduler.ScheduleExpression.expression(
            definition.schedule.expression,
            TimeZone.of(definition.schedule.timezone),
          ),
          timeWindow: scheduler.TimeWindow.off(),
          enabled: props.enabled,
          target: new targets.LambdaInvoke(props.starter, {
            input: scheduler.ScheduleTargetInput.fromObject({
              reportId: definition.id,
              scheduledTime: scheduler.ContextAttribute.scheduledTime,
            }),
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 5,
            maxEventAge: Duration.hours(2),
          }),
        }),
    );
  }
}
