// The mail HTML as it was made before the CSS was inlined at build time: the source email
// templates rendered, then juice at run time with the same settings, then the same slimming.
// The tests hold the renderer's output (templates inlined by scripts/inline-mail-css.ts) to
// this, byte for byte.
import juice from 'juice';
import type { Briefing, Locale } from '#core/report-model.ts';
import { chartSpecsOf } from '#render/chart-specs.ts';
import { slimMailHtml } from '#render/email-html.ts';
import { renderContextOf } from '#render/render-context.ts';
import { loadTemplates } from '#render/template-engine.ts';
import { type BriefingView, briefingView } from '#render/view-model.ts';
import { MAIL_JUICE_OPTIONS } from '../../scripts/inline-mail-css.ts';
import { fakeDrawChart } from './fake-chart-drawer.ts';

/** The view the templates render for a model, its charts placed as the mail places them (cid:). */
export async function briefingViewWithFakeCharts(
  model: Briefing,
  locale: Locale,
  withCharts: boolean,
): Promise<BriefingView> {
  const specs = withCharts ? chartSpecsOf(model, locale) : [];
  const charts = await Promise.all(
    specs.map(async (spec) => {
      const image = await fakeDrawChart(spec);
      return { spec, image, src: `cid:${image.cid}` };
    }),
  );
  return briefingView(model, renderContextOf(model, locale), charts);
}

/** The mail HTML of a model with its CSS inlined by juice after rendering (the old way). */
export async function mailHtmlInlinedAtRunTime(model: Briefing, locale: Locale, withCharts: boolean): Promise<string> {
  const view = await briefingViewWithFakeCharts(model, locale, withCharts);
  const source = loadTemplates(locale, undefined, { emailBeforeInlining: true }).email(view);
  return slimMailHtml(juice(source, MAIL_JUICE_OPTIONS));
}
