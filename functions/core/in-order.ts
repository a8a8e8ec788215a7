// Runs an async step over a list with a few items in flight at once, and takes the results in
// the list's order. The report run renders its audiences this way: while one audience's chart
// PNGs are drawn off the main thread and its files written, the next one's model, charts and
// templates are built.

/**
 * fn(item) for every item, at most `window` of them started and not yet taken; onEach sees each
 * result in the order of the items. On a failure no further item starts, the ones in flight are
 * waited for (so nothing is left running), and the first failure in order is thrown.
 */
export async function mapInOrder<T, R>(
  items: readonly T[],
  window: number,
  fn: (item: T) => Promise<R>,
  onEach?: (result: R) => void,
): Promise<R[]> {
  const results: R[] = [];
  const running: Promise<R>[] = [];
  let next = 0;
  let failed = false;
  try {
    while (results.length < items.length) {
      while (!failed && next < items.length && running.length < Math.max(1, window)) {
        const started = fn(items[next]!);
        // Taken in order below; until then a failure stops further starts and is not unhandled.
        started.catch(() => {
          failed = true;
        });
        running.push(started);
        next += 1;
      }
      const result = await running.shift()!;
      results.push(result);
      onEach?.(result);
    }
  } catch (error) {
    await Promise.allSettled(running);
    throw error;
  }
  return results;
}
