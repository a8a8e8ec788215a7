// What the operator sees while mail goes out: nothing for a short send, progress once it lasts
// over three seconds, and on Ctrl-C one line saying what was done and that no more sends start.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferIo } from '#cli/io.ts';
import { createSendWatch } from '#cli/send-watch.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('a send phase', () => {
  it('stays quiet when short and shows progress once it lasts over three seconds', async () => {
    vi.useFakeTimers();
    const io = bufferIo();
    const watch = createSendWatch(io);

    await watch.during('hq-weekly 2019-W50', 2, async ({ onProgress }) => onProgress({ done: 1, total: 2 }));
    const quiet = [...io.stderr];
    await watch.during('province-monthly 2019-12', 62, async ({ onProgress }) => {
      for (let done = 1; done <= 10; done += 1) onProgress({ done, total: 62 });
      await vi.advanceTimersByTimeAsync(3_100);
    });

    expect(quiet).toEqual([]);
    expect(io.stderr).toEqual(['sending province-monthly 2019-12: 10/62 recipient(s) done after 3 s']);
  });

  it('turns the first Ctrl-C into a stop: the signal aborts and one line says what was done', async () => {
    const io = bufferIo();
    const watch = createSendWatch(io);

    const aborted = await watch.during('hq-weekly 2019-W50', 2, async ({ signal, onProgress }) => {
      onProgress({ done: 1, total: 2 });
      process.emit('SIGINT');
      return signal.aborted;
    });

    expect(aborted).toBe(true);
    expect(watch.interrupted).toBe(true);
    expect(io.stderr).toEqual([
      'mnp-briefings: interrupted: 1 of 2 recipient(s) of hq-weekly 2019-W50 done; finishing the sends already handed over, starting no more (Ctrl-C again quits at once)',
    ]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
