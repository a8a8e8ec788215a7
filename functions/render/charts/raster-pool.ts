// Rasterises chart SVGs to PNG on worker threads, for a process that draws many charts (the CLI's
// runs: 96 charts for the headquarters briefing and the 31 provincial reports). resvg's
// renderAsync rasterises off the main thread but its asPng() encodes on it, about 7 ms a chart;
// here both happen in a worker, so the main thread goes on with Vega and Handlebars meanwhile.
// The worker is a few lines of plain JavaScript that load resvg alone, no TypeScript and none of
// the code, so it starts in tens of milliseconds. Same resvg, same options: the same bytes.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { ChartError } from './chart-error.ts';

export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly png: Uint8Array;
}

export type Rasterize = (svg: string, options: ResvgRenderOptions) => Promise<RasterImage>;

export interface RasterPool {
  readonly rasterize: Rasterize;
  /** Stops the workers; a chart asked for afterwards starts them again. */
  close(): Promise<void>;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Resvg } = require(workerData.resvg);
parentPort.on('message', ({ id, svg, options }) => {
  try {
    const image = new Resvg(svg, options).render();
    const png = image.asPng();
    parentPort.postMessage({ id, width: image.width, height: image.height, png });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Reply {
  readonly id: number;
  readonly width?: number;
  readonly height?: number;
  readonly png?: Uint8Array;
  readonly error?: string;
}

interface Slot {
  readonly worker: Worker;
  /** Charts sent and not yet answered. */
  pending: number;
}

interface Task {
  readonly slot: Slot;
  resolve(image: RasterImage): void;
  reject(error: Error): void;
}

/**
 * A pool of up to `size` workers, started as charts wait for one. Idle workers do not keep the
 * process alive, so a run ends without closing the pool. The default, one per core and at most
 * four, measured faster on two cores than one worker: the main thread waits on the PNGs at times.
 */
export function createRasterPool(size = Math.min(4, availableParallelism())): RasterPool {
  const resvg = createRequire(import.meta.url).resolve('@resvg/resvg-js');
  const tasks = new Map<number, Task>();
  let slots: Slot[] = [];
  let nextId = 0;

  function settle(reply: Reply): void {
    const task = tasks.get(reply.id);
    if (!task) return;
    tasks.delete(reply.id);
    task.slot.pending -= 1;
    if (task.slot.pending === 0) task.slot.worker.unref();
    if (reply.error !== undefined || !reply.png) task.reject(new ChartError(`resvg: ${reply.error}`));
    else task.resolve({ width: reply.width!, height: reply.height!, png: reply.png });
  }

  // A worker that died takes its charts with it; the next chart starts a new one.
  function failAll(slot: Slot, error: Error): void {
    slots = slots.filter((other) => other !== slot);
    for (const [id, task] of tasks) {
      if (task.slot !== slot) continue;
      tasks.delete(id);
      task.reject(new ChartError(`the chart rasteriser stopped: ${error.message}`, { cause: error }));
    }
  }

  function start(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { resvg } });
    const slot: Slot = { worker, pending: 0 };
    worker.on('message', settle);
    worker.on('error', (error) => failAll(slot, error));
    worker.on('exit', (code) => failAll(slot, new Error(`its worker exited with code ${code}`)));
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function leastBusy(): Slot {
    const best = slots.reduce<Slot | undefined>(
      (min, slot) => (min && min.pending <= slot.pending ? min : slot),
      undefined,
    );
    if (best && (best.pending === 0 || slots.length >= size)) return best;
    return start();
  }

  return {
    rasterize(svg, options) {
      const slot = leastBusy();
      const id = nextId;
      nextId += 1;
      return new Promise<RasterImage>((resolve, reject) => {
        tasks.set(id, { slot, resolve, reject });
        if (slot.pending === 0) slot.worker.ref();
        slot.pending += 1;
        slot.worker.postMessage({ id, svg, options });
      });
    },
    async close() {
      const stopping = slots;
      slots = [];
      await Promise.all(stopping.map((slot) => slot.worker.terminate()));
    },
  };
}
