// mnp-briefings demo (npm start): builds the sample lake if there is none, then runs the
// headquarters weekly briefing for the latest complete week and the provincial reports for
// the latest complete month, delivered by the file transport (.eml files, no server needed).
import { rename, rm, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { latestCompletePeriodInLake } from '#core/lake-calendar.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { DEFAULT_RECIPIENTS_FILE } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { assertJobDone, printJobResult } from '../job-output.ts';
import { openJobsFor } from '../local-jobs.ts';
import { runOptionsSchema, validateOptions } from '../options.ts';
import { runReportJob } from '../report-job.ts';
import { DEFAULT_SEED, generateSampleLake } from './generate.ts';

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('build a sample lake if there is none, then run every report for its latest complete period')
    .option('--lake <dir>', 'lake folder', 'lake')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (raw: { lake: string; out: string }) => {
      const started = performance.now();
      const lakeExists = await stat(raw.lake).then(
        (info) => info.isDirectory(),
        () => false,
      );
      if (!lakeExists) {
        // Built aside and renamed into place: a Ctrl-C halfway leaves no half lake for the next start to hold on.
        const building = `${raw.lake.replace(/[\\/]+$/, '')}.building`;
        await rm(building, { recursive: true, force: true });
        await generateSampleLake({ lake: building, seed: DEFAULT_SEED, scale: 1 }, io);
        await rename(building, raw.lake);
      }
      const options = validateOptions(runOptionsSchema, {
        report: 'hq-weekly',
        lake: raw.lake,
        out: raw.out,
        homeOperator: 'CMCC',
        recipients: DEFAULT_RECIPIENTS_FILE,
      });
      const jobs = await openJobsFor(options, io);
      try {
        const results = [];
        for (const reportId of ['hq-weekly', 'province-monthly']) {
          const definition = reportDefinition(reportId);
          const periodId = (await latestCompletePeriodInLake(jobs.runtime.inventory, definition.periodKind)).id;
          const result = await runReportJob(
            { reportId, periodId, homeOperator: options.homeOperator, deliver: true },
            jobs,
          );
          printJobResult(result, io, (key) => jobs.runtime.store.locate(key));
          results.push(result);
        }
        io.out(
          `Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Open ${jobs.runtime.store.locate('index.html')} in a browser.`,
        );
        for (const result of results) assertJobDone(result);
      } finally {
        await jobs.close();
      }
    });
}
