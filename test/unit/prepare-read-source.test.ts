// Prepare's choice of source in AWS (functions/handlers/steps/read-source.ts), through the step:
// a fresh curated layer is read; a stale one is rebuilt through the Curate function when time
// allows and then read; otherwise the whole run reads the raw feed, warns naming the stale
// partitions, and the snapshot says so. Fakes stand for the lake, the engines and the function.
import { describe, expect, it } from 'vitest';
import type { LakeInventory, LakeTable, PartitionRange, QueryEngine, ReportStore } from '#core/ports.ts';
import { prepareStep } from '#handlers/steps/prepare-step.ts';
import {
  CURATE_FIXED_MS,
  CURATE_MS_PER_UNIT,
  type CuratedLayer,
  curationEstimateMs,
  QUERY_RESERVE_MS,
  type ReadSource,
} from '#handlers/steps/read-source.ts';

const MINUTE = 60_000;
// Monday 2 December 2019, 08:30 in Beijing: hq-weekly for 2019-W48 (25 Nov - 1 Dec).
const EVENT = { request: { reportId: 'hq-weekly', periodId: '2019-W48' }, startedAt: '2019-12-02T00:30:00.000Z' };

function datesOrMonths(range: PartitionRange | undefined): string[] {
  if (!range) return [];
  const values: string[] = [];
  if (range.from.length === 7) {
    for (let month = range.from; month <= range.to; ) {
      values.push(month);
      const [year, m] = month.split('-').map(Number) as [number, number];
      month = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
    }
    return values;
  }
  for (let day = new Date(`${range.from}T00:00:00Z`); day.toISOString().slice(0, 10) <= range.to; ) {
    values.push(day.toISOString().slice(0, 10));
    day = new Date(day.getTime() + 86_400_000);
  }
  return values;
}

/** Every partition asked for is there and complete: the readiness check passes. */
const readyLake: LakeInventory = {
  listPartitions: async (table: LakeTable, within?: PartitionRange) =>
    datesOrMonths(within).map((value) => ({ table, value, complete: true })),
};

function memoryStore(): ReportStore & { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  return {
    objects,
    put: async (key, body) => {
      objects.set(key, typeof body === 'string' ? body : new TextDecoder().decode(body));
    },
    get: async (key) => (objects.has(key) ? new TextEncoder().encode(objects.get(key)) : undefined),
    list: async (prefix) => [...objects.keys()].filter((key) => key.startsWith(prefix)),
    locate: (key) => `memory://${key}`,
  };
}

function world(options: { stale: string[][]; curateFails?: Error; remainingMs?: number; states?: string[] }) {
  const queried: ReadSource[] = [];
  const engineFor = (source: ReadSource): QueryEngine => ({
    runMetric: async () => {
      queried.push(source);
      return [];
    },
    close: async () => {},
  });
  const staleAnswers = [...options.stale];
  const stateAnswers = [...(options.states ?? [])];
  const invocations: { range: { from: string; to: string }; budgetMs: number }[] = [];
  const curated: CuratedLayer = {
    check: async () => ({
      stale: staleAnswers.shift() ?? [],
      state: stateAnswers.shift() ?? 'dt=2019-11-30@2019-12-01T17:00:00Z',
    }),
    curate: async (range, budgetMs) => {
      invocations.push({ range, budgetMs });
      if (options.curateFails) throw options.curateFails;
    },
  };
  const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
  const store = memoryStore();
  const ports = {
    engineFor,
    curated,
    remainingMs: () => options.remainingMs ?? 10 * MINUTE,
    inventory: readyLake,
    store,
    log: {
      info: () => {},
      warn: (message: string, fields?: Record<string, unknown>) => warnings.push({ message, fields }),
      error: () => {},
    },
    now: () => new Date('2019-12-02T00:31:00Z'),
  };
  const snapshot = () =>
    JSON.parse(store.objects.get('runs/hq-weekly/2019-W48/snapshots/2019-12-02T00-30-00-000Z.json')!);
  return { ports, queried, invocations, warnings, snapshot };
}

