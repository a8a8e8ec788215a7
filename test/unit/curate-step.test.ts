// The Curate step with a fake writer: it builds what is stale for the event that started it (a
// marker, the catch-up, Prepare's range), reports what it did, and gives the writer a clock that
// stops it within the function's time and within Prepare's budget.
import { describe, expect, it } from 'vitest';
import { type CurateRequest, type CurateResult, curateStep, STOP_MARGIN_MS } from '#handlers/steps/curate-step.ts';

const MINUTE = 60_000;

/** A fake clock and a writer that builds one batch of 4 units per 2 minutes while time allows. */
function fakeWorld(options: { units: number; functionMs: number }) {
  let now = Date.parse('2019-12-02T00:00:00Z');
  const started = now;
  const requests: CurateRequest[] = [];
  const lines: { message: string; fields?: Record<string, unknown> }[] = [];
  const curate = async (request: CurateRequest): Promise<CurateResult> => {
    requests.push(request);
    let built = 0;
    while (built < options.units && request.remainingMs() >= 2 * MINUTE) {
      now += 2 * MINUTE;
      built += Math.min(4, options.units - built);
      request.onProgress({ done: built, total: options.units, label: `batch ${built}` });
    }
    return {
      built: { requests: built, exits: 0, usage: 0 },
      kept: 0,
      removed: 0,
      fresh: 10,
      stale: options.units - built,
      batches: Math.ceil(built / 4),
      ms: now - started,
      rawIncomplete: 0,
    };
  };
  const log = {
    info: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields }),
  };
  const ports = {
    curate,
    remainingMs: () => options.functionMs - (now - started),
    log,
    now: () => new Date(now),
  };
  return { ports, requests, lines };
}

describe('curate step', () => {
  it('builds everything stale after a marker lands, and says which marker started it', async () => {
    const world = fakeWorld({ units: 8, functionMs: 15 * MINUTE });
    const event = {
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'lake' }, object: { key: 'port_requests/dt=2019-11-20/_SUCCESS' } },
    };

    const output = await curateStep(event, world.ports);

    expect(output).toMatchObject({
      trigger: 'port_requests/dt=2019-11-20/_SUCCESS',
      built: { requests: 8, usage: 0 },
      stale: 0,
      complete: true,
    });
    // A marker names no range: the writer plans over the whole lake.
    expect(world.requests[0]!.range).toBeUndefined();
    expect(world.lines.map((line) => line.message)).toContain('curated layer up to date');
  });

  it('passes the range Prepare asks for', async () => {
    const world = fakeWorld({ units: 4, functionMs: 15 * MINUTE });

    const output = await curateStep(
      { range: { from: '2019-11-11', to: '2019-12-01' }, budgetMs: 5 * MINUTE },
      world.ports,
    );

    expect(world.requests[0]!.range).toEqual({ from: '2019-11-11', to: '2019-12-01' });
    expect(output).toMatchObject({ trigger: 'prepare 2019-11-11..2019-12-01', complete: true });
  });

  it('stops between batches before the function times out, and leaves the rest to the next call', async () => {
    // 15 minutes less the 1-minute margin: 7 batches of 2 minutes (28 units) fit, 12 stay stale.
    const world = fakeWorld({ units: 40, functionMs: 15 * MINUTE });

    const output = await curateStep({}, world.ports);

    expect(output).toMatchObject({
      trigger: 'catch-up',
      built: { requests: 28, usage: 0 },
      stale: 12,
      complete: false,
    });
    expect(world.lines.map((line) => line.message)).toContain('curation stopped for time: the next call continues');
  });

  it("stops within Prepare's budget, which is tighter than the function's own time", async () => {
    const world = fakeWorld({ units: 40, functionMs: 15 * MINUTE });

    const output = await curateStep(
      { range: { from: '2019-11-01', to: '2019-11-30' }, budgetMs: 5 * MINUTE },
      world.ports,
    );

    // Two batches fit in 5 minutes (the third would end at 6).
    expect(output).toMatchObject({ built: { requests: 8, usage: 0 }, stale: 32, complete: false });
    expect(world.requests[0]!.remainingMs()).toBe(MINUTE);
    expect(STOP_MARGIN_MS).toBe(MINUTE);
  });

  it('refuses an event with a malformed range, by name', async () => {
    const world = fakeWorld({ units: 1, functionMs: 15 * MINUTE });

    const attempt = curateStep({ range: { from: '2019/11/01', to: '2019-11-30' } }, world.ports);

    await expect(attempt).rejects.toMatchObject({ name: 'ConfigurationError' });
    expect(world.requests).toEqual([]);
  });
});
