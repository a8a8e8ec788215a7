// The BriefingRenderer port: a briefing model in, the mail (HTML + text from the same model),
// the archive page and the chart images out. Charts are drawn by an injected function so the
// renderer stays testable without a drawing engine; without one, the briefing has no images
// and every figure is still in its table.

import type { BriefingRenderer, RenderedBriefing } from '#core/ports.ts';
import type { Briefing, Locale } from '#core/report-model.ts';
import { asBriefing } from './briefing-guard.ts';
import { chartSpecsOf } from './chart-specs.ts';
import type { ChartSpec, DrawingChart } from './charts/chart-spec.ts';
import { withoutLayoutWhitespace } from './email-html.ts';
import { renderContextOf } from './render-context.ts';
import { loadTemplates, type PrecompiledTemplates } from './template-engine.ts';
import { briefingView, type PlacedChart } from './view-model.ts';

export interface BriefingRendererOptions {
  /**
   * The reader's language.
   * @default 'zh-CN'
   */
  readonly locale?: Locale;
  /**
   * Draws one chart as a PNG; omitted in tests, and the briefing then carries no images. It may
   * resolve before the PNG is drawn (its content a promise): the templates render meanwhile.
   */
  readonly drawChart?: (spec: ChartSpec) => Promise<DrawingChart>;
  /** The templates folder, when a bundler moves this module away from the repository tree. */
  readonly templatesDir?: string;
  /** Templates compiled at build time (see loadTemplates); without them, compiled on first use. */
  readonly precompiledTemplates?: PrecompiledTemplates;
}

async function drawCharts(
  model: Briefing,
  locale: Locale,
  options: BriefingRendererOptions,
): Promise<{ spec: ChartSpec; image: DrawingChart }[]> {
  const { drawChart } = options;
  if (!drawChart) return [];
  const specs = chartSpecsOf(model, locale);
  const images = await Promise.all(specs.map((spec) => drawChart(spec)));
  return specs.map((spec, index) => ({ spec, image: images[index]! }));
}

export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function createBriefingRenderer(options: BriefingRendererOptions = {}): BriefingRenderer {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const templates = loadTemplates(
    locale,
    options.templatesDir,
    options.precompiledTemplates ? { precompiled: options.precompiledTemplates } : {},
  );
  return {
    async render(input: unknown): Promise<RenderedBriefing> {
      const model = asBriefing(input);
      const context = renderContextOf(model, locale);
      const drawn = await drawCharts(model, locale, options);
      const place = (src: (image: DrawingChart) => string): PlacedChart[] =>
        drawn.map(({ spec, image }) => ({ spec, image, src: src(image) }));
      const mailView = briefingView(
        model,
        context,
        place((image) => `cid:${image.cid}`),
      );
      const pageView = {
        ...mailView,
        charts: briefingView(
          model,
          context,
          place((image) => image.fileName),
        ).charts,
      };
      // The email templates carry their CSS inline, slimmed, already (scripts/inline-mail-css.ts).
      const html = withoutLayoutWhitespace(templates.email(mailView));
      const pageHtml = templates.page(pageView);
      const text = templates.text(mailView);
      const contents = await Promise.all(drawn.map(({ image }) => image.content));
      return {
        html,
        pageHtml,
        text,
        images: drawn.map(({ image }, index) => ({
          cid: image.cid,
          fileName: image.fileName,
          content: contents[index]!,
          alt: image.alt,
        })),
      };
    },
  };
}