describe("Prepare's source", () => {
  it('reads the curated layer when every unit the run reads is fresh', async () => {
    const w = world({ stale: [[]] });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(output.source).toBe('curated');
    expect(new Set(w.queried)).toEqual(new Set(['curated']));
    expect(w.invocations).toEqual([]);
    expect(w.snapshot().source).toEqual({ read: 'curated' });
  });

  it('reads the raw feed when a Curate rebuilt a unit under its queries (S3 has no lock), and says why', async () => {
    const w = world({
      stale: [[]],
      states: ['dt=2019-11-30@2019-12-01T17:00:00Z', 'dt=2019-11-30@2019-12-02T00:31:30Z'],
    });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(output.source).toBe('raw');
    expect(w.queried.filter((source) => source === 'curated')).toHaveLength(6);
    expect(w.queried.filter((source) => source === 'raw')).toHaveLength(6);
    expect(w.snapshot().source).toMatchObject({ read: 'raw', reason: expect.stringContaining('rebuilt units') });
    expect(w.warnings.map((warning) => warning.message)).toEqual([
      'curated layer changed under the queries: this run reads the raw feed',
    ]);
  });

  it('reads the raw feed when a unit it read went stale during its queries', async () => {
    const w = world({ stale: [[], ['dt=2019-12-01']] });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(output.source).toBe('raw');
    expect(w.snapshot().source.reason).toBe('units went stale during the queries: dt=2019-12-01');
  });

  it('rebuilds stale units through the Curate function when time allows, then reads the curated layer', async () => {
    const w = world({ stale: [['dt=2019-11-30', 'dt=2019-12-01'], []], remainingMs: 9 * MINUTE });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    // The run's requests partitions: a lookback week before the 8-week trend, to the period's end,
    // and the week after it where a request's misfiled versions may lie (VERSION_NEIGHBOUR_DAYS).
    expect(w.invocations).toHaveLength(1);
    expect(w.invocations[0]!.range.to).toBe('2019-12-08');
    // The budget is what is left once the queries' reserve is kept back.
    expect(w.invocations[0]!.budgetMs).toBe(9 * MINUTE - QUERY_RESERVE_MS);
    expect(output.source).toBe('curated');
    expect(new Set(w.queried)).toEqual(new Set(['curated']));
    expect(w.warnings).toEqual([]);
  });

  it('reads the raw feed for the whole run when the Curate function fails, naming the stale partitions', async () => {
    const w = world({ stale: [['dt=2019-11-30', 'month=2019-10']], curateFails: new Error('Rate exceeded') });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(output.source).toBe('raw');
    expect(new Set(w.queried)).toEqual(new Set(['raw']));
    expect(w.warnings).toEqual([
      {
        message: 'curated layer stale: this run reads the raw feed',
        fields: expect.objectContaining({
          stalePartitions: ['dt=2019-11-30', 'month=2019-10'],
          reason: 'the Curate function failed: Rate exceeded',
        }),
      },
    ]);
    expect(w.snapshot().source).toEqual({
      read: 'raw',
      staleUnits: ['dt=2019-11-30', 'month=2019-10'],
      reason: 'the Curate function failed: Rate exceeded',
    });
  });

  it('reads the raw feed when the Curate function returns with units still stale', async () => {
    const w = world({ stale: [['dt=2019-11-29', 'dt=2019-11-30'], ['dt=2019-11-30']] });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(output.source).toBe('raw');
    expect(w.snapshot().source.staleUnits).toEqual(['dt=2019-11-30']);
  });

  it('reads the raw feed at once, without invoking, when the time left cannot cover the rebuild', async () => {
    // 30 stale units need 60 s + 30 x 20 s = 11 minutes; 8 minutes less the 4-minute reserve leave 4.
    const stale = Array.from({ length: 30 }, (_, day) => `dt=2019-10-${String(day + 1).padStart(2, '0')}`);
    const w = world({ stale: [stale], remainingMs: 8 * MINUTE });

    const output = await prepareStep(EVENT, 'CMCC', w.ports);

    expect(curationEstimateMs(30)).toBe(CURATE_FIXED_MS + 30 * CURATE_MS_PER_UNIT);
    expect(w.invocations).toEqual([]);
    expect(output.source).toBe('raw');
    expect(w.warnings[0]!.fields).toMatchObject({ stalePartitions: stale });
    expect(String(w.warnings[0]!.fields!['reason'])).toMatch(/^30 stale units need about 660 s, 240 s left$/);
  });

  it('reads the raw feed where the stage has no curated layer', async () => {
    const w = world({ stale: [] });
    const { curated: _none, ...withoutCurated } = w.ports;

    const output = await prepareStep(EVENT, 'CMCC', withoutCurated);

    expect(output.source).toBe('raw');
    expect(w.warnings).toEqual([]);
  });
});
