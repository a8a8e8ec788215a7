// mnp-briefings preview: renders a report and its messages without sending, recording or
// holding anything, into a folder of its own inside the archive (OUT/preview, out/preview by
// default), so that the archive keeps only what was sent, even when --out names it. Opens
// nothing: it prints the paths. With --target aws it prints pre-signed links to what the
// deployed stage archived.
import { join } from 'node:path';
import type { Command } from 'commander';
import { ConfigurationError } from '#core/errors.ts';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import type { AwsTarget } from '../aws-target.ts';
import { withAudienceOption, withLakeOptions, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { openJobsFor } from '../local-jobs.ts';
import { openAwsTarget } from '../open-aws-target.ts';
import { type PreviewOptions, previewOptionsSchema, validateOptions } from '../options.ts';
import { runReportJob } from '../report-job.ts';

const ARCHIVED_BRIEFING = /^([^/]+)\/([^/]+)\/([^/]+)\/briefing\.html$/;

/** Pre-signed links to the archived briefings of a period (the latest archived one by default). */
export async function awsPreviewLinks(
  options: PreviewOptions,
  target: AwsTarget,
): Promise<{ period: string; links: { audience: string; html: string; message: string }[] }> {
  const definition = reportDefinition(options.report);
  const store = await target.archive(definition.id);
  const pages = (await store.list(`${definition.id}/${options.period ? `${options.period}/` : ''}`))
    .map((key) => ARCHIVED_BRIEFING.exec(key))
    .filter((match): match is RegExpExecArray => match !== null);
  const period =
    options.period ??
    pages
      .map((match) => match[2]!)
      .sort()
      .at(-1);
  const wanted = pages.filter(
    (match) => match[2] === period && (!options.audience || options.audience.includes(match[3]!)),
  );
  if (!period || wanted.length === 0) {
    throw new ConfigurationError(
      `nothing archived for ${definition.id}${options.period ? ` ${options.period}` : ''}${options.audience ? ` (${options.audience.join(', ')})` : ''} in ${store.locate('')}: run it first`,
    );
  }
  const links = [];
  for (const match of wanted) {
    const prefix = `${definition.id}/${period}/${match[3]}`;
    links.push({
      audience: match[3]!,
      html: await target.presign(definition.id, `${prefix}/briefing.html`, options.expires),
      message: await target.presign(definition.id, `${prefix}/message.eml`, options.expires),
    });
  }
  return { period, links };
}

export function registerPreview(program: Command, io: CliIo): void {
  const command = program
    .command('preview')
    .description('render a report and its messages into OUT/preview without sending anything; print where they are')
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .option(
      '--period <id>',
      'ISO week (2019-W48) or month (2019-12); default: the latest complete one in the lake (the latest archived one in AWS)',
    )
    .option('--expires <seconds>', 'lifetime of the pre-signed links of --target aws', '3600');
  withTargetOptions(
    withLakeOptions(withAudienceOption(command, 'only these audiences: hq, or province codes such as 44 (repeatable)')),
  ).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(previewOptionsSchema, raw);
    const definition = reportDefinition(options.report);
    if (options.target === 'aws') {
      const target = await openAwsTarget(options.stage!, options.region);
      const { period, links } = await awsPreviewLinks(options, target);
      if (options.json) io.out(JSON.stringify({ report: definition.id, period, links }));
      else
        for (const link of links)
          io.out(`${definition.id} ${period} ${link.audience}\n  ${link.html}\n  ${link.message}`);
      return;
    }
    const jobs = await openJobsFor({ ...options, out: join(options.out, 'preview'), transport: 'file', rate: 5 }, io);
    try {
      const periodId =
        options.period ?? (await latestCompletePeriodInLake(jobs.runtime.inventory, definition.periodKind)).id;
      const result = await runReportJob(
        {
          reportId: definition.id,
          periodId,
          audiences: options.audience,
          homeOperator: options.homeOperator,
          locale: options.locale,
          deliver: true,
          preview: true,
        },
        jobs,
      );
      const locate = (key: string) => jobs.runtime.store.locate(key);
      const reports = result.archived.map((report) => {
        const delivery = result.deliveries?.find((summary) => summary.audience === report.audience);
        return {
          audience: report.audience,
          locale: report.locale,
          html: locate(report.keys.html),
          json: locate(report.keys.json),
          ...(delivery ? { message: locate(delivery.messageKey), subject: delivery.subject } : {}),
        };
      });
      if (options.json) {
        io.out(
          JSON.stringify({
            report: result.report,
            period: result.period,
            partitionsMissing: result.partitionsMissing,
            reports,
          }),
        );
        return;
      }
      io.out(
        `preview of ${result.report} ${result.period}: nothing sent, nothing recorded${result.partitionsMissing.length > 0 ? `; data incomplete (${result.partitionsMissing.length} partition(s) without _SUCCESS), shown with the banner` : ''}`,
      );
      for (const report of reports)
        io.out(
          `  ${report.audience} (${report.locale}) ${report.html}${report.message ? `\n    ${report.message}` : ''}`,
        );
    } finally {
      await jobs.close();
    }
  });
}
