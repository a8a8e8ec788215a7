// One writer at a time on a local curated layer, and no writer under a run's queries. A curate
// swaps a partition by removing it and renaming the new one into place: a run listing the layer
// in between would miss that day without an error, and two writers would race on the rename.
// `curate` holds the lock while it writes; a run holds it from its check to its end, so that the
// partitions it checked are the ones it reads. The lock is proper-lockfile's: a folder made
// atomically, its mtime refreshed while held, taken over once stale (its holder died).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { LakeError } from '#core/errors.ts';

/** Inside the curated folder: a name starting with '_' is not a table to any reader. */
export const LOCK_NAME = '_writer.lock';
/** A lock not refreshed for this long is a dead holder's. */
const STALE_MS = 30_000;
const POLL_MS = 250;

export interface CuratedLock {
  release(): Promise<void>;
}

export class CuratedLayerBusyError extends LakeError {}

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  readonly waitMs: number;
  /** Called once, when the lock is found held by another process. */
  readonly onWait?: () => void;
  /** Called if the lock was taken away while held (its folder removed, or not refreshed in time). */
  readonly onCompromised?: (error: Error) => void;
}

export async function lockCuratedLayer(curatedDir: string, options: LockOptions): Promise<CuratedLock> {
  await mkdir(curatedDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new LakeError(
      `cannot write the curated layer at ${curatedDir} (${error.code}): give a writable place with --curated DIR`,
      { cause: error },
    );
  });
  const deadline = Date.now() + options.waitMs;
  let waited = false;
  for (;;) {
    try {
      const release = await lock(curatedDir, {
        lockfilePath: join(curatedDir, LOCK_NAME),
        realpath: false,
        stale: STALE_MS,
        retries: 0,
        // the default throws from a timer, which would end the process
        onCompromised: options.onCompromised ?? (() => {}),
      });
      return { release: () => release().catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new LakeError(
          `cannot lock the curated layer at ${curatedDir} (${(error as NodeJS.ErrnoException).code}): give a writable place with --curated DIR`,
          { cause: error },
        );
      }
      if (Date.now() >= deadline)
        throw new CuratedLayerBusyError(
          `the curated layer at ${curatedDir} is held by another curate or run (${join(curatedDir, LOCK_NAME)}); waited ${Math.round(options.waitMs / 1000)} s`,
        );
      if (!waited) options.onWait?.();
      waited = true;
      await sleep(POLL_MS);
    }
  }
}
