// Wires the local adapters: DuckDB over the lake folder (or a Trino cluster), the output folder as the archive,
// the renderers with server-side charts, and JSON logs on stderr.

import { curatedDirOf } from '#adapters/curation/curated-location.ts';
import { type CuratedLock, lockCuratedLayer } from '#adapters/curation/curated-lock.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { retryingEngine } from '#adapters/engine/retrying-engine.ts';
import { FsLake, strayPartitionFolders } from '#adapters/lake/fs-lake.ts';
import { createJsonLogger } from '#adapters/log/json-logger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { type CurateRange, curatedRangeOf } from '#core/curation.ts';
import { ConfigurationError } from '#core/errors.ts';
import type { BriefingRenderer, LakeInventory, Logger, QueryEngine } from '#core/ports.ts';
import type { Locale } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import type { ChartSpec } from '#render/charts/chart-spec.ts';
import { type ChartDrawer, createChartDrawer } from '#render/charts/draw-chart.ts';
import { createRasterPool } from '#render/charts/raster-pool.ts';
import { PRECOMPILED_TEMPLATES } from '#render/precompiled-templates.ts';
import { type EngineChoice, openEngine, openLakeInventory, parseS3Lake } from './engine-options.ts';

export interface LocalRuntime {
  /** DuckDB or Trino, with transient failures (a busy file, a busy cluster) retried with backoff. */
  readonly engine: QueryEngine & { readonly queryCount: number };
  readonly inventory: LakeInventory;
  readonly store: FsReportStore;
  readonly renderers: Readonly<Record<Locale, BriefingRenderer>>;
  readonly log: Logger;
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
  /** The lake folder, or with a Trino engine an s3://bucket/prefix/ lake. */
  readonly lakeDir: string;
  readonly outDir: string;
  readonly verbose?: boolean;
  readonly logSink: (line: string) => void;
  /** @default DuckDB over lakeDir */
  readonly engine?: EngineChoice | undefined;
}

let chartDrawer: ChartDrawer | undefined;

/**
 * One drawer for the process: its charts are rasterised on worker threads (started on the first
 * chart; idle ones keep no run alive), so the PNGs are encoded while the next report renders.
 */
function localChartDrawer(workers: number | undefined): ChartDrawer {
  chartDrawer ??= createChartDrawer({ rasterize: createRasterPool(workers).rasterize });
  return chartDrawer;
}

/** MNP_RENDER_WORKERS: the threads that draw chart PNGs; by default one per core, at most four. */
function renderWorkers(): number | undefined {
  const raw = process.env.MNP_RENDER_WORKERS?.trim();
  if (!raw) return undefined;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigurationError(`MNP_RENDER_WORKERS must be a whole number of threads, 1 or more, not "${raw}"`);
  return count;
}

export function createRenderers(): Record<Locale, BriefingRenderer> {
  const workers = renderWorkers();
  const drawChart = (spec: ChartSpec) => localChartDrawer(workers).start(spec);
  // Precompiled: compiling every template cost a national run about 0.2 s (docs/performance.md).
  return {
    'zh-CN': createBriefingRenderer({ locale: 'zh-CN', drawChart, precompiledTemplates: PRECOMPILED_TEMPLATES }),
    en: createBriefingRenderer({ locale: 'en', drawChart, precompiledTemplates: PRECOMPILED_TEMPLATES }),
  };
}

/** How long a run waits for another curate or run to finish with the curated layer before it reads the raw feed. */
const RUN_LOCK_WAIT_MS = 2 * 60_000;

/**
 * Brings the curated layer up to date before each report of a run reads it (docs/curated-layer.md),
 * so no report reads a stale curated partition. The writer's lock is taken at the first check and
 * held to the run's end, so that no curate swaps a partition under the run's queries. Where the
 * layer cannot be written (or stays locked), the run reads the raw feed (the same figures,
 * slower) and says so. MNP_CURATED=off skips it.
 */
function curatedLayerOfRun(lakeDir: string, log: Logger, memoryLimit: string | undefined) {
  let lock: CuratedLock | undefined;
  let readingCurated = false;
  return {
    async ready(range: CurateRange): Promise<string | undefined> {
      readingCurated = false;
      if (process.env.MNP_CURATED?.trim() === 'off') return undefined;
      const curatedDir = await curatedDirOf(lakeDir);
      try {
        if (lock && !lock.holds()) {
          // taken over while this run was stopped: its next report waits for the layer again
          await lock.release();
          lock = undefined;
        }
        lock ??= await lockCuratedLayer(curatedDir, {
          waitMs: RUN_LOCK_WAIT_MS,
          onWait: () => log.warn('waiting for another curate or run to finish with the curated layer', { curatedDir }),
          onCompromised: (error) =>
            log.warn('the curated layer lock was lost during the run', { curatedDir, reason: error.message }),
        });
        const summary = await curateLake({
          lakeDir,
          curatedDir,
          range,
          lock: { held: lock },
          ...(memoryLimit ? { memoryLimit } : {}),
        });
        log.info('curated layer up to date', { curatedDir, range, ...summary });
        readingCurated = true;
        return curatedDir;
      } catch (error) {
        // A bad setting (a memory limit that is not a size) is the operator's to fix, not a reason to fall back.
        if (error instanceof ConfigurationError) throw error;
        log.warn('curated layer not updated: this run reads the raw feed', {
          curatedDir,
          reason: (error as Error).message.split('\n')[0],
        });
        return undefined;
      }
    },
    /** After each query: rows read while another writer swapped partitions must not make a report. */
    assertHeld(): void {
      if (readingCurated) lock?.assertHeld();
    },
    async release(): Promise<void> {
      await lock?.release();
      lock = undefined;
    },
  };
}

