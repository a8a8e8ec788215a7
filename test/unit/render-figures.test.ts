// Every figure of briefing.json appears in the mail, in the HTML and in the text part, and no
// other number does: the templates compute nothing, they only show the model.
import { describe, expect, it } from 'vitest';
import type { Briefing, Locale } from '#core/report-model.ts';
import { categoryByCode, operatorByCode, provinceByCode, rejectReasonByCode } from '#reference/index.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { createFormatter, type Formatter, NOT_AVAILABLE } from '#render/format.ts';
import { periodNames } from '#render/period-label.ts';
import { fullHqModel, hqModelWithNulls, provinceModel, smallHqModel } from './render-models.ts';

type FigureFormat = 'count' | 'signed' | 'share' | 'rate' | 'change' | 'points' | 'cny';

/** How each model field is written: the spec of the formats, by field name. */
function formatOf(key: string): FigureFormat {
  if (['shareChange', 'rateChange', 'portOutRateChange', 'overIndex'].includes(key)) return 'points';
  if (['portOutRate', 'rate', 'previousRate'].includes(key)) return 'rate';
  if (['portOutsChange', 'portInsChange'].includes(key)) return 'change';
  if (['net', 'netChange', 'previousNet'].includes(key)) return 'signed';
  if (key.endsWith('FeeCny')) return 'cny';
  if (key.startsWith('share') || key.endsWith('Share')) return 'share';
  return 'count';
}

interface Leaf {
  path: string;
  key: string;
  value: unknown;
}

function leavesOf(node: unknown, path = ''): Leaf[] {
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, value]) => leavesOf(value, path === '' ? key : `${path}.${key}`));
  }
  const key =
    path
      .split('.')
      .filter((part) => !/^\d+$/.test(part))
      .at(-1) ?? path;
  return [{ path, key, value: node }];
}

function figuresOf(model: Briefing, format: Formatter): { path: string; written: string }[] {
  return leavesOf(model)
    .filter((leaf) => typeof leaf.value === 'number' || (leaf.value === null && leaf.key !== 'topCategory'))
    .map((leaf) => ({ path: leaf.path, written: format[formatOf(leaf.key)](leaf.value as number | null) }));
}

function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}

const NUMBER = /[+\u2212-]?\d(?:[\d,]*\d)?(?:\.\d+)?/g;

/** Numbers the model allows: its figures as written, its codes, dates and ids, and reference names. */
function allowedNumbers(model: Briefing, locale: Locale): Set<string> {
  const format = createFormatter(locale);
  const names = periodNames(locale, format);
  const strings = leavesOf(model)
    .filter((leaf) => typeof leaf.value === 'string')
    .map((leaf) => leaf.value as string);
  const periods = [model.period.id, ...model.flows.trend.map((point) => point.period)];
  const references = [
    ...operatorByCode.values(),
    ...provinceByCode.values(),
    ...categoryByCode.values(),
    ...rejectReasonByCode.values(),
  ].map((entry) => `${entry.zh} ${entry.en}`);
  const allowed = [
    ...figuresOf(model, format).map((figure) => figure.written),
    ...strings,
    ...references,
    ...periods.flatMap((id) => [names.label({ id }), names.short(id)]),
    names.range(model.period),
    format.dateTime(model.generatedAt),
  ].join(' \n ');
  return new Set(allowed.match(NUMBER) ?? []);
}

const cases = [
  ['a headquarters week', smallHqModel],
  ['a headquarters week with null figures', hqModelWithNulls],
  ['a full headquarters week', fullHqModel],
  ['a province month', provinceModel],
] as const;

describe.each(cases)('the figures of %s', (_, makeModel) => {
  it.each(['zh-CN', 'en'] as const)(
    'all appear, as written by the formatter, in the %s HTML and text',
    async (locale) => {
      // prepare
      const model = makeModel();
      const figures = figuresOf(model, createFormatter(locale));
      // act
      const { html, text } = await createBriefingRenderer({ locale }).render(model);
      // assess
      const shown = visibleText(html);
      expect(
        figures
          .filter((figure) => !shown.includes(figure.written))
          .map((figure) => `${figure.path}: ${figure.written}`),
      ).toEqual([]);
      expect(
        figures.filter((figure) => !text.includes(figure.written)).map((figure) => `${figure.path}: ${figure.written}`),
      ).toEqual([]);
    },
  );

  it.each(['zh-CN', 'en'] as const)('are the only numbers in the %s HTML and text', async (locale) => {
    // prepare
    const model = makeModel();
    const allowed = allowedNumbers(model, locale);
    // act
    const { html, text } = await createBriefingRenderer({ locale }).render(model);
    // assess
    for (const part of [visibleText(html), text]) {
      const strays = (part.match(NUMBER) ?? []).filter((token) => !allowed.has(token));
      expect([...new Set(strays)]).toEqual([]);
    }
  });
});

describe('a null figure', () => {
  it('is written as a dash wherever the model has null', async () => {
    // prepare
    const model = hqModelWithNulls();
    // act
    const { text } = await createBriefingRenderer({ locale: 'en' }).render(model);
    // assess
    expect(text).toMatch(/Subscriber base\s+\u2014\s+3,168,750/);
    expect(text).toMatch(/Joiners' average plan fee\s+\u2014/);
    expect(NOT_AVAILABLE).toBe('\u2014');
  });
});
