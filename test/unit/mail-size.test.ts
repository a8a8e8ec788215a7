// The size of the mail HTML: Gmail clips an HTML part above about 102 KB ("[Message clipped]"),
// so a full headquarters week and a provincial month, in each language, stay below it, and the
// composer has no warning to give. Also what the slimming after juice keeps and drops.
import { describe, expect, it } from 'vitest';
import type { Briefing, Locale } from '#core/report-model.ts';
import { type ArchivedReport, archiveKeys, archivePrefix } from '#core/report-run.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { slimMailHtml } from '#render/email-html.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { fakeDrawChart } from '../support/fake-chart-drawer.ts';
import { fullHqModel, provinceModel } from './render-models.ts';

const GMAIL_CLIP_BYTES = 102_000;

const CASES = (['zh-CN', 'en'] as const).flatMap((locale) => [
  { name: 'a full headquarters week', locale, model: () => ({ ...fullHqModel(), locale }) as Briefing },
  { name: 'a provincial month', locale, model: () => ({ ...provinceModel(), locale }) as Briefing },
]);

async function archivedOf(model: Briefing, locale: Locale): Promise<ArchivedReport> {
  const rendered = await createBriefingRenderer({ locale, drawChart: fakeDrawChart }).render(model);
  const prefix = archivePrefix(model.report, model.period.id, model.audience);
  return {
    reportId: model.report,
    periodId: model.period.id,
    audience: model.audience,
    locale,
    prefix,
    keys: archiveKeys(prefix),
    model,
    rendered,
  };
}

describe.each(CASES)('the mail HTML of $name in $locale', ({ locale, model }) => {
  it('stays below the size at which Gmail clips it', async () => {
    // act
    const { rendered } = await archivedOf(model(), locale);
    // assess
    expect(Buffer.byteLength(rendered.html, 'utf8')).toBeLessThanOrEqual(GMAIL_CLIP_BYTES);
  });

  it('gives the composer no size warning, with or without a correction notice', async () => {
    // arrange
    const archived = await archivedOf(model(), locale);
    const composer = createBriefingMessageComposer();
    for (const correction of [false, true]) {
      // act
      const composed = await composer.compose({
        archived,
        from: 'b <briefings@example.com>',
        to: ['r@example.com'],
        listId: 'l.example.com',
        messageId: '<m@example.com>',
        date: new Date('2019-12-02T01:00:00Z'),
        correction,
        possibleDuplicate: false,
      });
      // assess
      expect(composed.warnings).toEqual([]);
    }
  });
});

describe('the composer', () => {
  it('still warns when a mail HTML is above the Gmail limit', async () => {
    // arrange
    const archived = await archivedOf(fullHqModel(), 'zh-CN');
    // act
    const composed = await createBriefingMessageComposer({ warnHtmlBytes: 10_000 }).compose({
      archived,
      from: 'b <briefings@example.com>',
      to: ['r@example.com'],
      listId: 'l.example.com',
      messageId: '<m@example.com>',
      date: new Date('2019-12-02T01:00:00Z'),
      correction: false,
      possibleDuplicate: false,
    });
    // assess
    expect(composed.warnings).toEqual([
      expect.stringMatching(/^the mail HTML is \d+ bytes, above 10000: Gmail shows it clipped$/),
    ]);
  });
});

describe('the slimming after juice', () => {
  const css =
    '<style>@media (prefers-color-scheme: dark) {\n  .data td, .banner { color: #f0f0f0 !important; }\n}</style>';

  it('writes each inline style without spaces and keeps quoted values whole', () => {
    // act
    const html = slimMailHtml(`<p style="margin: 0 0 4px 0; font-family: 'A; B', Arial; color: #1a1a1a;">x</p>`);
    // assess
    expect(html).toBe(`<p style="margin:0 0 4px 0;font-family:'A; B', Arial;color:#1a1a1a">x</p>`);
  });

  it("keeps a cell's alignment once, as the attribute juice wrote beside the same CSS", () => {
    // act
    const html = slimMailHtml(
      '<table><tr><td style="padding: 6px; vertical-align: top; text-align: right;" valign="top" align="right">1</td><td style="text-align: left;" align="center">2</td></tr></table>',
    );
    // assess
    expect(html).toContain('<td style="padding:6px" valign="top" align="right">1</td>');
    expect(html).toContain('<td style="text-align:left" align="center">2</td>');
  });

  it('keeps the classes the <style> block names and the content cell, and drops the others', () => {
    // act
    const html = slimMailHtml(
      `<html><head>${css}</head><body><td class="content"><p class="banner lead">a</p><span class="fig">b</span></td></body></html>`,
    );
    // assess
    expect(html).toContain('<td class="content"><p class="banner">a</p><span>b</span></td>');
  });

  it('keeps the media queries whole, and the white space inside text', () => {
    // act
    const html = slimMailHtml(
      `<html><head>${css}</head><body>\n<div>\n<p>one <span>two</span> <span>three</span></p>\n</div>\n</body></html>`,
    );
    // assess
    expect(html).toContain(
      '<style>@media (prefers-color-scheme: dark){.data td,.banner{color:#f0f0f0 !important}}</style>',
    );
    expect(html).toContain('<body><div><p>one <span>two</span> <span>three</span></p></div></body>');
  });
});
