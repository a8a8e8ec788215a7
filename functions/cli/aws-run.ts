// --target aws for run, rerun: start the deployed state machine instead of running here.
import { reportDefinition } from '#core/report-definitions.ts';
import { refuseUnreportablePeriod, reportPeriod } from '#core/run-lifecycle.ts';
import { type AwsRunInput, executionName, stateMachineName } from './aws-run-input.ts';
import type { CliIo } from './io.ts';

/** Starts the deployed state machine instead of running here (--target aws). */
export async function startAwsRun(
  kind: string,
  input: AwsRunInput,
  options: {
    stage?: string | undefined;
    region?: string | undefined;
    dryRun?: boolean | undefined;
    json?: boolean | undefined;
  },
  io: CliIo,
): Promise<void> {
  // Without the lake at hand, only the clock can refuse a period: one not ended yet.
  if (input.periodId)
    refuseUnreportablePeriod(reportPeriod(reportDefinition(input.reportId), input.periodId), new Date());
  // The AWS SDK is loaded only here, when a run is started in AWS.
  const { AwsTarget, defaultAwsClients } = await import('./aws-target.ts');
  const aws = new AwsTarget(options.stage!, defaultAwsClients(options.region));
  const name = executionName(kind, input, new Date());
  if (options.dryRun) {
    const plan = { dryRun: true, stateMachine: stateMachineName(options.stage!, input.reportId), name, input };
    io.out(
      options.json
        ? JSON.stringify(plan)
        : `dry run: would start ${plan.stateMachine} as ${name} with ${JSON.stringify(input)}`,
    );
    return;
  }
  const executionArn = await aws.startRun(input, name);
  io.out(
    options.json
      ? JSON.stringify({ executionArn, name, input })
      : `started ${executionArn}\n  input ${JSON.stringify(input)}\n  follow it with: mnp-briefings status --target aws --stage ${options.stage} --report ${input.reportId}${input.periodId ? ` --period ${input.periodId}` : ''}`,
  );
}
