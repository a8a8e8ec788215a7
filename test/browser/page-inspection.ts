// What a reader's browser makes of a page: opened at a given width, it reports its width, its
// images, its headings, what went wrong while loading (console errors, failed requests) and
// what axe-core finds against WCAG 2 A/AA; a full-page screenshot is kept for a person to see.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import axe from 'axe-core';
import type { BrowserContext, Page } from 'playwright-core';

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] as const;

// The few browser globals the in-page functions touch (the project's tsconfig has no DOM lib).
interface InPageElement {
  readonly tagName: string;
}
interface InPageImage extends InPageElement {
  readonly naturalWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly width: number };
}
interface InPageScroller extends InPageElement {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly textContent: string | null;
  querySelector(selectors: string): InPageScroller | null;
}
declare const document: {
  readonly documentElement: { readonly scrollWidth: number };
  readonly images: ArrayLike<InPageImage>;
  querySelectorAll<T extends InPageElement = InPageElement>(selectors: string): ArrayLike<T>;
};
declare const window: { readonly axe: { run(context: unknown, options: unknown): Promise<axe.AxeResults> } };
declare function getComputedStyle(element: InPageElement): { readonly breakInside: string };

export interface AxeFinding {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  /** CSS selectors of the elements found, e.g. ".section:nth-child(5) > .scroll". */
  readonly targets: readonly string[];
  /** What axe says about the first element. */
  readonly summary: string;
}

export interface PageInspection {
  readonly url: string;
  readonly width: number;
  readonly scrollWidth: number;
  /** Each image with its drawn width (PNG pixels) and the width it is shown at (CSS pixels). */
  readonly images: readonly { src: string; naturalWidth: number; shownWidth: number; alt: string | null }[];
  /** Captions of the tables too wide for their column, which the reader has to scroll sideways. */
  readonly scrolledTables: readonly string[];
  readonly headingLevels: readonly number[];
  /** Console errors, uncaught exceptions and failed requests, in the order they happened. */
  readonly loadProblems: readonly string[];
  readonly violations: readonly AxeFinding[];
  /** Checks axe could not decide (e.g. the contrast of text inside a scrolled table). */
  readonly incomplete: readonly AxeFinding[];
}

function findingsOf(results: readonly axe.Result[]): AxeFinding[] {
  return results.map((result) => {
    const first = result.nodes[0];
    const checks = first ? [...first.any, ...first.all, ...first.none].map((check) => check.message) : [];
    return {
      id: result.id,
      impact: result.impact ?? 'unknown',
      help: result.help,
      targets: result.nodes.map((node) => node.target.join(' ')),
      summary: [...new Set(checks)].join('; '),
    };
  });
}

/** Opens a page in a new tab at the given width and records what problems it shows while loading. */
export async function openPage(
  context: BrowserContext,
  path: string,
  width: number,
): Promise<{ page: Page; loadProblems: string[] }> {
  const page = await context.newPage();
  const loadProblems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') loadProblems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => loadProblems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) =>
    loadProblems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) loadProblems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.setViewportSize({ width, height: 900 });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
  return { page, loadProblems };
}

export async function runAxe(page: Page): Promise<axe.AxeResults> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(
    (tags) =>
      window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] }),
    [...WCAG_TAGS],
  );
}

export async function inspectPage(
  context: BrowserContext,
  path: string,
  width: number,
  screenshotPath: string,
): Promise<PageInspection> {
  const { page, loadProblems } = await openPage(context, path, width);
  try {
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      images: Array.from(document.images, (image) => ({
        src: image.getAttribute('src') ?? '',
        naturalWidth: image.naturalWidth,
        shownWidth: image.getBoundingClientRect().width,
        alt: image.getAttribute('alt'),
      })),
      scrolledTables: Array.from(document.querySelectorAll<InPageScroller>('.scroll'))
        .filter((scroller) => scroller.scrollWidth > scroller.clientWidth + 1)
        .map((scroller) => scroller.querySelector('caption')?.textContent ?? '(no caption)'),
      headingLevels: Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), (heading) =>
        Number(heading.tagName.slice(1)),
      ),
    }));
    await mkdir(dirname(screenshotPath), { recursive: true });
    await page.screenshot({ path: screenshotPath, fullPage: true });
    const results = await runAxe(page);
    return {
      url: page.url(),
      width,
      ...layout,
      loadProblems,
      violations: findingsOf(results.violations),
      incomplete: findingsOf(results.incomplete),
    };
  } finally {
    await page.close();
  }
}

/** The computed break-inside of every table once the page is laid out for print. */
export async function printedTableBreaks(page: Page): Promise<string[]> {
  await page.emulateMedia({ media: 'print' });
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('table'), (table) => getComputedStyle(table).breakInside),
  );
}

/** "h1 h2 h4": each heading that goes more than one level deeper than the one before it. */
export function skippedHeadingLevels(levels: readonly number[]): string[] {
  return levels.flatMap((level, index) => {
    const previous = index === 0 ? 0 : levels[index - 1]!;
    return level > previous + 1 ? [`h${level} after ${previous === 0 ? 'the start of the page' : `h${previous}`}`] : [];
  });
}
