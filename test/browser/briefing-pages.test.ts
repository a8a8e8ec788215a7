// The archived briefing pages in a real browser (Debian's Chromium): the headquarters weekly
// briefing and a provincial monthly guidance, in Chinese and in English, on a phone (375 px) and
// on a desktop (1280 px); the provincial page printed to A4; and the archive's index page.
// Screenshots of every page land in test/.artifacts/ for a person to look at.
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { Locale } from '#core/report-model.ts';
import { writeArchiveIndex } from '#render/archive-index.ts';
import { DEVICE_SCALE, LABEL_FONT_SIZE } from '#render/charts/chart-theme.ts';
import { type HeadlessChromium, launchChromium } from './chromium.ts';
import {
  type AxeFinding,
  inspectPage,
  openPage,
  type PageInspection,
  printedTableBreaks,
  skippedHeadingLevels,
} from './page-inspection.ts';
import { buildSampleBriefings, SAMPLE_LOCALES, type SampleBriefing, type SampleReport } from './sample-briefings.ts';

const ARTIFACTS_DIR = join('test', '.artifacts');
const WIDTHS = [375, 1280] as const;
/** Smallest chart label, in CSS pixels, that a phone reader can read without zooming. */
const MIN_CHART_LABEL_PX = 11.5;

let workDir: string;
let briefings: SampleBriefing[];
let browser: HeadlessChromium;
const allFindings: Record<string, { violations: readonly AxeFinding[]; incomplete: readonly AxeFinding[] }> = {};

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-browser-'));
  briefings = await buildSampleBriefings(workDir);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (Object.keys(allFindings).length > 0)
    await writeFile(join(ARTIFACTS_DIR, 'axe-findings.json'), `${JSON.stringify(allFindings, null, 2)}\n`);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

function briefingOf(report: SampleReport, locale: Locale): SampleBriefing {
  const found = briefings.find((briefing) => briefing.report === report && briefing.locale === locale);
  if (!found) throw new Error(`no sample ${report} briefing in ${locale}`);
  return found;
}

const PAGES = SAMPLE_LOCALES.flatMap((locale) =>
  (['hq-weekly', 'province-monthly'] as const).flatMap((report) => WIDTHS.map((width) => ({ report, locale, width }))),
);

describe.each(PAGES)('the $report page in $locale at $width px', ({ report, locale, width }) => {
  let inspection: PageInspection;

  beforeAll(async () => {
    const screenshot = join(ARTIFACTS_DIR, `${report}-${locale}-${width}.png`);
    inspection = await inspectPage(browser.context, briefingOf(report, locale).htmlPath, width, screenshot);
    allFindings[`${report} ${locale} ${width}px`] = {
      violations: inspection.violations,
      incomplete: inspection.incomplete,
    };
  });

  it('fits the width without horizontal scrolling', () => {
    expect(inspection.scrollWidth).toBeLessThanOrEqual(width);
  });

  it.runIf(width >= 1280)('shows every table whole, with no sideways scrolling', () => {
    expect(inspection.scrolledTables).toEqual([]);
  });

  it('shows chart labels at a readable size', () => {
    // The PNG is drawn at DEVICE_SCALE times its display size, with labels of LABEL_FONT_SIZE.
    for (const image of inspection.images) {
      const labelPixels = (LABEL_FONT_SIZE * image.shownWidth) / (image.naturalWidth / DEVICE_SCALE);
      expect(labelPixels, image.src).toBeGreaterThanOrEqual(MIN_CHART_LABEL_PX);
    }
  });

  it('loads every chart, each with a text alternative', () => {
    expect(inspection.images.length).toBeGreaterThanOrEqual(3);
    for (const image of inspection.images) {
      expect(image.naturalWidth, image.src).toBeGreaterThan(0);
      expect(image.alt?.trim(), image.src).toBeTruthy();
    }
  });

  it('logs no console error and fails no request', () => {
    expect(inspection.loadProblems).toEqual([]);
  });

  it('has one h1 first and headings that skip no level', () => {
    expect(inspection.headingLevels[0]).toBe(1);
    expect(inspection.headingLevels.filter((level) => level === 1)).toHaveLength(1);
    expect(skippedHeadingLevels(inspection.headingLevels)).toEqual([]);
  });

  it('has no serious or critical WCAG 2 A/AA violation', () => {
    const severe = inspection.violations.filter(
      (finding) => finding.impact === 'serious' || finding.impact === 'critical',
    );
    expect(severe).toEqual([]);
  });
});

describe.each(SAMPLE_LOCALES)('the provincial page printed in %s', (locale) => {
  let tableBreaks: string[];
  let pdf: Buffer;

  beforeAll(async () => {
    const { page } = await openPage(browser.context, briefingOf('province-monthly', locale).htmlPath, 1280);
    try {
      tableBreaks = await printedTableBreaks(page);
      pdf = await page.pdf({ format: 'A4' });
    } finally {
      await page.close();
    }
  });

  it('prints to A4 pages', () => {
    const mediaBoxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((match) => [
      Number(match[1]),
      Number(match[2]),
    ]);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(mediaBoxes.length).toBeGreaterThan(1);
    // A4 is 595.3 x 841.9 points; Chromium rounds the page to whole CSS pixels.
    for (const [width, height] of mediaBoxes) {
      expect(width).toBeCloseTo(595.3, -1);
      expect(height).toBeCloseTo(841.9, -1);
    }
  });

  it('keeps every table whole across page breaks', () => {
    expect(tableBreaks.length).toBeGreaterThan(3);
    expect(tableBreaks.filter((value) => value !== 'avoid')).toEqual([]);
  });
});

describe('the archive index in a browser', () => {
  let inspection: PageInspection;
  let html: string;

  beforeAll(async () => {
    const store = new FsReportStore(briefingOf('hq-weekly', 'zh-CN').outDir);
    const key = await writeArchiveIndex(store);
    html = await readFile(store.locate(key), 'utf8');
    inspection = await inspectPage(
      browser.context,
      store.locate(key),
      375,
      join(ARTIFACTS_DIR, 'archive-index-375.png'),
    );
    allFindings['archive index 375px'] = { violations: inspection.violations, incomplete: inspection.incomplete };
  });

  it('links both briefing pages, and each link leads to a file', async () => {
    const hrefs = [...html.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]!);
    expect(hrefs).toHaveLength(2);
    const root = briefingOf('hq-weekly', 'zh-CN').outDir;
    for (const href of hrefs) await expect(access(join(root, decodeURIComponent(href)))).resolves.toBeUndefined();
  });

  it('fits a phone without horizontal scrolling and loads cleanly', () => {
    expect(inspection.scrollWidth).toBeLessThanOrEqual(375);
    expect(inspection.loadProblems).toEqual([]);
    expect(skippedHeadingLevels(inspection.headingLevels)).toEqual([]);
  });

  it('has no WCAG 2 A/AA violation at all', () => {
    expect(inspection.violations).toEqual([]);
  });
});
