// The Curate entry point: the invocation's own time reaches the writer (less the stop margin),
// and a failed pass leaves by its error's name with one line, after an ERROR log line (alarmed).
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createCurateHandler } from '#handlers/curate.ts';
import type { CurateRequest } from '#handlers/steps/curate-step.ts';
import { curateConfigSchema } from '#handlers/support/config.ts';

const config = curateConfigSchema.parse({
  LAKE_BUCKET: 'lake',
  CURATED_BUCKET: 'curated',
  ATHENA_WORKGROUP: 'mnp-briefings-test',
  ATHENA_DATABASE: 'mnp_lake_test',
});

function logger() {
  const errors: Record<string, unknown>[] = [];
  return {
    errors,
    log: {
      info() {},
      warn() {},
      error: (_message: string, fields?: Record<string, unknown>) => errors.push(fields ?? {}),
      withContext() {},
    },
  };
}

const context = {
  getRemainingTimeInMillis: () => 600_000,
  logGroupName: '/aws/lambda/curate',
  awsRequestId: 'request-1',
} as unknown as Context;

describe('Curate handler', () => {
  it("gives the writer the invocation's time left, less the stop margin", async () => {
    const { log } = logger();
    const seen: number[] = [];
    const handler = createCurateHandler({
      config,
      log,
      curate: async (request: CurateRequest) => {
        seen.push(request.remainingMs());
        return {
          built: { requests: 1, exits: 0, usage: 0 },
          kept: 0,
          removed: 0,
          fresh: 3,
          stale: 0,
          batches: 1,
          ms: 5,
          rawIncomplete: 0,
        };
      },
    });

    const output = await handler({}, context);

    expect(seen).toEqual([540_000]);
    expect(output).toMatchObject({ trigger: 'catch-up', complete: true });
  });

  it('fails by name with one line and the log pointer, after logging the error', async () => {
    const { log, errors } = logger();
    const failure = Object.assign(new Error('Athena: scan limit\nstack'), { name: 'QueryError' });
    const handler = createCurateHandler({ config, log, curate: async () => Promise.reject(failure) });

    await expect(handler({}, context)).rejects.toMatchObject({
      name: 'QueryError',
      message: 'Athena: scan limit (log /aws/lambda/curate, request request-1)',
    });
    expect(errors).toEqual([expect.objectContaining({ errorType: 'QueryError' })]);
  });
});
