// The schedules' starter: a tick starts the report's state machine under a name made of the
// report and the period the tick stands for (the latest complete one in Beijing), and a repeated
// tick starts nothing new.
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createStartHandler } from '#handlers/start-scheduled-run.ts';

const sfn = mockClient(SFNClient);
const silent = { info() {}, warn() {}, error() {}, withContext() {} };
const PREFIX = 'arn:aws:states:ap-southeast-1:111122223333:stateMachine:mnp-briefings-dev-';

function starter() {
  return createStartHandler({
    config: { STATE_MACHINE_ARN_PREFIX: PREFIX },
    sfn: new SFNClient({ region: 'ap-southeast-1' }),
    log: silent,
  });
}

describe('starting a scheduled run', () => {
  afterEach(() => sfn.reset());

  it('names the execution after the report and the week that ended before the tick, in Beijing', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${PREFIX}hq-weekly:scheduled-hq-weekly-2019-W48` });

    // Monday 2 December 2019, 08:30 in Beijing: the week 25 Nov to 1 Dec is 2019-W48.
    const output = await starter()({ reportId: 'hq-weekly', scheduledTime: '2019-12-02T00:30:00Z' });

    expect(output).toEqual({ executionName: 'scheduled-hq-weekly-2019-W48', started: true });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: `${PREFIX}hq-weekly`,
      name: 'scheduled-hq-weekly-2019-W48',
      input: JSON.stringify({ reportId: 'hq-weekly', periodId: '2019-W48' }),
    });
  });

  it('names a monthly run after the month that ended before the tick', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });

    // 3 December 2019, 09:00 in Beijing: November.
    const output = await starter()({ reportId: 'province-monthly', scheduledTime: '2019-12-03T01:00:00Z' });

    expect(output.executionName).toBe('scheduled-province-monthly-2019-11');
  });

  it('starts nothing new when the tick is repeated after its execution ended', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    const output = await starter()({ reportId: 'hq-weekly', scheduledTime: '2019-12-02T00:30:00Z' });

    expect(output).toEqual({ executionName: 'scheduled-hq-weekly-2019-W48', started: false });
  });

  it('fails with a one-line ConfigurationError for an unknown report', async () => {
    const failure = await starter()({ reportId: 'nope', scheduledTime: '2019-12-02T00:30:00Z' }).then(
      () => new Error('started a run of an unknown report'),
      (error: unknown) => error as Error,
    );

    expect(failure.name).toBe('ConfigurationError');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
