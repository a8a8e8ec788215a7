// Options of the lake generator, checked once before anything touches the disk.
import { isValidDay } from './calendar.ts';
import { LakeGenOptionsError } from './errors.ts';

export interface GenerateLakeOptions {
  lakeDir: string;
  /** First Beijing date, YYYY-MM-DD. */
  from: string;
  /** Last Beijing date, inclusive. */
  to: string;
  seed: number;
  /** Volume multiplier: 1 is about 1,000 port requests a day nationally. */
  scale: number;
  onProgress?: (message: string) => void;
}

/** Enough for 20 million requests a year at scale 55; far beyond that memory is not the limit, disk is. */
const MAX_SCALE = 1000;

export function validateOptions(options: GenerateLakeOptions): void {
  const { lakeDir, from, to, seed, scale } = options;
  if (typeof lakeDir !== 'string' || lakeDir.trim() === '')
    throw new LakeGenOptionsError('lakeDir must be a folder path');
  for (const [name, day] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (!isValidDay(day))
      throw new LakeGenOptionsError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(day)}`);
  }
  if (from > to) throw new LakeGenOptionsError(`from (${from}) is after to (${to})`);
  if (!Number.isSafeInteger(seed)) throw new LakeGenOptionsError(`seed must be an integer, got ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new LakeGenOptionsError(`scale must be a number above 0 and at most ${MAX_SCALE}, got ${scale}`);
  }
}
