// mnp-briefings demo (npm start): builds the sample lake if there is none, then runs the
// headquarters weekly briefing for the latest complete week and the provincial reports for
// the latest complete month.
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { CliIo } from '../io.ts';
import { runOptionsSchema, validateOptions } from '../options.ts';
import { DEFAULT_SEED, generateSampleLake } from './generate.ts';
import { DEFAULT_RECIPIENTS_FILE, printRunResult, runLocalReport } from './run.ts';

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('build a sample lake if there is none, then run every report for its latest complete period')
    .option('--lake <dir>', 'lake folder', 'lake')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (raw: { lake: string; out: string }) => {
      const started = performance.now();
      const lakeExists = await stat(raw.lake).then((info) => info.isDirectory(), () => false);
      if (!lakeExists) await generateSampleLake({ lake: raw.lake, seed: DEFAULT_SEED, scale: 1 }, io);
      const store = new FsReportStore(raw.out);
      for (const report of ['hq-weekly', 'province-monthly']) {
        const options = validateOptions(runOptionsSchema, { report, lake: raw.lake, out: raw.out, homeOperator: 'CMCC', recipients: DEFAULT_RECIPIENTS_FILE });
        printRunResult(await runLocalReport(options, io), io, (key) => store.locate(key));
      }
      io.out(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Open ${store.locate('hq-weekly')} in a browser.`);
    });
}
