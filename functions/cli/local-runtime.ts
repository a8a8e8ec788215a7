// Wires the local adapters: DuckDB over the lake folder (or a Trino cluster), the output folder as the archive,
// the renderers with server-side charts, and JSON logs on stderr.

import { curatedDirOf } from '#adapters/curation/curated-location.ts';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { retryingEngine } from '#adapters/engine/retrying-engine.ts';
import { createJsonLogger } from '#adapters/log/json-logger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { ConfigurationError } from '#core/errors.ts';
import type { BriefingRenderer, LakeInventory, Logger, QueryEngine } from '#core/ports.ts';
import type { Locale } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { drawChart } from '#render/charts/draw-chart.ts';
import { type EngineChoice, openEngine, openLakeInventory } from './engine-options.ts';

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

export function createRenderers(): Record<Locale, BriefingRenderer> {
  return {
    'zh-CN': createBriefingRenderer({ locale: 'zh-CN', drawChart }),
    en: createBriefingRenderer({ locale: 'en', drawChart }),
  };
}

/**
 * Brings the curated layer up to date before a report reads it (docs/curated-layer.md), so no
 * report reads a stale curated partition. Where it cannot be written, the run reads the raw
 * feed (the same figures, slower) and says so. MNP_CURATED=off skips it.
 */
async function curateFirst(lakeDir: string, log: Logger, memoryLimit: string | undefined): Promise<string | undefined> {
  if (process.env.MNP_CURATED?.trim() === 'off') return undefined;
  const curatedDir = curatedDirOf(lakeDir);
  try {
    const summary = await curateLake({ lakeDir, curatedDir, ...(memoryLimit ? { memoryLimit } : {}) });
    log.info('curated layer up to date', { curatedDir, ...summary });
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
}

export async function openLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = createJsonLogger({ level: options.verbose ? 'INFO' : 'WARN', sink: options.logSink });
  const choice = options.engine ?? { kind: 'duckdb' };
  const inventory = await openLakeInventory(options.lakeDir, choice);
  // The curated layer is DuckDB's: a Trino cluster reads the lake's tables as they are.
  const curatedDir =
    choice.kind === 'duckdb'
      ? await curateFirst(options.lakeDir, log, process.env.MNP_DUCKDB_MEMORY_LIMIT?.trim())
      : undefined;
  const chosen = await openEngine(choice, options.lakeDir, log, curatedDir);
  const retrying = retryingEngine(chosen, { onRetry: (event) => log.warn('query retried', event) });
  const engine = {
    runMetric: retrying.runMetric,
    close: retrying.close,
    get queryCount() {
      return chosen.queryCount;
    },
  };
  return {
    engine,
    inventory,
    store: new FsReportStore(options.outDir),
    renderers: createRenderers(),
    log,
    close: () => engine.close(),
  };
}
