// mnp-briefings recipients: who gets what, from the recipients configuration (validated as a
// set first): per audience the report it receives, the locale, and each address.
import Table from 'cli-table3';
import type { Command } from 'commander';
import { ConfigurationError } from '#core/errors.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { provinces } from '#reference/index.ts';
import { DEFAULT_RECIPIENTS_FILE } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { loadRecipients } from '../recipients-file.ts';

export interface AudienceListing {
  readonly audience: string;
  readonly name: string;
  readonly reports: readonly string[];
  readonly locale: string;
  readonly to: readonly string[];
}

export function listAudiences(
  config: Awaited<ReturnType<typeof loadRecipients>>,
  only?: readonly string[],
): AudienceListing[] {
  const keys = ['hq', ...provinces.map((province) => province.code)].filter(
    (key) => config.audiences[key] && (!only || only.includes(key)),
  );
  const unknown = (only ?? []).filter((key) => !config.audiences[key]);
  if (unknown.length > 0)
    throw new ConfigurationError(
      `--audience ${unknown.join(', ')}: no such audience (hq, or a province code such as 44)`,
    );
  return keys.map((key) => {
    const province = provinces.find((candidate) => candidate.code === key);
    return {
      audience: key,
      name: province ? `${province.zh} ${province.en}` : 'headquarters',
      reports: reportDefinitions
        .filter((definition) => (definition.audience === 'hq') === (key === 'hq'))
        .map((definition) => definition.id),
      locale: config.audiences[key]!.locale,
      to: config.audiences[key]!.to,
    };
  });
}

export function registerRecipients(program: Command, io: CliIo): void {
  program
    .command('recipients')
    .description('list who gets what: per audience its report, locale and addresses')
    .option('--audience <code...>', 'only these audiences: hq, or province codes such as 44 (repeatable)')
    .option('--recipients <file>', 'recipients configuration', DEFAULT_RECIPIENTS_FILE)
    .option('--json', 'print JSON for scripts')
    .action(async (raw: { audience?: string[]; recipients: string; json?: boolean }) => {
      const config = await loadRecipients(raw.recipients);
      const listing = listAudiences(config, raw.audience);
      if (raw.json) {
        io.out(JSON.stringify({ from: config.from, audiences: listing }));
        return;
      }
      const table = new Table({
        head: ['audience', 'name', 'reports', 'locale', 'recipients'],
        style: { head: [], border: [] },
      });
      // one row per address: cli-table3 slows down sharply as a cell gets more lines (100 took a minute)
      for (const entry of listing)
        for (const [index, to] of entry.to.entries())
          table.push(
            index === 0
              ? [entry.audience, entry.name, entry.reports.join(' '), entry.locale, to]
              : ['', '', '', '', to],
          );
      io.out(`from ${config.from}`);
      io.out(table.toString());
      io.out(`${listing.length} audience(s), ${listing.reduce((sum, entry) => sum + entry.to.length, 0)} address(es)`);
    });
}
