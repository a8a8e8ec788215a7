// Real briefing pages to look at in a browser: a small synthetic lake, then the headquarters
// weekly briefing and Guangdong's monthly guidance in each language, made by the command in
// process exactly as `mnp-briefings generate` and `mnp-briefings run` make them.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import type { Locale } from '#core/report-model.ts';

export const SAMPLE_PROVINCE = '44';
export const SAMPLE_LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const SAMPLE_REPORTS = ['hq-weekly', 'province-monthly'] as const;
export type SampleReport = (typeof SAMPLE_REPORTS)[number];

const RECIPIENTS_FILE = fileURLToPath(new URL('../../config/recipients.json', import.meta.url));

export interface SampleBriefing {
  readonly report: SampleReport;
  readonly locale: Locale;
  readonly period: string;
  /** The output folder of this locale's runs (the report store's root). */
  readonly outDir: string;
  /** The archived page: OUT/<report>/<period>/<audience>/briefing.html, charts beside it. */
  readonly htmlPath: string;
}

async function cli(args: readonly string[]): Promise<string> {
  const io = bufferIo();
  const code = await main(args, io);
  if (code !== 0) throw new Error(`mnp-briefings ${args.join(' ')} exited with ${code}: ${io.stderr.join('\n')}`);
  return io.stdout.join('\n');
}

async function runReport(
  report: SampleReport,
  locale: Locale,
  lakeDir: string,
  outDir: string,
): Promise<SampleBriefing> {
  const args = [
    'run',
    '--report',
    report,
    '--lake',
    lakeDir,
    '--out',
    outDir,
    '--recipients',
    RECIPIENTS_FILE,
    '--no-deliver',
    '--json',
  ];
  if (locale !== 'zh-CN') args.push('--locale', locale);
  if (report === 'province-monthly') args.push('--audience', SAMPLE_PROVINCE);
  const summary = JSON.parse(await cli(args)) as { period: string; reports: { html: string }[] };
  return { report, locale, period: summary.period, outDir, htmlPath: summary.reports[0]!.html };
}

/** Writes the lake and both reports in both languages under workDir; Chinese first. */
export async function buildSampleBriefings(workDir: string): Promise<SampleBriefing[]> {
  const lakeDir = join(workDir, 'lake');
  await cli(['generate', '--lake', lakeDir, '--scale', '0.2']);
  const briefings: SampleBriefing[] = [];
  for (const locale of SAMPLE_LOCALES) {
    for (const report of SAMPLE_REPORTS)
      briefings.push(await runReport(report, locale, lakeDir, join(workDir, `out-${locale}`)));
  }
  return briefings;
}
