// Runs the product over a lake folder the way the reliability tests need it: the model only
// (fast, for many variants), or rendered and archived, so that the test reads briefing.json,
// briefing.txt and briefing.html from disk as a reader would.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { curateLake } from '#adapters/curation/duckdb-curator.ts';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { createRenderers } from '#cli/local-runtime.ts';
import type { Briefing } from '#core/report-model.ts';
import { type ArchivedReport, buildModel, prepareRun, runReport } from '#core/report-run.ts';

export const GENERATED_AT = new Date('2019-12-02T00:30:00Z');

export interface RunSpec {
  readonly reportId: string;
  readonly periodId: string;
  readonly audience?: string;
  readonly homeOperator?: string;
}

/** The briefing model of one audience from one source: the raw feed, or a curated layer. */
async function modelFrom(lakeDir: string, spec: RunSpec, curatedDir?: string): Promise<Briefing> {
  const engine = await DuckDbEngine.open({ lakeDir, ...(curatedDir ? { curatedDir } : {}) });
  try {
    const audience = spec.audience ?? 'hq';
    const snapshot = await prepareRun(
      {
        reportId: spec.reportId,
        periodId: spec.periodId,
        homeOperator: spec.homeOperator ?? 'CMCC',
        audiences: [audience],
        generatedAt: GENERATED_AT,
      },
      { engine, inventory: new FsLake(lakeDir) },
    );
    return buildModel(snapshot, audience, 'en');
  } finally {
    await engine.close();
  }
}

/**
 * The briefing model of one audience, without rendering: the raw feed's, which must equal the
 * curated layer's. The layer (<lake>/_curated) is brought up to date first, as a run does, so a
 * lake changed between two calls also checks that curate rebuilds what the change touched.
 */
export async function modelOf(lakeDir: string, spec: RunSpec): Promise<Briefing> {
  const raw = await modelFrom(lakeDir, spec);
  const curatedDir = join(lakeDir, '_curated');
  await curateLake({ lakeDir, curatedDir });
  const curated = await modelFrom(lakeDir, spec, curatedDir);
  expect(
    curated,
    `${spec.reportId} ${spec.periodId} ${spec.audience ?? 'hq'}: the curated layer against the raw feed`,
  ).toEqual(raw);
  return raw;
}

export interface ArchivedFiles {
  readonly archived: ArchivedReport[];
  readonly json: (audience: string) => Promise<Briefing>;
  readonly text: (audience: string) => Promise<string>;
  readonly html: (audience: string) => Promise<string>;
}

/** Renders and archives the audiences' reports into outDir, in English. */
export async function archiveReports(
  lakeDir: string,
  outDir: string,
  spec: RunSpec & { audiences?: string[] },
): Promise<ArchivedFiles> {
  const engine = await DuckDbEngine.open({ lakeDir });
  try {
    const { archived } = await runReport(
      {
        reportId: spec.reportId,
        periodId: spec.periodId,
        homeOperator: spec.homeOperator ?? 'CMCC',
        audiences: spec.audiences ?? (spec.audience ? [spec.audience] : undefined),
        generatedAt: GENERATED_AT,
      },
      { engine, inventory: new FsLake(lakeDir), store: new FsReportStore(outDir), renderers: createRenderers() },
      { localeOf: () => 'en' },
    );
    const file = (audience: string, name: string) =>
      readFile(join(outDir, spec.reportId, spec.periodId, audience, name), 'utf8');
    return {
      archived,
      json: async (audience) => JSON.parse(await file(audience, 'briefing.json')) as Briefing,
      text: (audience) => file(audience, 'briefing.txt'),
      html: (audience) => file(audience, 'briefing.html'),
    };
  } finally {
    await engine.close();
  }
}

/** The model without its data-quality section: what every figure of the report says. */
export function figuresOf(briefing: Briefing): Omit<Briefing, 'dataQuality'> {
  const { dataQuality: _dataQuality, ...figures } = briefing;
  return figures;
}
