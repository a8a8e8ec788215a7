// The rendered briefing: the mail HTML, the archive page and the text part, from one model.
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { provinces } from '#reference/index.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { RenderError } from '#render/render-error.ts';
import { readBriefingPage } from '../support/briefing-page.ts';
import { fakeDrawChart } from '../support/fake-chart-drawer.ts';
import { fullHqModel, hqModelWithNulls, provinceModel, smallHqModel } from './render-models.ts';

/** The first line of the text part that starts with `label` (a table row or a headline line), trimmed. */
function textRow(text: string, label: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith(label));
}

// The mail HTML is validated with the recommended preset, less two rules that email needs:
const MAIL_RULES = {
  // juice inlines the CSS on purpose: Gmail and Outlook drop or trim <style> blocks, so inline
  // styles are the only dependable styling in a mail.
  'no-inline-style': 'off',
  // width/align/cellpadding/cellspacing/border on layout tables: Outlook's Word engine honours
  // these attributes and ignores the equivalent CSS.
  'no-deprecated-attr': 'off',
} as const;

const mailValidator = new HtmlValidate({ extends: ['html-validate:recommended'], rules: MAIL_RULES });
const pageValidator = new HtmlValidate({ extends: ['html-validate:recommended'] });

async function problemsOf(validator: HtmlValidate, html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((result) =>
    result.messages.map((message) => `${message.ruleId} line ${message.line}: ${message.message}`),
  );
}

