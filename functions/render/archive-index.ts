// The archive's front page: index.html at the root of the report store, linking every archived
// briefing (<report>/<period>/<audience>/briefing.html), newest period first. Readers of either
// language use the archive, so every label shows in Chinese and in English; the words come from
// the locale files, and province names from the reference data.
import { parsePeriod } from '#core/period.ts';
import type { ReportStore } from '#core/ports.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import type { Locale } from '#core/report-model.ts';
import { provinceByCode } from '#reference/index.ts';
import { createFormatter } from './format.ts';
import { createTranslator, hasMessage, LOCALES, type Translate } from './locale.ts';
import { type PeriodNames, periodNames } from './period-label.ts';

export const ARCHIVE_INDEX_KEY = 'index.html';

type ArchiveWord = 'title' | 'audiences' | 'empty';

const BRIEFING_KEY = /^([a-z][a-z0-9-]*)\/([^/]+)\/([^/]+)\/briefing\.html$/;

interface ArchivedPage {
  readonly report: string;
  readonly period: string;
  readonly audience: string;
  readonly key: string;
}

interface PeriodGroup {
  readonly period: string;
  readonly pages: readonly ArchivedPage[];
}

interface ReportGroup {
  readonly report: string;
  readonly periods: readonly PeriodGroup[];
}

/** Lists the archived briefings, writes index.html at the root and returns its key. */
export async function writeArchiveIndex(store: ReportStore): Promise<string> {
  const pages = (await store.list('')).flatMap(archivedPageOf);
  await store.put(ARCHIVE_INDEX_KEY, archiveIndexHtml(groupPages(pages)), 'text/html; charset=utf-8');
  return ARCHIVE_INDEX_KEY;
}

function archivedPageOf(key: string): ArchivedPage[] {
  const match = BRIEFING_KEY.exec(key);
  return match ? [{ report: match[1]!, period: match[2]!, audience: match[3]!, key }] : [];
}

/** The first Beijing day of a period; a folder that is not a period sorts last. */
function periodStart(id: string): string {
  try {
    return parsePeriod(id).start;
  } catch {
    return '';
  }
}

function reportRank(report: string): number {
  const index = reportDefinitions.findIndex((definition) => definition.id === report);
  return index === -1 ? reportDefinitions.length : index;
}

/** Headquarters first, then provinces by code. */
function compareAudiences(a: string, b: string): number {
  if (a === 'hq' || b === 'hq') return Number(b === 'hq') - Number(a === 'hq');
  return a.localeCompare(b, 'en');
}

