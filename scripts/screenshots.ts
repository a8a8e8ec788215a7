// Current screenshots of the briefings for the documentation (docs/screenshots/): both reports in
// both languages at 1280 px; on a 375 px phone the headquarters briefing in Chinese, the
// provincial guidance in English, and the headquarters briefing once more in dark mode. Builds a
// small sample lake and the reports in a temporary folder, then photographs the archived pages in
// Debian's Chromium.  Run: node bin/run-ts.js scripts/screenshots.ts [--out docs/screenshots]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../test/browser/chromium.ts';
import { buildSampleBriefings, type SampleBriefing } from '../test/browser/sample-briefings.ts';

/** Above this a PNG is cut shorter: the documentation should stay light to clone. */
const MAX_BYTES = 600 * 1024;
/** The top of a page is what a reader sees first and what a screenshot has to show. */
const MAX_HEIGHT = 1800;
const MIN_HEIGHT = 600;

interface Shot {
  readonly fileName: string;
  readonly briefing: SampleBriefing;
  readonly width: number;
  readonly colorScheme: 'light' | 'dark';
}

function shotsOf(briefings: readonly SampleBriefing[]): Shot[] {
  const find = (report: SampleBriefing['report'], locale: SampleBriefing['locale']) =>
    briefings.find((briefing) => briefing.report === report && briefing.locale === locale)!;
  const desktop = briefings.map(
    (briefing): Shot => ({
      fileName: `${briefing.report}-${briefing.locale}.png`,
      briefing,
      width: 1280,
      colorScheme: 'light',
    }),
  );
  return [
    ...desktop,
    { fileName: 'hq-weekly-phone-zh-CN.png', briefing: find('hq-weekly', 'zh-CN'), width: 375, colorScheme: 'light' },
    {
      fileName: 'province-monthly-phone-en.png',
      briefing: find('province-monthly', 'en'),
      width: 375,
      colorScheme: 'light',
    },
    {
      fileName: 'hq-weekly-phone-dark-zh-CN.png',
      briefing: find('hq-weekly', 'zh-CN'),
      width: 375,
      colorScheme: 'dark',
    },
  ];
}

/** A PNG of the top of the page, as tall as the page allows and MAX_BYTES permits. */
async function photograph(context: BrowserContext, shot: Shot): Promise<{ png: Buffer; height: number }> {
  const page = await context.newPage();
  try {
    await page.emulateMedia({ colorScheme: shot.colorScheme, media: 'screen' });
    await page.setViewportSize({ width: shot.width, height: 900 });
    await page.goto(pathToFileURL(shot.briefing.htmlPath).href, { waitUntil: 'load' });
    const pageHeight = await page.evaluate<number>('document.documentElement.scrollHeight');
    let height = Math.min(pageHeight, MAX_HEIGHT);
    for (;;) {
      const png = await page.screenshot({ fullPage: true, clip: { x: 0, y: 0, width: shot.width, height } });
      if (png.length <= MAX_BYTES || height <= MIN_HEIGHT) return { png, height };
      height = Math.max(MIN_HEIGHT, Math.floor(height * 0.8));
    }
  } finally {
    await page.close();
  }
}

function outDirOf(argv: readonly string[]): string {
  const index = argv.indexOf('--out');
  return index === -1 ? join('docs', 'screenshots') : argv[index + 1]!;
}

async function main(): Promise<void> {
  const outDir = outDirOf(process.argv.slice(2));
  const workDir = await mkdtemp(join(tmpdir(), 'mnp-screenshots-'));
  try {
    process.stdout.write('Building a sample lake and the briefings...\n');
    const briefings = await buildSampleBriefings(workDir);
    const browser = await launchChromium();
    try {
      await mkdir(outDir, { recursive: true });
      for (const shot of shotsOf(briefings)) {
        const { png, height } = await photograph(browser.context, shot);
        const path = join(outDir, shot.fileName);
        await writeFile(path, png);
        process.stdout.write(
          `  ${path}: ${shot.width} x ${height} px, ${Math.round(png.length / 1024)} KB (${shot.briefing.report} ${shot.briefing.period}, ${shot.briefing.locale}, ${shot.colorScheme})\n`,
        );
      }
    } finally {
      await browser.close();
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
