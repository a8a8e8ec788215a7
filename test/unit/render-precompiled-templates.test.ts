// The templates precompiled at build time (scripts/precompile-templates.ts): the committed module
// is that of the current templates, a briefing renders the same through it as through templates
// compiled at run time, and a template changed since it was built is compiled from its source.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Briefing, Locale } from '#core/report-model.ts';
import { PRECOMPILED_TEMPLATES } from '#render/precompiled-templates.ts';
import { DEFAULT_TEMPLATES_DIR, loadTemplates, templateSources } from '#render/template-engine.ts';
import { PRECOMPILED_TEMPLATES_FILE, precompiledTemplatesModule } from '../../scripts/precompile-templates.ts';
import { briefingViewWithFakeCharts } from '../support/mail-inlining-reference.ts';
import { fullHqModel, hqModelWithNulls, provinceModel } from './render-models.ts';

let copy: string | undefined;
afterAll(async () => {
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe('the precompiled templates', () => {
  it('are those of the current templates (else run npm run templates:compile)', async () => {
    expect(await readFile(PRECOMPILED_TEMPLATES_FILE, 'utf8')).toBe(precompiledTemplatesModule());
    const keys = [...templateSources().keys()];
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((key) => !(key in PRECOMPILED_TEMPLATES))).toEqual([]);
  });

  it('render every part of a briefing as the templates compiled at run time do', async () => {
    const models: [Briefing, Locale][] = [
      [fullHqModel(), 'zh-CN'],
      [fullHqModel(), 'en'],
      [hqModelWithNulls(), 'en'],
      [provinceModel(), 'zh-CN'],
    ];
    for (const [model, locale] of models) {
      const view = await briefingViewWithFakeCharts(model, locale, true);
      const precompiled = loadTemplates(locale, DEFAULT_TEMPLATES_DIR, { precompiled: PRECOMPILED_TEMPLATES });
      const compiledHere = loadTemplates(locale);
      for (const part of ['email', 'page', 'text'] as const) {
        const text = precompiled[part](view);
        expect(text.length).toBeGreaterThan(1000);
        expect(text).toBe(compiledHere[part](view));
      }
    }
  });

  it('are not used for a template changed since they were built', async () => {
    copy = await mkdtemp(join(tmpdir(), 'mnp-templates-'));
    await cp(DEFAULT_TEMPLATES_DIR, copy, { recursive: true });
    const footer = join(copy, 'partials', 'text', 'footer.hbs');
    await writeFile(footer, `${await readFile(footer, 'utf8')}CHANGED-AFTER-PRECOMPILING\n`);

    const view = await briefingViewWithFakeCharts(fullHqModel(), 'en', true);
    const text = loadTemplates('en', copy, { precompiled: PRECOMPILED_TEMPLATES }).text(view);

    expect(text).toContain('CHANGED-AFTER-PRECOMPILING');
    const unchanged = loadTemplates('en', DEFAULT_TEMPLATES_DIR, { precompiled: PRECOMPILED_TEMPLATES }).text(view);
    expect(unchanged).not.toContain('CHANGED-AFTER-PRECOMPILING');
  });
});
