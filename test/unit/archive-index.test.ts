// The archive's front page (index.html at the root of the report store), written against a real
// folder store: which briefings it links, in which order, in which words, and that it is valid,
// escaped HTML.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { ReportStore } from '#core/ports.ts';
import { ARCHIVE_INDEX_KEY, writeArchiveIndex } from '#render/archive-index.ts';

let rootDir: string;
/** Typed as the port, as the report run sees it. */
let store: ReportStore;

beforeEach(async () => {
  rootDir = await mkdtemp(join(tmpdir(), 'mnp-archive-index-'));
  store = new FsReportStore(rootDir);
});

afterEach(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

/** Archives a briefing page and the files that travel with it, as a report run does. */
async function archive(report: string, period: string, audience: string): Promise<void> {
  const prefix = `${report}/${period}/${audience}`;
  await store.put(`${prefix}/chart-trend.png`, new Uint8Array([137, 80, 78, 71]), 'image/png');
  await store.put(`${prefix}/briefing.json`, '{}', 'application/json');
  await store.put(`${prefix}/briefing.txt`, '', 'text/plain; charset=utf-8');
  await store.put(`${prefix}/briefing.html`, '<!DOCTYPE html>', 'text/html; charset=utf-8');
}

async function writtenIndex(): Promise<string> {
  const key = await writeArchiveIndex(store);
  const body = await store.get(key);
  return new TextDecoder().decode(body);
}

const hrefsOf = (html: string) => [...html.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]!);
const headingsOf = (html: string) => [...html.matchAll(/<h([1-6])\b/g)].map((match) => Number(match[1]));

describe('the archive index', () => {
  it('is written at the root of the store as index.html', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    // act
    const key = await writeArchiveIndex(store);
    // assess
    expect(key).toBe(ARCHIVE_INDEX_KEY);
    expect(key).toBe('index.html');
    expect(await store.list('index.html')).toEqual(['index.html']);
  });

  it('links every archived briefing page and nothing else', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    await archive('province-monthly', '2019-12', '44');
    await archive('province-monthly', '2019-12', '11');
    await store.put('ledger/hq-weekly/2019-W52.json', '{}', 'application/json');
    // act
    const html = await writtenIndex();
    // assess
    expect(hrefsOf(html)).toEqual([
      'hq-weekly/2019-W52/hq/briefing.html',
      'province-monthly/2019-12/11/briefing.html',
      'province-monthly/2019-12/44/briefing.html',
    ]);
  });

  it('lists the newest period first, across the turn of the year', async () => {
    // prepare: 2020-W01 starts on 30 December 2019, before the month 2020-01
    for (const week of ['2019-W09', '2019-W52', '2020-W01', '2019-W51']) await archive('hq-weekly', week, 'hq');
    for (const month of ['2019-11', '2020-01', '2019-12']) await archive('province-monthly', month, '44');
    // act
    const html = await writtenIndex();
    // assess
    expect(hrefsOf(html).map((href) => href.split('/').slice(0, 2).join('/'))).toEqual([
      'hq-weekly/2020-W01',
      'hq-weekly/2019-W52',
      'hq-weekly/2019-W51',
      'hq-weekly/2019-W09',
      'province-monthly/2020-01',
      'province-monthly/2019-12',
      'province-monthly/2019-11',
    ]);
  });

  it('names reports, periods and audiences in Chinese and in English', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    await archive('province-monthly', '2019-12', '44');
    // act
    const html = await writtenIndex();
    // assess
    expect(html).toContain('<h2 id="report-hq-weekly">携号转网周报 / <span lang="en">MNP weekly briefing</span></h2>');
    expect(html).toContain(
      '<h2 id="report-province-monthly">携号转网月度指导 / <span lang="en">MNP monthly guidance</span></h2>',
    );
    expect(html).toContain('<time datetime="2019-W52">2019年第52周<br><span lang="en">week 52 of 2019</span></time>');
    expect(html).toContain('<time datetime="2019-12">2019年12月<br><span lang="en">December 2019</span></time>');
    expect(html).toContain(
      '<a href="hq-weekly/2019-W52/hq/briefing.html">总部 / <span lang="en">Headquarters</span></a>',
    );
    expect(html).toContain(
      '<a href="province-monthly/2019-12/44/briefing.html">广东省 / <span lang="en">Guangdong</span></a>',
    );
  });

  it('puts headquarters first, then provinces by code', async () => {
    // prepare
    for (const audience of ['65', '11', 'hq', '44']) await archive('hq-weekly', '2019-W52', audience);
    // act
    const html = await writtenIndex();
    // assess
    expect(hrefsOf(html).map((href) => href.split('/')[2])).toEqual(['hq', '11', '44', '65']);
  });

  it('is valid, accessible HTML: a language, one h1, a heading per report and tables with headers', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    await archive('province-monthly', '2019-12', '44');
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    // act
    const html = await writtenIndex();
    const report = await validator.validateString(html);
    // assess
    expect(
      report.results.flatMap((result) => result.messages.map((message) => `${message.ruleId}: ${message.message}`)),
    ).toEqual([]);
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(headingsOf(html)).toEqual([1, 2, 2]);
    expect(html.match(/<th scope="col">/g)).toHaveLength(4);
  });

  it('escapes folder names it does not know and lists them after the real periods', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    await archive('hq-weekly', 'draft <b>&"x"', 'a<b');
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    // act
    const html = await writtenIndex();
    // assess
    expect(html).not.toContain('<b>');
    expect(html).toContain('draft &lt;b&gt;&amp;&quot;x&quot;');
    expect(hrefsOf(html)).toEqual([
      'hq-weekly/2019-W52/hq/briefing.html',
      'hq-weekly/draft%20%3Cb%3E%26%22x%22/a%3Cb/briefing.html',
    ]);
    expect((await validator.validateString(html)).valid).toBe(true);
  });

  it('says so when the archive holds no briefing', async () => {
    // act
    const html = await writtenIndex();
    // assess
    expect(hrefsOf(html)).toEqual([]);
    expect(html).toContain('The archive holds no briefing yet.');
    expect(headingsOf(html)).toEqual([1]);
  });

  it('rewrites itself without listing the previous index', async () => {
    // prepare
    await archive('hq-weekly', '2019-W52', 'hq');
    await writeArchiveIndex(store);
    await archive('hq-weekly', '2020-W01', 'hq');
    // act
    const html = await writtenIndex();
    // assess
    expect(hrefsOf(html)).toEqual(['hq-weekly/2020-W01/hq/briefing.html', 'hq-weekly/2019-W52/hq/briefing.html']);
  });
});
