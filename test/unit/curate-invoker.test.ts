// Prepare invokes the Curate function synchronously with the run's range and its budget; a
// function error or a failed call becomes a LakeError, which sends the run to the raw feed.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { curateThroughFunction } from '#adapters/curation/curate-invoker.ts';

const lambda = mockClient(LambdaClient);

describe('curate through the Curate function', () => {
  beforeEach(() => lambda.reset());

  it('invokes it RequestResponse with the range and the budget', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const curate = curateThroughFunction({ client: new LambdaClient({}), functionName: 'mnp-curate' });

    await curate({ from: '2019-09-23', to: '2019-12-01' }, 300_000);

    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'mnp-curate', InvocationType: 'RequestResponse' });
    expect(JSON.parse(new TextDecoder().decode(input.Payload as Uint8Array))).toEqual({
      range: { from: '2019-09-23', to: '2019-12-01' },
      budgetMs: 300_000,
    });
  });

  it('fails with the function error it reports', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: new TextEncoder().encode('{"errorType":"QueryError","errorMessage":"scan limit"}') as never,
    });
    const curate = curateThroughFunction({ client: new LambdaClient({}), functionName: 'mnp-curate' });

    await expect(curate({ from: '2019-11-01', to: '2019-11-30' }, 60_000)).rejects.toMatchObject({
      name: 'LakeError',
      message: expect.stringContaining('mnp-curate failed (Unhandled): {"errorType":"QueryError"'),
    });
  });

  it('fails when the call fails (throttled: another curation is running)', async () => {
    lambda.on(InvokeCommand).rejects(new Error('Rate Exceeded.'));
    const curate = curateThroughFunction({ client: new LambdaClient({}), functionName: 'mnp-curate' });

    await expect(curate({ from: '2019-11-01', to: '2019-11-30' }, 60_000)).rejects.toMatchObject({
      name: 'LakeError',
      message: 'invoking mnp-curate: Rate Exceeded.',
    });
  });
});
