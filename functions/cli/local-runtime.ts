// Wires the local adapters: DuckDB over the lake folder (or a Trino cluster), the output folder as the archive,
// the renderers with server-side charts, and JSON logs on stderr.
import { retryingEngine } from '#adapters/engine/retrying-engine.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { createJsonLogger } from '#adapters/log/json-logger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { BriefingRenderer, Logger, QueryEngine } from '#core/ports.ts';
import type { Locale } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { drawChart } from '#render/charts/draw-chart.ts';
import { openEngine, type EngineChoice } from './engine-options.ts';

export interface LocalRuntime {
  /** DuckDB or Trino, with transient failures (a busy file, a busy cluster) retried with backoff. */
  readonly engine: QueryEngine & { readonly queryCount: number };
  readonly inventory: FsLake;
  readonly store: FsReportStore;
  readonly renderers: Readonly<Record<Locale, BriefingRenderer>>;
  readonly log: Logger;
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
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

export async function openLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = createJsonLogger({ level: options.verbose ? 'INFO' : 'WARN', sink: options.logSink });
  const chosen = await openEngine(options.engine ?? { kind: 'duckdb' }, options.lakeDir, log);
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
    inventory: new FsLake(options.lakeDir),
    store: new FsReportStore(options.outDir),
    renderers: createRenderers(),
    log,
    close: () => engine.close(),
  };
}
