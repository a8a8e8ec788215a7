// The state machine of one report's runs. One execution is one run:
//   Start -> Prepare (held and retried while the lake is not ready) -> DeliverEach audience
//   (a Map; each delivery retried on its own, a failure caught and recorded, never blocking
//   the others) -> RecordOutcome -> Delivered, or RedeliverFailed (one more attempt for each
//   failed audience, uncaught) -> RecordRedelivered -> Delivered.
// When the grace period for late data ends, the report either prepares anyway with a "data
// incomplete" banner or ends Held (a failed execution with error DataNotReady and a
// status.json in the archive). A run whose audiences failed ends failed at RedeliverFailed, and
// a redrive of that execution re-runs exactly the failed audiences; a run that failed in
// Prepare or stayed held is started again. Either way the ledger skips what was sent.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ConfigurationError, DataNotReadyError, PeriodError } from '#core/errors.ts';
import type { ReportDefinition } from '#core/report-definitions.ts';

export interface ReportRunMachineProps {
  readonly definition: ReportDefinition;
  readonly stateMachineName: string;
  readonly prepare: lambda.IFunction;
  readonly deliver: lambda.IFunction;
  readonly record: lambda.IFunction;
  /** Deliveries running at once. @default 8 */
  readonly maxConcurrency?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
}

// Error names as the Lambda runtime reports them: the class names (kept through minification).
/** Errors that a retry cannot fix: a bad request or configuration fails at once. */
const PERMANENT_ERRORS = [ConfigurationError.name, PeriodError.name];
export const DATA_NOT_READY = DataNotReadyError.name;
/** Errors of the Lambda service itself, not of the function's code. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.SdkClientException',
];

/** How often Prepare is retried while the lake is incomplete: every retryEveryMinutes for graceHours. */
export function holdRetries(definition: ReportDefinition): { intervalMinutes: number; maxAttempts: number } {
  const { graceHours, retryEveryMinutes } = definition.dataIncomplete;
  return { intervalMinutes: retryEveryMinutes, maxAttempts: Math.floor((graceHours * 60) / retryEveryMinutes) };
}

export class ReportRunMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ReportRunMachineProps) {
    super(scope, id);
    const { definition } = props;
    const runEvent = (extra: Record<string, unknown> = {}) =>
      sfn.TaskInput.fromObject({
        request: sfn.JsonPath.objectAt('$.request'),
        startedAt: sfn.JsonPath.stringAt('$.startedAt'),
        ...extra,
      });
    const prepared = {
      'reportId.$': '$.Payload.reportId',
      'periodId.$': '$.Payload.periodId',
      'snapshotKey.$': '$.Payload.snapshotKey',
      'audiences.$': '$.Payload.audiences',
      'dataIncomplete.$': '$.Payload.dataIncomplete',
      'partitionsMissing.$': '$.Payload.partitionsMissing',
      'resend.$': '$.Payload.resend',
      'archiveOnly.$': '$.Payload.archiveOnly',
    };

    const start = new sfn.Pass(this, 'Start', {
      comment: 'Keeps the execution input and start time; the period defaults from the start time (Beijing).',
      parameters: { 'request.$': '$', 'startedAt.$': '$$.Execution.StartTime' },
    });

    const recordFailed = this.record(
      'RecordFailed',
      props.record,
      runEvent({ outcome: 'failed', error: sfn.JsonPath.objectAt('$.error') }),
    ).next(new sfn.Fail(this, 'RunFailed', { error: 'RunFailed', causePath: '$.error.Cause' }));

