// Rasterises chart SVGs to PNG on worker threads, for a process that draws many charts (the CLI's
// runs: 96 charts for the headquarters briefing and the 31 provincial reports). resvg's
// renderAsync rasterises off the main thread but its asPng() encodes on it, about 7 ms a chart;
// here both happen on a piscina worker (raster-worker.cjs), so the main thread goes on with Vega
// and Handlebars meanwhile. Same resvg, same options: the same bytes.
import { availableParallelism } from 'node:os';
import type { ResvgRenderOptions } from '@resvg/resvg-js';
import { Piscina } from 'piscina';
import { ChartError } from './chart-error.ts';

export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly png: Uint8Array;
}

export type Rasterize = (svg: string, options: ResvgRenderOptions) => Promise<RasterImage>;

export interface RasterPool {
  readonly rasterize: Rasterize;
  /** Stops the workers; charts still waiting fail. */
  close(): Promise<void>;
}

interface WorkerReply {
  readonly width: number;
  readonly height: number;
  readonly png: Uint8Array;
}

/** Idle workers stay this long for the next report's charts; idle, they do not hold the process open. */
const IDLE_MS = 30_000;

/**
 * A pool of up to `size` workers, started as charts wait for one. The default, one per core and
 * at most four, measured faster on two cores than one worker: the main thread waits on the PNGs
 * at times. A worker that dies fails its chart and is replaced for the next.
 */
export function createRasterPool(size = Math.min(4, availableParallelism())): RasterPool {
  const pool = new Piscina<{ svg: string; options: ResvgRenderOptions }, WorkerReply>({
    filename: new URL('./raster-worker.cjs', import.meta.url).href,
    minThreads: 0,
    maxThreads: Math.max(1, size),
    idleTimeout: IDLE_MS,
  });
  return {
    async rasterize(svg, options) {
      try {
        const { width, height, png } = await pool.run({ svg, options });
        return { width, height, png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength) };
      } catch (error) {
        throw new ChartError(`resvg: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    },
    close: () => pool.destroy(),
  };
}
