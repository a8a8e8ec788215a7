// Lambda entry point that the schedules invoke: starts the report's state machine with an
// execution named after the report and the period the schedule tick stands for, so that a
// repeated invocation of the same tick (a Scheduler or Lambda retry) cannot start a second run:
// Step Functions returns the running execution, or refuses a name already used.
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { readConfig, type StartConfig, startConfigSchema } from './support/config.ts';
import { createLambdaLogger, type LambdaLogger } from './support/lambda-logger.ts';
import { defaultPeriod, parseEvent } from './support/run-input.ts';
import { errorForStateMachine } from './support/state-error.ts';

/** What a schedule sends: its report and <aws.scheduler.scheduled-time>. */
export const scheduleTickSchema = z.object({
  reportId: z.string().check(z.minLength(1)),
  scheduledTime: z.iso.datetime({ offset: true }),
});

export interface StartOutput {
  readonly executionName: string;
  /** False when this tick's execution already existed. */
  readonly started: boolean;
}

/** One name per report and period: "scheduled-hq-weekly-2019-W48". */
export function scheduledExecutionName(reportId: string, periodId: string): string {
  return `scheduled-${reportId}-${periodId}`;
}

export interface StartDependencies {
  readonly config: StartConfig;
  readonly sfn: SFNClient;
  readonly log: LambdaLogger;
}

export function createStartHandler(deps: StartDependencies) {
  return async (event: unknown, context?: Context): Promise<StartOutput> => {
    deps.log.withContext(context);
    try {
      const tick = parseEvent(scheduleTickSchema, event, 'schedule event');
      const definition = reportDefinition(tick.reportId);
      const period = defaultPeriod(definition, new Date(tick.scheduledTime));
      const executionName = scheduledExecutionName(definition.id, period.id);
      try {
        await deps.sfn.send(
          new StartExecutionCommand({
            stateMachineArn: `${deps.config.STATE_MACHINE_ARN_PREFIX}${definition.id}`,
            name: executionName,
            input: JSON.stringify({ reportId: definition.id, periodId: period.id }),
          }),
        );
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        deps.log.warn('scheduled run already started', { report: definition.id, period: period.id, executionName });
        return { executionName, started: false };
      }
      deps.log.info('scheduled run started', { report: definition.id, period: period.id, executionName });
      return { executionName, started: true };
    } catch (error) {
      deps.log.error('scheduled run not started', {
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        errorStack: (error as Error).stack,
      });
      throw errorForStateMachine(error, context);
    }
  };
}

let cached: ReturnType<typeof createStartHandler> | undefined;

export const handler = (event: unknown, context: Context): Promise<StartOutput> => {
  cached ??= createStartHandler({
    config: readConfig(startConfigSchema),
    sfn: new SFNClient({}),
    log: createLambdaLogger(),
  });
  return cached(event, context);
};
