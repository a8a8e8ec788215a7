// The acceptance bar of the mail CSS inlined at build time: on the hand-made lake and a sample
// lake, the mail HTML of every report (the headquarters week and each of the 31 provincial
// months, quiet provinces included), in each language, with and without a correction notice,
// is byte for byte what juice made at run time from the source templates
// (test/support/mail-inlining-reference.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import type { CorrectionNote } from '#core/correction-diff.ts';
import type { Briefing } from '#core/report-model.ts';
import { buildModel, prepareRun } from '#core/report-run.ts';
import { DEFAULT_LAKE_RANGE, generateLake } from '#lakegen/generate-lake.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { withHtmlNotice } from '#render/mime/correction-notice.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { fakeDrawChart } from '../support/fake-chart-drawer.ts';
import { mailHtmlInlinedAtRunTime } from '../support/mail-inlining-reference.ts';

const GENERATED_AT = new Date('2019-12-02T00:30:00Z');
const RUNS = [
  { reportId: 'hq-weekly', periodId: '2019-W48' },
  { reportId: 'hq-weekly', periodId: '2019-W47' },
  { reportId: 'province-monthly', periodId: '2019-11' },
] as const;
const LOCALES = ['zh-CN', 'en'] as const;
const NOTE: CorrectionNote = {
  reason: 'late rows',
  correctsSentAt: '2019-12-02T01:00:00Z',
  changes: [],
  otherFiguresChanged: true,
};

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Every audience's model of the runs above, in each language. */
async function modelsOf(lakeDir: string): Promise<Briefing[]> {
  const engine = await DuckDbEngine.open({ lakeDir });
  try {
    const models: Briefing[] = [];
    for (const run of RUNS) {
      const snapshot = await prepareRun(
        { ...run, homeOperator: 'CMCC', generatedAt: GENERATED_AT },
        { engine, inventory: new FsLake(lakeDir) },
      );
      for (const audience of snapshot.audiences)
        for (const locale of LOCALES) models.push(buildModel(snapshot, audience, locale));
    }
    return models;
  } finally {
    await engine.close();
  }
}

/** The differences from the run-time juice, as "report period audience locale" lines (none expected). */
async function mismatchesOf(models: readonly Briefing[]): Promise<string[]> {
  const renderers = new Map(
    LOCALES.map((locale) => [locale, createBriefingRenderer({ locale, drawChart: fakeDrawChart })] as const),
  );
  const mismatches: string[] = [];
  for (const model of models) {
    const { html } = await renderers.get(model.locale)!.render(model);
    const expected = await mailHtmlInlinedAtRunTime(model, model.locale, true);
    const name = `${model.report} ${model.period.id} ${model.audience} ${model.locale}`;
    if (html !== expected) mismatches.push(name);
    for (const note of [undefined, NOTE]) {
      const corrected = withHtmlNotice(html, model.locale, 'the earlier briefing', note);
      if (corrected !== withHtmlNotice(expected, model.locale, 'the earlier briefing', note))
        mismatches.push(`${name} with a correction notice`);
    }
  }
  return mismatches;
}

describe.each([
  { lake: 'the hand-made lake', write: writeHandMadeLake },
  {
    lake: 'a sample lake',
    write: (lakeDir: string) => generateLake({ lakeDir, ...DEFAULT_LAKE_RANGE, seed: 20191127, scale: 0.05 }),
  },
])('the mail HTML of every report of $lake', ({ write }) => {
  let models: Briefing[];

  beforeAll(async () => {
    const lakeDir = await mkdtemp(join(tmpdir(), 'mnp-mail-css-'));
    dirs.push(lakeDir);
    await write(lakeDir);
    models = await modelsOf(lakeDir);
  }, 300_000);

  it('covers the headquarters weeks and the 31 provincial months in both languages', () => {
    const provinces = new Set(models.filter((m) => m.report === 'province-monthly').map((m) => m.audience));
    expect(provinces.size).toBe(31);
    expect(models.length).toBe((2 + 31) * LOCALES.length);
  });

  it('is byte for byte what juice at run time made, with and without a correction notice', async () => {
    expect(await mismatchesOf(models)).toEqual([]);
  }, 300_000);
});
