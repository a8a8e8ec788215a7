// The bundled chart font: small, and able to draw every label the reference data and the locale
// files hold. When this fails after a new label, run scripts/build-chart-font.sh and commit the font.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { BUNDLED_CHART_FONT, createChartDrawer, missingGlyphs } from '#render/charts/draw-chart.ts';

const repoRoot = new URL('../../', import.meta.url);
const fontPath = fileURLToPath(BUNDLED_CHART_FONT);

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => [key, ...stringsOf(item)]);
  return [];
}

function jsonStringsIn(folder: string): Map<string, string[]> {
  const dir = new URL(folder, repoRoot);
  if (!existsSync(dir)) return new Map();
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return new Map(
    files.map((name) => [`${folder}${name}`, stringsOf(JSON.parse(readFileSync(new URL(name, dir), 'utf8')))]),
  );
}

/** The labels of reference data that charts draw: names of operators, provinces, categories, reasons. */
function referenceLabels(): string[] {
  return [...jsonStringsIn('reference/').values()].flat();
}

function uncovered(strings: readonly string[]): string[] {
  return [...new Set(strings.flatMap((text) => missingGlyphs(text)))];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

describe('the bundled chart font', () => {
  it('is a small TrueType subset', () => {
    const bytes = readFileSync(fontPath);

    expect(bytes.readUInt32BE(0)).toBe(0x00010000);
    expect(statSync(fontPath).size).toBeLessThan(500 * 1024);
  });

  it('has a glyph for every character of reference/*.json', () => {
    const labels = referenceLabels();

    expect(labels).toContain('新疆维吾尔自治区');
    expect(uncovered(labels)).toEqual([]);
  });

  it.each([...jsonStringsIn('templates/locales/').entries()])('has a glyph for every character of %s', (_, strings) => {
    expect(uncovered(strings), 'run scripts/build-chart-font.sh and commit assets/fonts/').toEqual([]);
  });

  it('has the characters numbers are drawn with: digits, separators, %, the minus sign', () => {
    expect(missingGlyphs('0123456789,.%\u2212\u2013\u00B7，。：（）％')).toEqual([]);
  });

  it('names the characters it cannot draw, once each', () => {
    expect(missingGlyphs('中国移动龘龘𠀀')).toEqual(['龘', '𠀀']);
  });

  it('is what resvg draws reference labels with, with no system font to fall back on', () => {
    const drawer = createChartDrawer();
    const labels = [...new Set(referenceLabels().filter((text) => /[^\x20-\x7e]/.test(text)))];
    const rowHeight = 20;
    const texts = labels.map(
      (label, row) =>
        `<text x="4" y="${row * rowHeight + 15}" font-family="${drawer.fontFamily}" font-size="14px">${escapeXml(label)}</text>`,
    );
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="${labels.length * rowHeight}">${texts.join('')}</svg>`;

    const image = new Resvg(svg, {
      font: { fontFiles: [fontPath], loadSystemFonts: false, defaultFontFamily: 'none' },
    }).render();

    // `pixels` copies the whole buffer on every read: read it once.
    const pixels = image.pixels;
    const inkedRows = labels.filter((_, row) => {
      for (let y = row * rowHeight; y < (row + 1) * rowHeight; y += 1) {
        for (let x = 0; x < image.width; x += 1) if (pixels[(y * image.width + x) * 4 + 3]! > 0) return true;
      }
      return false;
    });
    expect(labels.length).toBeGreaterThan(40);
    expect(inkedRows).toEqual(labels);
  });
});
