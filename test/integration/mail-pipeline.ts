// The real pipeline for the mail tests: the hand-made lake, DuckDB, the renderer with its
// charts, the archive in a temporary folder. What comes out is what a run would mail.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { Locale } from '#core/report-model.ts';
import { type ArchivedReport, runReport } from '#core/report-run.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { drawChart } from '#render/charts/draw-chart.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';

export interface MailWorkspace {
  readonly root: string;
  readonly lakeDir: string;
  readonly outDir: string;
  readonly store: FsReportStore;
  archive(request: {
    reportId: string;
    periodId: string;
    audiences?: string[];
    locale: (audience: string) => Locale;
  }): Promise<ArchivedReport[]>;
  remove(): Promise<void>;
}

export async function openMailWorkspace(): Promise<MailWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'mnp-mail-'));
  const lakeDir = join(root, 'lake');
  const outDir = join(root, 'out');
  await writeHandMadeLake(lakeDir);
  const store = new FsReportStore(outDir);
  const renderers = {
    'zh-CN': createBriefingRenderer({ locale: 'zh-CN', drawChart }),
    en: createBriefingRenderer({ locale: 'en', drawChart }),
  };
  return {
    root,
    lakeDir,
    outDir,
    store,
    async archive(request) {
      const engine = await DuckDbEngine.open({ lakeDir });
      try {
        const { archived } = await runReport(
          {
            reportId: request.reportId,
            periodId: request.periodId,
            homeOperator: 'CMCC',
            audiences: request.audiences,
            generatedAt: new Date('2019-12-02T00:30:00Z'),
          },
          { engine, inventory: new FsLake(lakeDir), store, renderers },
          { localeOf: request.locale },
        );
        return archived;
      } finally {
        await engine.close();
      }
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
