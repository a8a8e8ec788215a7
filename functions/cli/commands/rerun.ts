// mnp-briefings rerun: one report for one period again, e.g. after a late data load or a failed
// province. The ledger makes it send only what never went out; --resend sends a correction to
// everyone instead (the subject and body say so), with --reason saying why and the figures it
// changes at the top. Once a version went out, a rerun renders as a draft and never rewrites it;
// if its figures differ from those sent it sends nothing to that audience and exits with 4.
import type { Command } from 'commander';
import { reportDefinition } from '#core/report-definitions.ts';
import { startAwsRun } from '../aws-run.ts';
import { awsRunInput } from '../aws-run-input.ts';
import { withAudienceOption, withDeliveryOptions, withLakeOptions, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { assertJobDone, printJobResult } from '../job-output.ts';
import { openJobsFor } from '../local-jobs.ts';
import { rerunOptionsSchema, validateOptions } from '../options.ts';
import { assertFiguresAsSent, runReportJob } from '../report-job.ts';

export function registerRerun(program: Command, io: CliIo): void {
  const command = program
    .command('rerun')
    .description('run one report for one period again: deliver only what was never delivered, or --resend a correction')
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .requiredOption('--period <id>', 'ISO week (2019-W48) or month (2019-12)')
    .option('--resend', 'send again to recipients already sent to, marked as a correction (needs --reason)')
    .option(
      '--reason <text>',
      'why the correction is sent: shown at the top of the correction, kept in the ledger and the journal',
    );
  withTargetOptions(
    withDeliveryOptions(
      withLakeOptions(
        withAudienceOption(
          command,
          'limit the rerun to these audiences: hq, or province codes such as 44 (repeatable)',
        ),
      ),
    ),
  ).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(rerunOptionsSchema, raw);
    const definition = reportDefinition(options.report);
    if (options.target === 'aws') {
      const input = awsRunInput(definition.id, {
        periodId: options.period,
        audiences: options.audience,
        resend: options.resend,
        reason: options.reason,
        sendDespiteMissingData: options.allowIncomplete,
      });
      await startAwsRun(options.resend ? 'resend' : 'rerun', input, options, io);
      return;
    }
    const jobs = await openJobsFor(options, io);
    try {
      const result = await runReportJob(
        {
          reportId: definition.id,
          periodId: options.period,
          audiences: options.audience,
          homeOperator: options.homeOperator,
          locale: options.locale,
          deliver: true,
          resend: options.resend,
          ...(options.reason ? { reason: options.reason } : {}),
          dryRun: options.dryRun,
          allowIncomplete: options.allowIncomplete,
        },
        jobs,
      );
      printJobResult(result, io, (key) => jobs.runtime.store.locate(key), options.json);
      assertJobDone(result);
      assertFiguresAsSent(result);
    } finally {
      await jobs.close();
    }
  });
}