/** A stand-in for the chart drawer: a few bytes per chart, named as the real drawer names them. */
describe('the language of a briefing', () => {
  it('is Chinese by default', async () => {
    // act
    const rendered = await createBriefingRenderer().render(smallHqModel());
    // assess
    expect(rendered.html).toContain('<html lang="zh-CN">');
    expect(rendered.html).toContain('携号转网周报');
    expect(rendered.text).toContain('净流量');
  });

  it('is English when asked', async () => {
    // act
    const rendered = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    // assess
    expect(rendered.html).toContain('<html lang="en">');
    expect(rendered.html).toContain('MNP weekly briefing');
    expect(rendered.text).toContain('Net flow');
    expect(rendered.text).not.toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('figures in the mail', () => {
  it('formats a net flow with a real minus sign and a share as a percent, each in its place, in HTML and text alike', async () => {
    // act
    const { html, text, pageHtml } = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    const page = readBriefingPage(pageHtml);
    // assess: the headline blocks and the value-mirror row of the page
    expect(page.kpi('Net flow')[0]).toBe('\u22121,234');
    expect(page.kpi('Port-out rate')[0]).toBe('0.200%');
    expect(page.kpi('Main reason for leaving')).toEqual(['Network coverage and quality 57.6%', 'vs earlier +2.5 pt']);
    expect(page.rows("Leavers' plans and use").get("Leavers' average plan fee")).toEqual(['¥128.50']);
    // and the same rows of the text part
    expect(textRow(text, 'Port-out rate')).toMatch(/^Port-out rate +0\.200% /);
    expect(textRow(text, 'Main reason for leaving')).toBe(
      'Main reason for leaving: Network coverage and quality 57.6% (vs earlier +2.5 pt)',
    );
    expect(textRow(text, "Leavers' average plan fee")).toMatch(/ ¥128\.50$/);
    for (const part of [html, text]) expect(part).not.toContain('CN¥');
  });

  it('shows a null figure as a dash with a note, never as 0 or NaN', async () => {
    // act
    const { html, text } = await createBriefingRenderer({ locale: 'en' }).render(hqModelWithNulls());
    // assess
    for (const part of [html, text]) {
      expect(part).toContain('\u2014');
      expect(part).toContain('means the figure cannot be computed');
      expect(part).not.toContain('NaN');
      expect(part).toContain('No leaving reasons given');
    }
  });

  it('opens each section with a sentence that says what the figures say', async () => {
    // act
    const rendered = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    // assess: the text part wraps its prose, so compare with the line breaks read as spaces
    const text = rendered.text.replace(/\s+/g, ' ');
    expect(text).toContain('with port-outs up vs last week (+12.0%)');
    expect(text).toContain(
      '\u201cNetwork coverage and quality\u201d is the largest category at 57.6%, up on earlier periods (+2.5 pt)',
    );
    expect(text).not.toMatch(/battle|\bwin|\bloss|rank/i);
  });

  it('states the value-mirror rule in words', async () => {
    const { html } = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    expect(html).toContain('under half of the data allowance and under half of the voice allowance');
  });

  it('lists the provinces to look at once each, by province code', async () => {
    // act
    const { text } = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    // assess
    expect(text).toContain('Provinces to look at this week: Beijing, Guangdong;');
    expect(text.indexOf('Beijing    11')).toBeLessThan(text.indexOf('Guangdong  44'));
  });

  it('shows a banner at the top when the data is incomplete', async () => {
    // prepare
    const model = { ...smallHqModel(), dataIncomplete: true };
    // act
    const { html, text } = await createBriefingRenderer({ locale: 'en' }).render(model);
    // assess
    expect(html.indexOf('class="banner"')).toBeGreaterThan(-1);
    expect(html.indexOf('class="banner"')).toBeLessThan(html.indexOf('<h1'));
    expect(text.startsWith('!! Data incomplete')).toBe(true);
  });
});

describe('text from the data', () => {
  it('arrives escaped in the HTML, never as markup', async () => {
    // act
    const { html, pageHtml, text } = await createBriefingRenderer().render(smallHqModel());
    // assess
    expect(html).toContain('&lt;b&gt;{{oops}}&lt;/b&gt;');
    expect(pageHtml).toContain('&lt;b&gt;{{oops}}&lt;/b&gt;');
    expect(html).not.toContain('<b>{{oops}}');
    expect(text).toContain('<b>{{oops}}</b>');
  });
});

describe('the mail HTML', () => {
  it('is valid HTML', async () => {
    for (const model of [smallHqModel(), hqModelWithNulls(), provinceModel()]) {
      const { html } = await createBriefingRenderer({ locale: 'en', drawChart: fakeDrawChart }).render(model);
      expect(await problemsOf(mailValidator, html)).toEqual([]);
    }
  });

  it('runs no script and fetches nothing', async () => {
    // act
    const { html } = await createBriefingRenderer({ drawChart: fakeDrawChart }).render(fullHqModel());
    // assess
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<link/i);
  });

  it('carries its CSS inline and keeps a style block only for phones and dark mode', async () => {
    // act
    const { html } = await createBriefingRenderer().render(smallHqModel());
    // assess
    const styleBlock = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(styleBlock).toContain('@media only screen and (max-width: 480px)');
    expect(styleBlock).toContain('@media (prefers-color-scheme: dark)');
    expect(styleBlock.replace(/@media[^{]*\{(?:[^{}]*\{[^}]*\})*\s*\}/g, '').trim()).toBe('');
    // A number cell: padding and rule inline, right-aligned by the align attribute juice writes.
    expect(html).toMatch(/<td style="[^"]*padding:6px 8px[^"]*" valign="top" align="right">/);
  });

  it('refers to the charts by cid, with alt text that states the numbers', async () => {
    // act
    const { html, images } = await createBriefingRenderer({ locale: 'en', drawChart: fakeDrawChart }).render(
      smallHqModel(),
    );
    // assess
    expect(images.map((image) => image.cid)).toEqual([
      'chart-operators@mnp-briefings',
      'chart-trend@mnp-briefings',
      'chart-categories@mnp-briefings',
    ]);
    for (const image of images) expect(html).toContain(`src="cid:${image.cid}"`);
    expect(html).toContain(
      'alt="Line chart of China Mobile port-ins, port-outs (dashed) and net flow per week: W47 port-ins 4,046, port-outs 5,070, net \u22121,024; W48',
    );
  });

  it('has no image and no chart when no drawer is given, and keeps every table', async () => {
    // act
    const { html, images } = await createBriefingRenderer().render(smallHqModel());
    // assess
    expect(images).toEqual([]);
    expect(html).not.toContain('<img');
    expect(html.match(/<caption/g)?.length).toBeGreaterThanOrEqual(10);
  });

  it('has headings in order: one h1, then an h2 per section', async () => {
    // act
    const { html } = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    // assess
    const headings = [...html.matchAll(/<h([1-3])[^>]*>([^<]*)</g)].map((match) => `h${match[1]} ${match[2]}`);
    expect(headings).toEqual([
      'h1 MNP weekly briefing',
      'h2 At a glance',
      'h2 Flows',
      'h2 Trend',
      'h2 Provinces to look at',
      'h2 Reasons for leaving',
      'h2 Eligibility checks',
      'h2 Value mirror',
      'h2 Data quality',
      'h2 Notes',
    ]);
  });

  it('gives every data table a caption and scoped header cells', async () => {
    // act
    const { html } = await createBriefingRenderer().render(provinceModel());
    // assess
    const dataTables = html.match(/<table class="data"[\s\S]*?<\/table>/g) ?? [];
    expect(dataTables.length).toBeGreaterThan(5);
    for (const table of dataTables) {
      expect(table).toContain('<caption');
      expect(table.match(/<th(?=[\s>])(?![^>]*scope=)/g)).toBeNull();
    }
  });

  it('stays under 300 KB for a full headquarters week', async () => {
    // act
    const { html } = await createBriefingRenderer({ drawChart: fakeDrawChart }).render(fullHqModel());
    // assess
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(300 * 1024);
    for (const province of provinces) expect(html).toContain(province.zh);
  });
});

describe('the archive page', () => {
  it('is a valid standalone page with a title, the language and a print stylesheet', async () => {
    // act
    const { pageHtml } = await createBriefingRenderer({ drawChart: fakeDrawChart }).render(smallHqModel());
    // assess
    expect(await problemsOf(pageValidator, pageHtml)).toEqual([]);
    expect(pageHtml).toContain('<html lang="zh-CN">');
    expect(pageHtml).toContain('<title>【携号转网周报】2019-W48</title>');
    expect(pageHtml).toContain('@page { size: A4;');
    expect(pageHtml).toContain('break-inside: avoid');
  });

  it('refers to the charts by the file written beside it', async () => {
    // act
    const { pageHtml, images } = await createBriefingRenderer({ drawChart: fakeDrawChart }).render(smallHqModel());
    // assess
    for (const image of images) expect(pageHtml).toContain(`src="${image.fileName}"`);
    expect(pageHtml).not.toContain('cid:');
  });
});

describe('a province report', () => {
  it('names no other province', async () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      // act
      const { html, pageHtml, text } = await createBriefingRenderer({ locale, drawChart: fakeDrawChart }).render(
        provinceModel(),
      );
      // assess
      const others = provinces
        .filter((province) => province.code !== '44')
        .map((province) => (locale === 'en' ? province.en : province.zh));
      for (const part of [html, pageHtml, text]) {
        expect(others.filter((name) => part.includes(name))).toEqual([]);
      }
    }
  });

  it('carries no target, quota, score or ranking wording', async () => {
    const zh = await createBriefingRenderer().render(provinceModel());
    const en = await createBriefingRenderer({ locale: 'en' }).render(provinceModel());
    expect(zh.text).not.toMatch(/目标|指标|配额|考核|得分|排名|排行|名次/);
    expect(en.text).not.toMatch(/target|quota|score|rank|league|KPI/i);
  });

  it('marks the categories that weigh more than nationally, in words', async () => {
    // act
    const { html, text } = await createBriefingRenderer({ locale: 'en' }).render(provinceModel());
    // assess
    expect(html).toContain('Tariff level <span class="flag"');
    expect(text.replace(/\s+/g, ' ')).toContain(
      'categories weighing more here than nationally: Tariff level, Staff and service handling',
    );
  });

  it('shows headquarters guidance with its why and actions', async () => {
    const { html } = await createBriefingRenderer().render(provinceModel());
    expect(html).toMatch(/<h2[^>]*>总部指导<\/h2>/);
    expect(html).toContain('核对高套餐低使用的用户，主动推荐更合适的套餐。');
  });
});

describe('the data-quality sentence', () => {
  it('reads as counts that add up: read = quarantined + used, the superseded among the used', async () => {
    // 12,345 read = 45 quarantined + 12,300 used; 7 of the 12,300 are superseded versions
    const { text } = await createBriefingRenderer({ locale: 'en' }).render(smallHqModel());
    const zh = await createBriefingRenderer({ locale: 'zh-CN' }).render(smallHqModel());
    expect(text.replace(/\s+/g, ' ')).toContain(
      '12,345 rows read from every partition the figures draw on (listed per table): 45 quarantined and 12,300 used, of which 7 were superseded by a later version',
    );
    expect(zh.text.replace(/\s+/g, '')).toContain('共读取12,345行：隔离45行，采用12,300行，其中7行被更新版本取代');
  });
});

describe('a briefing.json archived before lakeStartsOn existed', () => {
  it('renders as one whose comparisons the lake held whole, with no lake note', async () => {
    const { lakeStartsOn: _absent, ...archived } = smallHqModel();
    const { text } = await createBriefingRenderer({ locale: 'en' }).render(archived);
    expect(text).toContain('A plus sign means an increase');
    expect(text).not.toContain('The lake holds port requests from');
  });

  it('shows the note and dashes for a model whose week before began before the lake', async () => {
    const base = smallHqModel();
    const model = {
      ...base,
      lakeStartsOn: '2019-11-20',
      headline: { ...base.headline, netChange: null },
      flows: { ...base.flows, home: { ...base.flows.home, previous: null, netChange: null } },
    };
    const { text } = await createBriefingRenderer({ locale: 'en' }).render(model);
    expect(text.replace(/\s+/g, ' ')).toContain('The lake holds port requests from 2019-11-20:');
    expect(textRow(text, 'Net flow')).toMatch(/—$/);
  });
});

describe('a model the renderer cannot use', () => {
  it('is refused by name', async () => {
    await expect(createBriefingRenderer().render({ report: 'annual' })).rejects.toThrow(RenderError);
    await expect(createBriefingRenderer().render(null)).rejects.toThrow(/not an object/);
  });
});