/**
 * --engine trino --trino-curated LOCATION: Trino builds what is stale of the curated layer at
 * LOCATION (docs/curated-layer.md, "Written by SQL"), then the run reads the curated tables. A
 * curate that fails fails the run: reading curated tables left stale would give wrong figures.
 */
async function curateWithTrino(
  choice: Extract<EngineChoice, { kind: 'trino' }> & { curated: string },
  lake: string,
  log: Logger,
): Promise<void> {
  const [{ curateWithSql }, { TrinoEngine }] = await Promise.all([
    import('#adapters/curation/sql-curator.ts'),
    import('#adapters/engine/trino.ts'),
  ]);
  const curatedS3 = parseS3Lake(choice.curated);
  const lakeS3 = parseS3Lake(lake);
  let objects: import('#adapters/curation/curation-run.ts').CurationObjects;
  if (curatedS3) {
    if (!lakeS3)
      throw new ConfigurationError(`--trino-curated ${choice.curated}: an s3:// curated layer needs an s3:// --lake`);
    const [{ S3Client }, { s3CurationObjects }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('#adapters/curation/s3-curation-objects.ts'),
    ]);
    objects = s3CurationObjects({
      client: new S3Client({}),
      lakeBucket: lakeS3.bucket,
      lakePrefix: lakeS3.prefix,
      curatedBucket: curatedS3.bucket,
      curatedPrefix: curatedS3.prefix,
    });
  } else {
    if (lakeS3)
      throw new ConfigurationError(`--trino-curated ${choice.curated}: a local:/// curated layer needs a lake folder`);
    const { fsCurationObjects } = await import('#adapters/curation/fs-curation-objects.ts');
    objects = fsCurationObjects({ lakeDir: lake, curatedDir: choice.curated.slice('local://'.length) });
  }
  const engine = new TrinoEngine({
    url: choice.url,
    catalog: choice.catalog,
    schema: choice.schema,
    user: choice.user,
    log,
  });
  const summary = await curateWithSql({
    engine,
    objects,
    schema: `${choice.catalog}.${choice.schema}`,
    curatedLocation: choice.curated,
  });
  log.info('curated layer up to date (Trino)', { curated: choice.curated, ...summary });
}

export async function openLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = createJsonLogger({ level: options.verbose ? 'INFO' : 'WARN', sink: options.logSink });
  const choice = options.engine ?? { kind: 'duckdb' };
  const inventory = await openLakeInventory(options.lakeDir, choice);
  if (inventory instanceof FsLake) {
    const stray = await strayPartitionFolders(options.lakeDir);
    if (stray.length > 0)
      log.warn('folders that are not partitions are not read (as Athena does not)', { lake: options.lakeDir, stray });
  }
  // DuckDB curates its own layer; Trino curates only with --trino-curated, else reads the raw tables.
  if (choice.kind === 'trino' && choice.curated !== undefined)
    await curateWithTrino({ ...choice, curated: choice.curated }, options.lakeDir, log);
  const chosen = await openEngine(choice, options.lakeDir, log);
  const retrying = retryingEngine(chosen, { onRetry: (event) => log.warn('query retried', event) });
  const engine: LocalRuntime['engine'] = {
    runMetric: retrying.runMetric,
    close: retrying.close,
    get queryCount() {
      return chosen.queryCount;
    },
  };
  // DuckDB: each run first curates what is stale of the partitions its plan reads, then reads
  // the curated layer (or, where it cannot be written, the raw feed), all of the run one way.
  if (chosen instanceof DuckDbEngine) {
    const duckdb = chosen;
    const curatedLayer = curatedLayerOfRun(options.lakeDir, log, process.env.MNP_DUCKDB_MEMORY_LIMIT?.trim());
    engine.readyFor = async (plan) => {
      await duckdb.readCuratedLayer(await curatedLayer.ready(curatedRangeOf(plan)));
    };
    engine.runMetric = async (...query) => {
      const rows = await retrying.runMetric(...query);
      curatedLayer.assertHeld();
      return rows;
    };
    engine.close = async () => {
      try {
        await retrying.close();
      } finally {
        await curatedLayer.release();
      }
    };
  }
  return {
    engine,
    inventory,
    store: new FsReportStore(options.outDir),
    renderers: createRenderers(),
    log,
    close: () => engine.close(),
  };
}
