// Which source a run's metric queries read in AWS: the curated layer when every curated unit the
// run reads is fresh, the raw feed otherwise (docs/curated-layer.md, "In AWS"). All-curated or
// all-raw per run, never mixed: the figures of one report come from one derivation. A stale unit
// is rebuilt first, by the Curate function invoked synchronously, when the time left allows it;
// Prepare itself never writes curated data.
import type { Logger } from '#core/ports.ts';
import type { CurateRange } from './curate-step.ts';

export type ReadSource = 'curated' | 'raw';

/** What one look at the records of a range's curated units says. */
export interface Freshness {
  /** The units the range reads that are stale or orphaned ("dt=2019-11-20", "month=2019-10"). */
  readonly stale: readonly string[];
  /**
   * What the records say now (each unit's build time): the same before and after a run's queries
   * when no Curate rebuilt a unit under them (S3 has no lock to stop it).
   */
  readonly state: string;
}

export interface CuratedLayer {
  check(range: CurateRange): Promise<Freshness>;
  /** Builds what is stale in the range (the Curate function), returning within budgetMs. */
  curate(range: CurateRange, budgetMs: number): Promise<void>;
}

/**
 * Why the curated layer a run's queries just read may not be the one they began on: a unit of the
 * range rebuilt, removed or left stale meanwhile (the Curate function replaces a partition by
 * deleting it and copying the new objects in), or undefined when nothing moved.
 */
export async function curatedMovedSince(
  curated: CuratedLayer,
  range: CurateRange,
  before: string,
): Promise<string | undefined> {
  const after = await curated.check(range);
  if (after.stale.length > 0) return `units went stale during the queries: ${after.stale.join(', ')}`;
  return after.state === before ? undefined : 'the Curate function rebuilt units of the range during the queries';
}

export interface SourceChoice {
  readonly read: ReadSource;
  /** The stale units that sent the run to the raw feed (empty when it reads the curated layer). */
  readonly staleUnits: readonly string[];
  /** The stale units the Curate function rebuilt for this run. */
  readonly rebuilt: number;
  /** Why the run reads the raw feed. */
  readonly reason?: string;
  /** Reading the curated layer: its records' state as last checked, for curatedMovedSince after the queries. */
  readonly curatedState?: string;
}

/**
 * The rule for a synchronous rebuild: a fixed minute (the listing, Athena's queueing, the first
 * pass) and 20 s per stale unit (a 16-day batch is one pass of about five minutes at national
 * scale), and the metric queries' reserve after it. Below that, the run reads the raw feed at once
 * rather than risk timing out halfway; the hourly catch-up rebuilds the units later.
 */
export const CURATE_FIXED_MS = 60_000;
export const CURATE_MS_PER_UNIT = 20_000;
/** What the six metric queries need after the rebuild: typically a minute, four in reserve. */
export const QUERY_RESERVE_MS = 4 * 60_000;

export function curationEstimateMs(staleUnits: number): number {
  return CURATE_FIXED_MS + staleUnits * CURATE_MS_PER_UNIT;
}

export { curatedRangeOf } from '#core/curation.ts';

export interface ChooseSourcePorts {
  /** Unset where the stage has no curated layer: every run reads the raw feed. */
  readonly curated?: CuratedLayer;
  /** The Prepare invocation's time left. */
  readonly remainingMs: () => number;
  readonly log: Logger;
}

const raw = (staleUnits: readonly string[], reason: string): SourceChoice => ({
  read: 'raw',
  staleUnits,
  rebuilt: 0,
  reason,
});

export async function chooseReadSource(range: CurateRange, ports: ChooseSourcePorts): Promise<SourceChoice> {
  const { curated, log } = ports;
  if (!curated) return raw([], 'no curated layer on this stage');
  let stale: readonly string[];
  try {
    const first = await curated.check(range);
    if (first.stale.length === 0) return { read: 'curated', staleUnits: [], rebuilt: 0, curatedState: first.state };
    stale = first.stale;
  } catch (error) {
    log.warn('curated layer not checked: this run reads the raw feed', { range, reason: (error as Error).message });
    return raw([], `freshness not checked: ${(error as Error).message}`);
  }

  const budgetMs = ports.remainingMs() - QUERY_RESERVE_MS;
  const estimateMs = curationEstimateMs(stale.length);
  let reason: string;
  if (budgetMs < estimateMs) {
    reason = `${stale.length} stale units need about ${Math.ceil(estimateMs / 1000)} s, ${Math.max(0, Math.floor(budgetMs / 1000))} s left`;
  } else {
    log.info('curated layer stale: rebuilding before the queries', { range, staleUnits: stale, budgetMs });
    try {
      await curated.curate(range, budgetMs);
      const still = await curated.check(range);
      if (still.stale.length === 0)
        return { read: 'curated', staleUnits: [], rebuilt: stale.length, curatedState: still.state };
      reason = 'the Curate function stopped before every unit was built';
      stale = still.stale;
    } catch (error) {
      reason = `the Curate function failed: ${(error as Error).message}`;
    }
  }
  log.warn('curated layer stale: this run reads the raw feed', { range, stalePartitions: stale, reason });
  return raw(stale, reason);
}
