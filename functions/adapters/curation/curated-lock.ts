// One writer at a time on a local curated layer, and no writer under a run's queries. A curate
// swaps a partition by removing it and renaming the new one into place: a run listing the layer
// in between would miss that day without an error, and two writers would race on the rename.
// `curate` holds the lock while it writes; a run holds it from its check to its end, so that the
// partitions it checked are the ones it reads. The lock is proper-lockfile's: a folder made
// atomically, its mtime refreshed while held, taken over once stale (its holder died, or was
// stopped: Ctrl-Z, a suspended laptop). A holder stopped that long resumes without knowing, so
// each holder writes its own token beside the lock, and checks it (`assertHeld`) before every
// step that a new holder would trip over: a curate before each swap, a run after each query.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lock } from 'proper-lockfile';
import { LakeError } from '#core/errors.ts';

/** Inside the curated folder: a name starting with '_' is not a table to any reader. */
export const LOCK_NAME = '_writer.lock';
/** Beside the lock: the token of its holder (the lock folder itself must stay empty to be removed). */
export const OWNER_NAME = '_writer.owner';
/** A lock not refreshed for this long is a dead holder's. */
const STALE_MS = 30_000;
const POLL_MS = 250;

export interface CuratedLock {
  /** This holder's name: its staging folder carries it. */
  readonly token: string;
  /** False once another curate or run has taken the lock over. */
  holds(): boolean;
  /** Throws CuratedLayerLockLostError once another curate or run has taken the lock over. */
  assertHeld(): void;
  release(): Promise<void>;
}

export class CuratedLayerBusyError extends LakeError {}
export class CuratedLayerLockLostError extends LakeError {}

export interface LockOptions {
  /** How long to wait for another holder before giving up. */
  readonly waitMs: number;
  /** Called once, when the lock is found held by another process. */
  readonly onWait?: () => void;
  /** Called if the lock was taken away while held (its folder removed, or taken over once stale). */
  readonly onCompromised?: (error: Error) => void;
  /** For tests: when a lock counts as stale (at least 2 s), and how often it is refreshed (at least 1 s). */
  readonly timing?: { readonly staleMs: number; readonly refreshMs: number };
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
    const owner = new Owner(curatedDir);
    try {
      const release = await lock(curatedDir, {
        lockfilePath: join(curatedDir, LOCK_NAME),
        realpath: false,
        stale: options.timing?.staleMs ?? STALE_MS,
        update: options.timing?.refreshMs ?? STALE_MS / 2,
        retries: 0,
        fs: owner.guardedFs,
        // the default throws from a timer, which would end the process
        onCompromised: (error) => {
          owner.compromised = error;
          options.onCompromised?.(error);
        },
      });
      owner.claim(release);
      return {
        token: owner.token,
        holds: () => owner.holds(),
        assertHeld: () => owner.assertHeld(),
        release: () => release().catch(() => undefined),
      };
    } catch (error) {
      if (error instanceof LakeError) throw error;
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

/** One holder's token, written beside the lock once it is taken, and the checks that read it back. */
class Owner {
  readonly token = randomBytes(8).toString('hex');
  compromised: Error | undefined;
  private claimed = false;
  private readonly path: string;
  /**
   * The file system proper-lockfile works through, except that a holder whose token is gone
   * never removes the lock folder: it is the new holder's (on release, and on exit, which
   * proper-lockfile handles itself).
   */
  readonly guardedFs: typeof fs;

  constructor(private readonly curatedDir: string) {
    this.path = join(curatedDir, OWNER_NAME);
    const mayRemove = () => !this.claimed || this.holds();
    this.guardedFs = {
      ...fs,
      rmdir: ((path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
        mayRemove() ? fs.rmdir(path, callback) : callback(null)) as typeof fs.rmdir,
      rmdirSync: ((path: string) => {
        if (mayRemove()) fs.rmdirSync(path);
      }) as typeof fs.rmdirSync,
    };
  }

  claim(release: () => Promise<void>): void {
    try {
      // renamed into place: a holder reading it never meets half a token
      fs.writeFileSync(`${this.path}.${this.token}`, this.token);
      fs.renameSync(`${this.path}.${this.token}`, this.path);
    } catch (error) {
      void release().catch(() => undefined);
      throw new LakeError(
        `cannot write the curated layer at ${this.curatedDir} (${(error as NodeJS.ErrnoException).code}): give a writable place with --curated DIR`,
        { cause: error },
      );
    }
    this.claimed = true;
  }

  holds(): boolean {
    if (this.compromised) return false;
    try {
      return fs.readFileSync(this.path, 'utf8') === this.token;
    } catch {
      return false;
    }
  }

  assertHeld(): void {
    if (!this.holds())
      throw new CuratedLayerLockLostError(
        `the curated layer at ${this.curatedDir} was taken over by another curate or run while this one was stopped ` +
          '(Ctrl-Z, a suspended machine) or its lock was removed: nothing more was written or read; run it again',
      );
  }
}