function groupPages(pages: readonly ArchivedPage[]): ReportGroup[] {
  const reports = [...new Set(pages.map((page) => page.report))].sort(
    (a, b) => reportRank(a) - reportRank(b) || a.localeCompare(b, 'en'),
  );
  return reports.map((report) => {
    const ofReport = pages.filter((page) => page.report === report);
    const periods = [...new Set(ofReport.map((page) => page.period))].sort(
      (a, b) => periodStart(b).localeCompare(periodStart(a)) || b.localeCompare(a, 'en'),
    );
    return {
      report,
      periods: periods.map((period) => ({
        period,
        pages: ofReport
          .filter((page) => page.period === period)
          .sort((a, b) => compareAudiences(a.audience, b.audience)),
      })),
    };
  });
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** A relative link from the root to a key, each path segment percent-encoded. */
function hrefOf(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

interface Words {
  readonly locale: Locale;
  readonly t: Translate;
  readonly periods: PeriodNames;
}

const WORDS: readonly Words[] = LOCALES.map((locale) => ({
  locale,
  t: createTranslator(locale),
  periods: periodNames(locale, createFormatter(locale)),
}));

/** The same label in each language: the first as the page's language, the others marked with theirs. */
function bilingual(label: (words: Words) => string, separator = ' / '): string {
  const [first, ...others] = WORDS.map((words) => ({ locale: words.locale, text: escapeHtml(label(words)) }));
  const rest = others
    .filter((other) => other.text !== first!.text)
    .map((other) => `<span lang="${other.locale}">${other.text}</span>`);
  return [first!.text, ...rest].join(separator);
}

function archiveWord(words: Words, word: ArchiveWord): string {
  return words.t(`archive.${word}`);
}

function reportTitle(words: Words, report: string): string {
  return hasMessage(words.locale, `report.${report}.title`) ? words.t(`report.${report}.title`) : report;
}

function periodLabel(words: Words, period: string): string {
  return periodStart(period) === '' ? period : words.periods.label({ id: period });
}

function audienceLabel(words: Words, audience: string): string {
  if (audience === 'hq') return words.t('report.hq-weekly.audience');
  const province = provinceByCode.get(audience);
  if (!province) return audience;
  return words.locale === 'en' ? province.en : province.zh;
}

function periodRow(group: PeriodGroup): string {
  const time =
    periodStart(group.period) === ''
      ? escapeHtml(group.period)
      : `<time datetime="${escapeHtml(group.period)}">${bilingual((words) => periodLabel(words, group.period), '<br>')}</time>`;
  const links = group.pages.map(
    (page) =>
      `<li><a href="${escapeHtml(hrefOf(page.key))}">${bilingual((words) => audienceLabel(words, page.audience))}</a></li>`,
  );
  return `<tr><th scope="row">${time}</th><td><ul class="links">${links.join('')}</ul></td></tr>`;
}

function reportSection(group: ReportGroup): string {
  const id = `report-${group.report}`;
  return [
    `<section aria-labelledby="${escapeHtml(id)}">`,
    `<h2 id="${escapeHtml(id)}">${bilingual((words) => reportTitle(words, group.report))}</h2>`,
    '<table class="data">',
    `<thead><tr><th scope="col">${bilingual((words) => words.t('trend.period'))}</th><th scope="col">${bilingual((words) => archiveWord(words, 'audiences'))}</th></tr></thead>`,
    `<tbody>${group.periods.map(periodRow).join('\n')}</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

const STYLES = `
body { margin: 0; background-color: #f3f4f6; color: #1a1a1a; font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Segoe UI", Roboto, Arial, sans-serif; font-size: 15px; line-height: 1.55; }
main { max-width: 720px; margin: 16px auto; background-color: #ffffff; padding: 24px; box-sizing: border-box; }
h1 { font-size: 22px; line-height: 1.3; margin: 0 0 16px 0; }
h2 { font-size: 18px; line-height: 1.35; margin: 0 0 8px 0; padding-top: 14px; border-top: 2px solid #1f3a5f; }
section { margin: 0 0 22px 0; }
.data { width: 100%; border-collapse: collapse; font-size: 14px; }
.data th, .data td { padding: 6px 8px; border-bottom: 1px solid #d6d9de; vertical-align: top; text-align: left; }
.data thead th { border-bottom: 2px solid #8c939c; font-size: 13px; color: #333333; }
.data tbody th { font-weight: normal; white-space: nowrap; }
.links { list-style: none; margin: 0; padding: 0; }
.links li { display: inline-block; margin: 0 14px 4px 0; }
a { color: #1f4f8f; }
@media (max-width: 480px) { main { margin: 0; padding: 16px 14px; } .data th, .data td { padding: 5px; } }
@media (prefers-color-scheme: dark) {
  body { background-color: #121212; color: #f0f0f0; }
  main { background-color: #1e1e1e; }
  h2 { border-color: #8fb3e0; }
  .data th, .data td { border-color: #4a4a4a; }
  .data thead th { color: #c8c8c8; }
  a { color: #9cc3f5; }
}`;

function archiveIndexHtml(groups: readonly ReportGroup[]): string {
  const title = bilingual((words) => archiveWord(words, 'title'));
  const plainTitle = WORDS.map((words) => archiveWord(words, 'title')).join(' / ');
  const body =
    groups.length === 0
      ? `<p>${bilingual((words) => archiveWord(words, 'empty'), ' ')}</p>`
      : groups.map(reportSection).join('\n');
  return [
    '<!DOCTYPE html>',
    `<html lang="${WORDS[0]!.locale}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(plainTitle)}</title>`,
    `<style>${STYLES}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${title}</h1>`,
    body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
