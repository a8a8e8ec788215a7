// mnp-briefings run: one report for one period, on the embedded engine over the lake folder,
// then delivered to each audience's recipients (the file transport unless told otherwise).
import type { Command } from 'commander';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { startAwsRun } from '../aws-run.ts';
import { awsRunInput } from '../aws-run-input.ts';
import { withAudienceOption, withDeliveryOptions, withLakeOptions, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { assertJobDone, printJobResult } from '../job-output.ts';
import { openJobsFor } from '../local-jobs.ts';
import { runOptionsSchema, validateOptions } from '../options.ts';
import { assertFiguresAsSent, runReportJob } from '../report-job.ts';

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('run one report for one period: hold if its data is not ready, else archive it and deliver it')
    .requiredOption('--report <id>', 'report id: hq-weekly or province-monthly')
    .option(
      '--period <id>',
      'ISO week (2019-W48) or month (2019-12), Beijing time; default: the latest complete one in the lake',
    )
    .option('--no-deliver', 'archive the reports only, send nothing')
    .option('--resend', 'send again to recipients already sent to, marked as a correction (needs --reason)')
    .option(
      '--reason <text>',
      'why the correction is sent: shown at the top of the correction, kept in the ledger and the journal',
    );
  withTargetOptions(
    withDeliveryOptions(
      withLakeOptions(
        withAudienceOption(command, 'only these audiences: hq, or province codes such as 44 (repeatable)'),
      ),
    ),
  ).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(runOptionsSchema, raw);
    const definition = reportDefinition(options.report);
    if (options.target === 'aws') {
      const input = awsRunInput(definition.id, {
        periodId: options.period,
        audiences: options.audience,
        resend: options.resend,
        reason: options.reason,
        archiveOnly: !options.deliver,
        sendDespiteMissingData: options.allowIncomplete,
      });
      await startAwsRun('run', input, options, io);
      return;
    }
    const jobs = await openJobsFor(options, io);
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
          deliver: options.deliver,
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