    const prepare = this.prepareTask('Prepare', props.prepare, runEvent(), prepared);
    const hold = holdRetries(definition);
    prepare.addRetry({
      errors: [DATA_NOT_READY],
      interval: Duration.minutes(hold.intervalMinutes),
      maxAttempts: hold.maxAttempts,
      backoffRate: 1,
    });
    this.addStandardRetries(prepare, { interval: Duration.seconds(30), maxAttempts: 2 });
    const deliveries = this.deliverAndRecord(props, runEvent);
    prepare.addCatch(this.whenGraceEnds(definition, props, runEvent, prepared, recordFailed, deliveries), {
      errors: [DATA_NOT_READY],
      resultPath: '$.error',
    });
    prepare.addCatch(recordFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      comment: `${definition.id}: prepare once, deliver per audience, record the outcome`,
      definitionBody: sfn.DefinitionBody.fromChainable(start.next(prepare).next(deliveries)),
      // The hold for late data, then the deliveries, with room to spare.
      timeout: Duration.hours(definition.dataIncomplete.graceHours + 12),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', {
          logGroupName: `/aws/vendedlogs/states/${props.stateMachineName}`,
          retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
        level: sfn.LogLevel.ALL,
        // Execution data stays out of the logs (errors may name recipients); status.json has the outcome.
        includeExecutionData: false,
      },
    });
  }

  /** Prepared (or prepared anyway): deliver to each audience, record, end. */
  private deliverAndRecord(
    props: ReportRunMachineProps,
    runEvent: (extra?: Record<string, unknown>) => sfn.TaskInput,
  ): sfn.IChainable {
    const deliver = new tasks.LambdaInvoke(this, 'Deliver', {
      lambdaFunction: props.deliver,
      comment: "Archive this audience's report, then send it (the ledger skips what was sent)",
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
    });
    // 1, 2, 4 and 8 minutes: the later retries come after a timed-out attempt's ledger claim expired.
    this.addStandardRetries(deliver, { interval: Duration.minutes(1), maxAttempts: 4 });
    deliver.addCatch(
      new sfn.Pass(this, 'DeliveryFailed', {
        comment: 'Record the failure of this audience; the others go on',
        parameters: {
          'audience.$': '$.audience',
          status: 'failed',
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
      }),
      { errors: [sfn.Errors.ALL], resultPath: '$.error' },
    );
    const itemSelector = (audiencePath: string) => ({
      'snapshotKey.$': '$.prepared.snapshotKey',
      'audience.$': audiencePath,
      'resend.$': '$.prepared.resend',
      'archiveOnly.$': '$.prepared.archiveOnly',
    });
    const deliverEach = new sfn.Map(this, 'DeliverEach', {
      itemsPath: '$.prepared.audiences',
      itemSelector: itemSelector('$$.Map.Item.Value'),
      maxConcurrency: props.maxConcurrency ?? 8,
      resultPath: '$.deliveries',
    }).itemProcessor(deliver);

    const recordOutcome = this.record(
      'RecordOutcome',
      props.record,
      runEvent({
        outcome: 'finished',
        prepared: sfn.JsonPath.objectAt('$.prepared'),
        deliveries: sfn.JsonPath.listAt('$.deliveries'),
      }),
    );
    // The audiences that failed get one more attempt each, uncaught: a failure fails its
    // iteration, and so the execution, at this Map. A redrive re-runs exactly the iterations that
    // failed (Step Functions redrives an inline Map's failed or aborted iterations only), then
    // records the run again; the ledger skips every recipient already sent.
    const deliverAgain = new tasks.LambdaInvoke(this, 'DeliverAgain', {
      lambdaFunction: props.deliver,
      comment:
        'One more attempt for an audience that failed; its failure fails the execution here, where a redrive resumes',
      payload: sfn.TaskInput.fromJsonPathAt('$'),
      outputPath: '$.Payload',
    });
    // Only the Lambda service's own transient errors are retried here (a throttle when two runs
    // share Deliver's reserved concurrency); the delivery's errors fail the iteration.
    deliverAgain.addRetry({
      errors: LAMBDA_SERVICE_ERRORS,
      interval: Duration.minutes(1),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const redeliverFailed = new sfn.Map(this, 'RedeliverFailed', {
      comment:
        'The failed audiences again; a failed iteration fails the execution, and a redrive re-runs exactly those iterations',
      itemsPath: '$.recorded.failedAudiences',
      itemSelector: itemSelector('$$.Map.Item.Value'),
      maxConcurrency: props.maxConcurrency ?? 8,
      resultPath: '$.redeliveries',
    }).itemProcessor(deliverAgain);
    const recordRedelivered = this.record(
      'RecordRedelivered',
      props.record,
      runEvent({
        outcome: 'finished',
        prepared: sfn.JsonPath.objectAt('$.prepared'),
        deliveries: sfn.JsonPath.listAt('$.deliveries'),
        redeliveries: sfn.JsonPath.listAt('$.redeliveries'),
      }),
    );
    const delivered = new sfn.Succeed(this, 'Delivered');
    const allSent = new sfn.Choice(this, 'AllSent')
      .when(
        sfn.Condition.numberGreaterThan('$.recorded.failed', 0),
        redeliverFailed.next(recordRedelivered).next(delivered),
      )
      .otherwise(delivered);
    return deliverEach.next(recordOutcome).next(allSent);
  }

  private whenGraceEnds(
    definition: ReportDefinition,
    props: ReportRunMachineProps,
    runEvent: (extra?: Record<string, unknown>) => sfn.TaskInput,
    prepared: Record<string, string>,
    recordFailed: sfn.IChainable,
    deliveries: sfn.IChainable,
  ): sfn.IChainable {
    if (definition.dataIncomplete.whenGraceEnds === 'hold') {
      return this.record(
        'RecordHeld',
        props.record,
        runEvent({ outcome: 'held', error: sfn.JsonPath.objectAt('$.error') }),
      ).next(
        new sfn.Fail(this, 'Held', {
          error: 'DataNotReady',
          cause: `Partitions were still missing when the ${definition.dataIncomplete.graceHours} h grace period ended; see runs/<report>/<period>/status.json`,
        }),
      );
    }
    const prepareAnyway = this.prepareTask(
      'PrepareDespiteMissingData',
      props.prepare,
      runEvent({ sendDespiteMissingData: true }),
      prepared,
    );
    this.addStandardRetries(prepareAnyway, { interval: Duration.seconds(30), maxAttempts: 2 });
    prepareAnyway.addCatch(recordFailed, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    return prepareAnyway.next(deliveries);
  }

  private prepareTask(
    id: string,
    fn: lambda.IFunction,
    payload: sfn.TaskInput,
    prepared: Record<string, string>,
  ): tasks.LambdaInvoke {
    return new tasks.LambdaInvoke(this, id, {
      lambdaFunction: fn,
      comment: 'Check the _SUCCESS markers, run the metric queries once, store the snapshot',
      payload,
      resultSelector: prepared,
      resultPath: '$.prepared',
    });
  }

  private record(id: string, fn: lambda.IFunction, payload: sfn.TaskInput): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: fn,
      comment: 'Write runs/<report>/<period>/status.json',
      payload,
      resultSelector: {
        'state.$': '$.Payload.state',
        'failed.$': '$.Payload.failed',
        'failedAudiences.$': '$.Payload.failedAudiences',
        'statusKey.$': '$.Payload.statusKey',
      },
      resultPath: '$.recorded',
    });
    task.addRetry({ errors: [sfn.Errors.ALL], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
    return task;
  }

  private addStandardRetries(task: tasks.LambdaInvoke, options: { interval: Duration; maxAttempts: number }): void {
    // A retrier with no attempts, placed first, keeps permanent errors out of the catch-all retrier.
    task.addRetry({ errors: PERMANENT_ERRORS, maxAttempts: 0 });
    task.addRetry({
      errors: [sfn.Errors.ALL],
      interval: options.interval,
      maxAttempts: options.maxAttempts,
      backoffRate: 2,
    });
  }
}
