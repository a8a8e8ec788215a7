// mnp-briefings validate: the configuration checked before it matters (before a deploy, before
// the first scheduled run): the report definitions and their schedules, the recipients as a
// set, and a stage's settings against them (the sender inside the SES sending domain). Every
// problem is listed, one line each; exit 0 when there is none, 2 otherwise.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { addressOf } from '#core/delivery-records.ts';
import { ConfigurationError } from '#core/errors.ts';
import { parseJsonText } from '#core/json-text.ts';
import { checkRecipients, domainOf, type RecipientsConfig } from '#core/recipients.ts';
import { parseReportDefinitions, type ReportDefinition } from '#core/report-definitions.ts';
import { parseSchedule } from '#core/schedule.ts';
import { senderInDomain } from '#core/sending-domain.ts';
// The stage settings have one home, the CDK app's: validate reads them the way `cdk deploy` does.
import { type AppSettings, checkSettings, STAGES } from '../../../infra/settings.ts';
import { DEFAULT_RECIPIENTS_FILE } from '../command-options.ts';
import type { CliIo } from '../io.ts';

export const DEFAULT_REPORTS_FILE = 'config/reports.json';

interface Finding {
  readonly ok: boolean;
  readonly line: string;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`${path}: cannot read it: ${(error as Error).message}`);
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigurationError(`${path}: not JSON: ${json.problem}`);
  return json.value;
}

/** Runs one check; a ConfigurationError becomes a finding, anything else is a bug and is thrown. */
async function check<T>(findings: Finding[], work: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    findings.push({ ok: false, line: error.message });
    return undefined;
  }
}

function checkSchedules(
  definitions: readonly ReportDefinition[],
  source: string,
  now: Date,
  findings: Finding[],
): void {
  for (const definition of definitions) {
    try {
      const next = parseSchedule(definition.schedule).nextAfter(now);
      if (!next)
        findings.push({
          ok: false,
          line: `${source}: ${definition.id}: schedule ${definition.schedule.expression} never runs again`,
        });
      else
        findings.push({
          ok: true,
          line: `${definition.id}: ${definition.schedule.expression} ${definition.schedule.timezone}, next run ${next.toISOString()}`,
        });
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      findings.push({ ok: false, line: `${source}: ${definition.id}: ${error.message}` });
    }
  }
}

/** A stage's settings as cdk.json and --context give them, and every problem with them. */
function stageSettings(
  stage: string,
  pairs: readonly string[],
  cdkContext: Record<string, unknown>,
): { settings?: AppSettings; problems: string[] } {
  const given = new Map<string, string>();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1)
      throw new ConfigurationError(
        `--context ${pair}: expected key=value, e.g. --context sesDomain=briefings.example.org`,
      );
    given.set(pair.slice(0, at), pair.slice(at + 1));
  }
  const checked = checkSettings((key) => (key === 'stage' ? stage : (given.get(key) ?? cdkContext[key])));
  return { ...checked, problems: checked.problems.map((problem) => `stage ${stage}: ${problem}`) };
}

export async function validateConfiguration(
  options: {
    reports: string;
    recipients: string;
    stage?: string | undefined;
    context: readonly string[];
    cdkJson: string;
  },
  now: Date,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const definitions = await check(findings, async () =>
    parseReportDefinitions(await readJson(options.reports), options.reports),
  );
  if (definitions) {
    findings.push({
      ok: true,
      line: `${options.reports}: ${definitions.length} report(s): ${definitions.map((definition) => definition.id).join(', ')}`,
    });
    checkSchedules(definitions, options.reports, now, findings);
  }
  const recipients: RecipientsConfig | undefined = await check(findings, async () => {
    const { config, problems } = checkRecipients(await readJson(options.recipients));
    for (const problem of problems) findings.push({ ok: false, line: `${options.recipients}: ${problem}` });
    return config;
  });
  if (recipients) {
    const addresses = Object.values(recipients.audiences).reduce((sum, audience) => sum + audience.to.length, 0);
    findings.push({
      ok: true,
      line: `${options.recipients}: ${Object.keys(recipients.audiences).length} audiences (hq and every province), ${addresses} address(es), none repeated`,
    });
  }
  if (options.stage) {
    const cdk = (await check(findings, () => readJson(options.cdkJson))) as
      | { context?: Record<string, unknown> }
      | undefined;
    const checked = await check(findings, () => stageSettings(options.stage!, options.context, cdk?.context ?? {}));
    for (const problem of checked?.problems ?? []) findings.push({ ok: false, line: problem });
    const settings = checked?.settings;
    // The sender is checked against the sending domain even when another setting is wrong.
    if (settings && recipients) {
      const sender = addressOf(recipients.from);
      if (senderInDomain(recipients.from, settings.sesDomain))
        findings.push({
          ok: true,
          line: `stage ${settings.stage}: sender ${sender} is inside the sending domain ${settings.sesDomain}`,
        });
      else
        findings.push({
          ok: false,
          line: `stage ${settings.stage}: the sender ${sender} (${options.recipients} "from") is not inside the SES sending domain ${settings.sesDomain}: SES would refuse every message; set --context sesDomain=${domainOf(sender)} (cdk -c sesDomain=…) or change "from"`,
        });
    }
  }
  return findings;
}

export function registerValidate(program: Command, io: CliIo): void {
  program
    .command('validate')
    .description(
      "check the report definitions, their schedules, the recipients and (with --stage) a stage's settings; exit 0 or 2",
    )
    .option('--reports <file>', 'report definitions', DEFAULT_REPORTS_FILE)
    .option('--recipients <file>', 'recipients configuration', DEFAULT_RECIPIENTS_FILE)
    .option(
      '--stage <stage>',
      `also check a stage's settings, as cdk.json and --context give them: ${STAGES.join(' or ')}`,
    )
    .option(
      '--context <key=value...>',
      'a CDK context value for --stage, as cdk -c takes it (repeatable), e.g. sesDomain=briefings.example.org',
    )
    .option('--json', 'print JSON for scripts')
    .action(
      async (raw: { reports: string; recipients: string; stage?: string; context?: string[]; json?: boolean }) => {
        if (raw.stage && !(STAGES as readonly string[]).includes(raw.stage))
          throw new ConfigurationError(`--stage must be one of ${STAGES.join(', ')}`);
        const findings = await validateConfiguration(
          {
            reports: raw.reports,
            recipients: raw.recipients,
            stage: raw.stage,
            context: raw.context ?? [],
            cdkJson: 'cdk.json',
          },
          new Date(),
        );
        const problems = findings.filter((finding) => !finding.ok);
        if (raw.json) io.out(JSON.stringify({ ok: problems.length === 0, findings }));
        else for (const finding of findings) io.out(`${finding.ok ? 'ok     ' : 'PROBLEM'} ${finding.line}`);
        if (problems.length > 0)
          throw new ConfigurationError(`validate: ${problems.length} problem(s), e.g. ${problems[0]!.line}`);
      },
    );
}
