// The mail CSS is inlined at build time (scripts/inline-mail-css.ts writes templates/email-inlined/):
// the committed templates are what the generator makes from today's sources, and the mail they
// render is byte for byte the mail that juice at run time made from the source templates, for
// the hand-made render models (a quiet and a full week, figures missing, a provincial month with
// categories above and below the national share), each language, with and without charts, and
// with model text full of characters HTML escapes. The lakes' reports: test/integration/mail-css-exactness.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Briefing, HqWeeklyBriefing } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { DEFAULT_TEMPLATES_DIR, INLINED_EMAIL_DIR } from '#render/template-engine.ts';
import { inlineMailTemplates } from '../../scripts/inline-mail-css.ts';
import { fakeDrawChart } from '../support/fake-chart-drawer.ts';
import { mailHtmlInlinedAtRunTime } from '../support/mail-inlining-reference.ts';
import { fullHqModel, hqModelWithNulls, provinceModel, smallHqModel } from './render-models.ts';

function committedInlinedTemplates(): Map<string, string> {
  const dir = join(DEFAULT_TEMPLATES_DIR, INLINED_EMAIL_DIR);
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .map((file) => [relative(dir, file), readFileSync(file, 'utf8')] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

describe('the email templates inlined at build time', () => {
  it('are what the generator makes from the source templates (else: npm run build:mail-css)', () => {
    // act
    const generated = inlineMailTemplates(DEFAULT_TEMPLATES_DIR);
    // assess
    expect(Object.fromEntries(committedInlinedTemplates())).toEqual(Object.fromEntries(generated));
  });

  it('keep the dark-mode and phone media queries in a <style> block and no other rule', () => {
    // act
    const templates = committedInlinedTemplates();
    const css = (templates.get('partials/styles-kept.hbs') ?? '').replace(/^\{\{!--[\s\S]*?--\}\}\n/, '');
    // assess
    expect(templates.get('layouts/email.hbs')).toContain('<style>{{> styles-kept}}</style>');
    expect(css).toContain('@media only screen and (max-width: 480px)');
    expect(css).toContain('@media (prefers-color-scheme: dark)');
    expect(css.replace(/@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}/g, '').trim()).toBe('');
  });
});

/** Every kind of text HTML escapes, where model text reaches the mail (a plan code, a category). */
function withHostileText(model: HqWeeklyBriefing): HqWeeklyBriefing {
  const hostile = `A"B'C=D\`E&F<G>H {{x}} <%y%>`;
  return {
    ...model,
    valueMirror: {
      ...model.valueMirror,
      plans: model.valueMirror.plans.map((plan, index) => (index === 0 ? { ...plan, planCode: hostile } : plan)),
    },
  };
}

const MODELS: readonly { name: string; model: () => Briefing }[] = [
  { name: 'a quiet headquarters week', model: smallHqModel },
  { name: 'a week with figures missing', model: hqModelWithNulls },
  { name: 'a full headquarters week', model: fullHqModel },
  { name: 'a provincial month', model: provinceModel },
  { name: 'model text HTML escapes', model: () => withHostileText(fullHqModel()) },
];
const CASES = MODELS.flatMap((entry) =>
  (['zh-CN', 'en'] as const).flatMap((locale) => [true, false].map((withCharts) => ({ ...entry, locale, withCharts }))),
);

it('carries the escaped hostile text into the mail (the case above is not vacuous)', async () => {
  // act
  const { html } = await createBriefingRenderer({ locale: 'en' }).render(withHostileText(fullHqModel()));
  // assess
  expect(html).toContain('A&quot;B&#x27;C&#x3D;D&#x60;E&amp;F&lt;G&gt;H {{x}} &lt;%y%&gt;');
});

describe.each(CASES)('the mail HTML of $name in $locale (charts: $withCharts)', ({ model, locale, withCharts }) => {
  it('is byte for byte what juice at run time made', async () => {
    // arrange
    const briefing = { ...model(), locale } as Briefing;
    const expected = await mailHtmlInlinedAtRunTime(briefing, locale, withCharts);
    const renderer = createBriefingRenderer({ locale, ...(withCharts ? { drawChart: fakeDrawChart } : {}) });
    // act
    const { html } = await renderer.render(briefing);
    // assess
    expect(html).toBe(expected);
  });
});
