// The function the schedules invoke: it names each scheduled execution after its report and
// period, so that a retried schedule tick cannot start a second run. Its environment is the
// handler's startConfigSchema; its grant, starting the report state machines and nothing else.
// Scheduler invokes it asynchronously: a failed start goes to the schedules' dead-letter queue.
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FunctionEnvironment, startConfigSchema } from '#handlers/support/config.ts';
import { BriefingFunction } from './briefing-function.ts';

export interface StartScheduledRunFunctionProps {
  /** The state machines' names are this prefix and the report id. */
  readonly stateMachineNamePrefix: string;
  readonly stateMachines: readonly sfn.IStateMachine[];
  readonly failedStarts: sqs.IQueue;
}

export class StartScheduledRunFunction extends BriefingFunction {
  constructor(scope: Construct, id: string, props: StartScheduledRunFunctionProps) {
    const environment: FunctionEnvironment<typeof startConfigSchema> = {
      STATE_MACHINE_ARN_PREFIX: Stack.of(scope).formatArn({
        service: 'states',
        resource: 'stateMachine',
        resourceName: props.stateMachineNamePrefix,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    };
    super(scope, id, {
      handlerFile: 'start-scheduled-run.ts',
      description:
        'Starts a report run for a schedule tick, named after its report and period (a retried tick starts nothing new)',
      memorySize: 256,
      timeout: Duration.seconds(30),
      failureQueue: props.failedStarts,
      environment,
    });
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StartTheReportRuns',
        actions: ['states:StartExecution'],
        resources: props.stateMachines.map((machine) => machine.stateMachineArn),
      }),
    );
  }
}
