// Draws a chart spec as a PNG for an inline mail image: the layout's values filled into its
// variant's Vega template (compiled from Vega-Lite at build time), Vega to SVG in Node (no
// browser), then resvg to PNG at twice the display size. Text uses only the bundled subset font,
// never a system font, so the same spec gives the same bytes on every machine and in Lambda, and
// a label the font cannot draw fails here, by name, instead of mailing boxes.
import { fileURLToPath } from 'node:url';
import { type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';
import { assetUrl } from '#asset-root';
import { ChartError } from './chart-error.ts';
import type { ChartImage, ChartSpec, DrawingChart } from './chart-spec.ts';
import { DEVICE_SCALE, DISPLAY_WIDTH, type MeasureText } from './chart-theme.ts';
import { variantKey } from './chart-variants.ts';
import { type FontMetrics, loadFontMetrics, missingGlyphsIn } from './font-metrics.ts';
import { type BarLayout, groupedBarChart } from './grouped-bar-chart.ts';
import type { RasterImage, Rasterize } from './raster-pool.ts';
import { type TrendLayout, trendChart } from './trend-chart.ts';
import * as vega from './vega-runtime.ts';
import {
  fillVegaTemplate,
  type SlotValues,
  type VegaTemplate,
  type ViewInputs,
  viewInputsOf,
} from './vega-template.ts';
import compiledTemplates from './vega-templates.json' with { type: 'json' };
import { useFontForTextWidth } from './vega-text-width.ts';

export { ChartError };

/** The subset font committed with the code; build it with scripts/build-chart-font.sh. */
export const BUNDLED_CHART_FONT = assetUrl('assets/fonts/chart-cjk-subset.ttf');

/** A chart text needs a character the chart font has no glyph for. */
export class MissingGlyphError extends ChartError {
  constructor(
    readonly chartId: string,
    readonly characters: readonly string[],
  ) {
    const named = characters.map((c) => `"${c}" (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
    super(
      `chart "${chartId}": the chart font has no glyph for ${named.join(', ')}; ` +
        'add the text to reference/ or templates/locales/ and run scripts/build-chart-font.sh',
    );
  }
}

export interface ChartDrawerOptions {
  /**
   * The TrueType font for all chart text, e.g. a path inside a Lambda bundle.
   * @default BUNDLED_CHART_FONT
   */
  readonly fontFile?: string | URL;
  /**
   * Turns the SVG into a PNG, e.g. on worker threads (./raster-pool.ts).
   * @default resvg's renderAsync here, its PNG encoded on the calling thread
   */
  readonly rasterize?: Rasterize;
}

export interface ChartSvg {
  readonly svg: string;
  /** Display size in CSS pixels. */
  readonly width: number;
  readonly height: number;
}

export interface ChartDrawer {
  draw(spec: ChartSpec): Promise<ChartImage>;
  /** Lays the chart out and starts its PNG: resolves with the SVG drawn, the PNG to follow. */
  start(spec: ChartSpec): Promise<DrawingChart>;
  /** The SVG that draw() rasterises. */
  drawSvg(spec: ChartSpec): Promise<ChartSvg>;
  /** Characters of a text that the chart font cannot draw. */
  missingGlyphs(text: string): string[];
  readonly fontFamily: string;
  /** Vega specs parsed so far: charts whose fixed slot values are the same share one parse. */
  readonly specsParsed: number;
}

export function createChartDrawer(options: ChartDrawerOptions = {}): ChartDrawer {
  const fontFile = options.fontFile ?? BUNDLED_CHART_FONT;
  const fontPath = typeof fontFile === 'string' ? fontFile : fileURLToPath(fontFile);
  const metrics = loadFontMetrics(fontPath);
  useFontForTextWidth(metrics);
  const measure: MeasureText = (text, fontSize) => metrics.measure(text, fontSize);
  const rasterize = options.rasterize ?? rasterizeHere;

  const parsedSpecs = new ParsedSpecs();
  let specsParsed = 0;

  async function drawSvg(spec: ChartSpec): Promise<ChartSvg> {
    checkSpec(spec, metrics);
    const layout = chartLayout(spec, metrics.family, measure);
    const view = newView(variantKey(layout.variant), layout.params);
    try {
      const svg = await view.toSVG();
      return { svg: withDefs(svg, layout.svgDefs), width: DISPLAY_WIDTH, height: layout.height };
    } finally {
      view.finalize();
    }
  }

  /**
   * A view of the template with the slot values: built from the parse of the Vega filled with its
   * fixed values (kept from a chart with the same ones, or parsed now), given the chart's data
   * and signals before its first run.
   */
  function newView(templateKey: string, params: SlotValues): vega.View {
    const { template, inputs } = templateOf(templateKey);
    const key = `${templateKey}\n${fixedSlots(params, inputs)}`;
    let parsed = parsedSpecs.get(key);
    if (parsed === undefined) {
      parsed = vega.parse(fillVegaTemplate(template, { ...params, data: [] }));
      specsParsed += 1;
      parsedSpecs.set(key, parsed);
    }
    const view = new vega.View(parsed, { renderer: 'none' });
    view.data(inputs.dataSet, params['data']);
    for (const signal of inputs.signals) view.signal(signal, params[signal]);
    return view;
  }

  async function start(spec: ChartSpec): Promise<DrawingChart> {
    const { svg, width, height } = await drawSvg(spec);
    const content = rasterize(svg, {
      font: { fontFiles: [fontPath], loadSystemFonts: false, defaultFontFamily: metrics.family },
      fitTo: { mode: 'zoom', value: DEVICE_SCALE },
      background: 'white',
    }).then((image) => {
      if (image.width !== width * DEVICE_SCALE || image.height !== height * DEVICE_SCALE) {
        throw new ChartError(
          `chart "${spec.id}" came out ${image.width}x${image.height} px, not ${width}x${height} at ${DEVICE_SCALE}x`,
        );
      }
      return image.png;
    });
    // Awaited by whoever takes the chart; until then a failure must not count as unhandled.
    content.catch(() => {});
    return {
      cid: `chart-${spec.id}@mnp-briefings`,
      fileName: `chart-${spec.id}.png`,
      content,
      alt: spec.alt,
      width,
      height,
    };
  }

  async function draw(spec: ChartSpec): Promise<ChartImage> {
    const chart = await start(spec);
    return { ...chart, content: await chart.content };
  }

  return {
    draw,
    start,
    drawSvg,
    missingGlyphs: (text) => missingGlyphsIn(metrics, text),
    fontFamily: metrics.family,
    get specsParsed() {
      return specsParsed;
    },
  };
}

async function rasterizeHere(svg: string, options: ResvgRenderOptions): Promise<RasterImage> {
  const image = await renderAsync(svg, options);
  return { width: image.width, height: image.height, png: new Uint8Array(image.asPng()) };
}

/** A spec's layout: its variant and the values its template takes. */
export function chartLayout(spec: ChartSpec, fontFamily: string, measure: MeasureText): TrendLayout | BarLayout {
  return spec.kind === 'trend' ? trendChart(spec, fontFamily, measure) : groupedBarChart(spec, fontFamily, measure);
}

const VEGA_TEMPLATES: Readonly<Record<string, VegaTemplate>> = compiledTemplates;

/** The slot values a parse fixes: all but what each view is given, as one text. */
function fixedSlots(params: SlotValues, inputs: ViewInputs): string {
  const inputNames = new Set(['data', ...inputs.signals]);
  return JSON.stringify(Object.entries(params).filter(([name]) => !inputNames.has(name)));
}

type ParsedVega = ReturnType<typeof vega.parse>;

/** Parsed specs kept at most: a national run's 96 charts have 9 sets of fixed slot values. */
const PARSED_SPECS = 32;

/**
 * Parsed Vega by the template and fixed slot values it was filled with: parsing a chart's Vega
 * was about a third of drawing it (docs/performance.md). Each chart still gets a view of its
 * own, so that nothing a view keeps between runs (Vega's data joins keep the items of labels
 * that stay, its fit autosize starts from the size it found) can reach another chart. The
 * least recently used go first beyond PARSED_SPECS.
 */
class ParsedSpecs {
  private readonly parsed = new Map<string, ParsedVega>();

  get(key: string): ParsedVega | undefined {
    const found = this.parsed.get(key);
    if (found !== undefined) {
      this.parsed.delete(key);
      this.parsed.set(key, found);
    }
    return found;
  }

  set(key: string, parsed: ParsedVega): void {
    this.parsed.set(key, parsed);
    for (const oldest of this.parsed.keys()) {
      if (this.parsed.size <= PARSED_SPECS) break;
      this.parsed.delete(oldest);
    }
  }
}

/** Each template's view inputs, found once per template rather than once per chart. */
const inputsOfTemplate = new Map<string, ViewInputs>();

function templateOf(key: string): { template: VegaTemplate; inputs: ViewInputs } {
  const template = VEGA_TEMPLATES[key];
  if (template === undefined) throw new ChartError(`no compiled chart template "${key}": run npm run charts:compile`);
  let inputs = inputsOfTemplate.get(key);
  if (inputs === undefined) {
    inputs = viewInputsOf(template);
    inputsOfTemplate.set(key, inputs);
  }
  return { template, inputs };
}

let defaultDrawer: ChartDrawer | undefined;

function bundledDrawer(): ChartDrawer {
  defaultDrawer ??= createChartDrawer();
  return defaultDrawer;
}

/** Draws a chart with the bundled font. */
export function drawChart(spec: ChartSpec): Promise<ChartImage> {
  return bundledDrawer().draw(spec);
}

/** Characters of a text that the bundled chart font cannot draw. */
export function missingGlyphs(text: string): string[] {
  return bundledDrawer().missingGlyphs(text);
}

/** The texts a chart draws, besides its numbers. */
export function chartTexts(spec: ChartSpec): string[] {
  const labels = spec.kind === 'trend' ? [...spec.xLabels, spec.yTitle] : [...spec.labels];
  const barTexts = spec.series.flatMap((series) =>
    ('valueLabels' in series ? (series.valueLabels ?? []) : []).filter((text): text is string => text !== null),
  );
  return [spec.title, ...labels, ...spec.series.map((series) => series.name), ...barTexts];
}

// Numbers are drawn with ASCII digits, separators, '%' and U+2212 (d3's minus), all in the font.
function checkSpec(spec: ChartSpec, metrics: FontMetrics): void {
  if (!/^[A-Za-z0-9_-]+$/.test(spec.id))
    throw new ChartError(`chart id "${spec.id}" must be letters, digits, '-' or '_'`);
  const count = spec.kind === 'trend' ? spec.xLabels.length : spec.labels.length;
  const names = new Set<string>();
  for (const series of spec.series) {
    if (series.values.length !== count) {
      throw new ChartError(
        `chart "${spec.id}": series "${series.name}" has ${series.values.length} values for ${count} labels`,
      );
    }
    if (names.has(series.name)) throw new ChartError(`chart "${spec.id}": two series are named "${series.name}"`);
    for (const color of [series.color, ...(series.colors ?? [])]) {
      if (!/^#[0-9a-fA-F]{6}$/.test(color))
        throw new ChartError(`chart "${spec.id}": colour "${color}" is not #rrggbb`);
    }
    if (series.colors !== undefined && series.colors.length !== count) {
      throw new ChartError(
        `chart "${spec.id}": series "${series.name}" has ${series.colors.length} colours for ${count} labels`,
      );
    }
    names.add(series.name);
  }
  const missing = missingGlyphsIn(metrics, chartTexts(spec).join(''));
  if (missing.length > 0) throw new MissingGlyphError(spec.id, missing);
}

/** Adds pattern definitions right after the opening <svg> tag. */
function withDefs(svg: string, defs: string): string {
  if (defs === '') return svg;
  const openEnd = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  return `${svg.slice(0, openEnd)}<defs>${defs}</defs>${svg.slice(openEnd)}`;
}
