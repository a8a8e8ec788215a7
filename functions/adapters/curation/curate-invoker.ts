// Prepare's way to rebuild stale curated partitions: invoke the Curate function synchronously
// (RequestResponse) with the run's range and the time Prepare can spare, and wait for it. The
// Curate function is the one writer of the curated layer (reserved concurrency 1); Prepare never
// writes curated data itself.
import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CurateRange } from '#core/curation.ts';
import { LakeError } from '#core/errors.ts';

export interface CurateInvokerOptions {
  readonly client: LambdaClient;
  readonly functionName: string;
}

export type CurateRangeRequest = CurateRange;

/** Runs the Curate function over the range; rejects when it fails, reports an error, or outlasts the budget. */
export function curateThroughFunction(
  options: CurateInvokerOptions,
): (range: CurateRangeRequest, budgetMs: number) => Promise<void> {
  return async (range, budgetMs) => {
    const payload = JSON.stringify({
      range: { from: range.from, to: range.to, ...(range.months ? { months: range.months } : {}) },
      budgetMs,
    });
    let response: InvokeCommandOutput;
    try {
      // A little more than the budget: the function stops its passes inside the budget and then returns.
      response = await options.client.send(
        new InvokeCommand({
          FunctionName: options.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(payload),
        }),
        { abortSignal: AbortSignal.timeout(budgetMs + 30_000) },
      );
    } catch (error) {
      throw new LakeError(`invoking ${options.functionName}: ${(error as Error).message}`, { cause: error });
    }
    if (response.FunctionError) {
      const body = response.Payload ? new TextDecoder().decode(response.Payload) : '';
      throw new LakeError(`${options.functionName} failed (${response.FunctionError}): ${body.slice(0, 300)}`);
    }
  };
}
