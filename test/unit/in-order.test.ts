// mapInOrder, how a report run renders its audiences: a few at once, results taken in order.
import { describe, expect, it } from 'vitest';
import { mapInOrder } from '#core/in-order.ts';

/** A step whose items finish in the order given by their delays, recording what runs at once. */
function tracedStep(delays: Record<string, number>, fail?: string) {
  const trace = { started: [] as string[], running: 0, mostAtOnce: 0 };
  const step = async (item: string): Promise<string> => {
    trace.started.push(item);
    trace.running += 1;
    trace.mostAtOnce = Math.max(trace.mostAtOnce, trace.running);
    await new Promise((resolve) => setTimeout(resolve, delays[item] ?? 0));
    trace.running -= 1;
    if (item === fail) throw new Error(`${item} failed`);
    return item.toUpperCase();
  };
  return { trace, step };
}

describe('mapInOrder', () => {
  it('returns and reports the results in the order of the items, however they finish', async () => {
    const { step } = tracedStep({ a: 30, b: 1, c: 10 });
    const seen: string[] = [];

    const results = await mapInOrder(['a', 'b', 'c'], 2, step, (result) => seen.push(result));

    expect(results).toEqual(['A', 'B', 'C']);
    expect(seen).toEqual(['A', 'B', 'C']);
  });

  it('has at most the window of items in flight', async () => {
    const { trace, step } = tracedStep({ a: 5, b: 5, c: 5, d: 5, e: 5 });

    await mapInOrder(['a', 'b', 'c', 'd', 'e'], 2, step);

    expect(trace.mostAtOnce).toBe(2);
  });

  it('on a failure starts nothing further, waits for the item in flight, and throws the failure', async () => {
    const { trace, step } = tracedStep({ a: 1, b: 20, c: 1 }, 'a');

    await expect(mapInOrder(['a', 'b', 'c'], 2, step)).rejects.toThrow('a failed');

    expect(trace.started).toEqual(['a', 'b']);
    expect(trace.running).toBe(0);
  });

  it('starts nothing further once a later item failed while an earlier one still runs', async () => {
    const { trace, step } = tracedStep({ a: 30, b: 1, c: 1 }, 'b');

    await expect(mapInOrder(['a', 'b', 'c'], 2, step)).rejects.toThrow('b failed');

    expect(trace.started).toEqual(['a', 'b']);
  });
});
