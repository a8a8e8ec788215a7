// Wires the local adapters: DuckDB over the lake folder, the output folder as the archive,
// the renderers with server-side charts, and JSON logs on stderr.
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { createJsonLogger } from '#adapters/log/json-logger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { BriefingRenderer, Logger } from '#core/ports.ts';
import type { Locale } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { drawChart } from '#render/charts/draw-chart.ts';

export interface LocalRuntime {
  readonly engine: DuckDbEngine;
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
}

export function createRenderers(): Record<Locale, BriefingRenderer> {
  return {
    'zh-CN': createBriefingRenderer({ locale: 'zh-CN', drawChart }),
    en: createBriefingRenderer({ locale: 'en', drawChart }),
  };
}

export async function openLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const log = createJsonLogger({ level: options.verbose ? 'INFO' : 'WARN', sink: options.logSink });
  const engine = await DuckDbEngine.open({
    lakeDir: options.lakeDir,
    onQuery: (event) => log.info('query done', event),
  });
  return {
    engine,
    inventory: new FsLake(options.lakeDir),
    store: new FsReportStore(options.outDir),
    renderers: createRenderers(),
    log,
    close: () => engine.close(),
  };
}
