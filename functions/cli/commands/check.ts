// mnp-briefings check: is any scheduled briefing overdue? Holds each report's schedule against
// the run journal and the delivery ledger (#core/overdue.ts) and prints one line per overdue
// (report, period): missed, held past deadline, partially delivered (how many lack it), failed;
// a report sent with the "data incomplete" banner is named too, and is not overdue. Exit 0 when
// nothing is overdue, 5 otherwise, so that cron or a monitoring system can call it. With
// --target aws it reads the stage's DynamoDB ledger and archive bucket, as the check Lambda does.
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { type ClaimInFlight, claimLine, listClaimsInFlight } from '#core/delivery-in-flight.ts';
import type { DeliveryLedger } from '#core/delivery-ports.ts';
import { ConfigurationError, OverdueReportsError } from '#core/errors.ts';
import { type CheckReport, checkSchedules, findingLine } from '#core/overdue.ts';
import { beijingMidnightUtc, isCalendarDate } from '#core/period.ts';
import type { ReportStore } from '#core/ports.ts';
import { reportDefinition, reportDefinitions } from '#core/report-definitions.ts';
import { audiencesOf } from '#core/report-run.ts';
import { DEFAULT_RECIPIENTS_FILE, withTargetOptions } from '../command-options.ts';
import type { CliIo } from '../io.ts';
import { validateOptions } from '../options.ts';
import { loadRecipients } from '../recipients-file.ts';

/** A Beijing calendar date (its midnight) or an ISO 8601 instant with its zone. */
const dateOrInstant = z.string().transform((value, context) => {
  if (isCalendarDate(value)) return new Date(`${beijingMidnightUtc(value).replace(' ', 'T')}Z`);
  const instant = z.iso.datetime({ offset: true }).safeParse(value);
  if (instant.success) return new Date(value);
  context.addIssue({
    code: 'custom',
    message: `must be a date such as 2019-12-01 (Beijing) or an instant such as 2019-12-09T08:00:00Z, not "${value}"`,
  });
  return z.NEVER;
});

const checkOptionsSchema = z
  .object({
    out: z.string().min(1),
    ledger: z.string().min(1).optional(),
    recipients: z.string().min(1),
    report: z.string().min(1).optional(),
    since: dateOrInstant.optional(),
    now: dateOrInstant.optional(),
    json: z.boolean().optional(),
    target: z.enum(['local', 'aws']),
    stage: z
      .string()
      .regex(/^[a-z][a-z0-9-]*$/)
      .optional(),
    region: z.string().optional(),
  })
  .refine((options) => options.target !== 'aws' || options.stage !== undefined, {
    message: 'is needed with --target aws, e.g. --stage prod',
    path: ['stage'],
  })
  // A window that ends before it starts would say "nothing overdue" of every period.
  .refine((options) => !options.since || options.since.getTime() <= (options.now ?? new Date()).getTime(), {
    message: 'comes after --now (or the present): the window to check would be empty',
    path: ['since'],
  });

type CheckCliOptions = z.infer<typeof checkOptionsSchema>;

async function sourcesOf(
  options: CheckCliOptions,
  reportId: string,
): Promise<{ store: ReportStore; ledger: DeliveryLedger }> {
  if (options.target === 'aws') {
    // Loaded only here: check runs locally, and --help starts, without the AWS SDK.
    const { AwsTarget, defaultAwsClients } = await import('../aws-target.ts');
    const target = new AwsTarget(options.stage!, defaultAwsClients(options.region));
    return { store: await target.archive(reportId), ledger: target.ledger() };
  }
  return {
    store: new FsReportStore(options.out),
    ledger: new FileLedger(options.ledger ?? join(options.out, 'ledger')),
  };
}

/** Sends still claimed in the periods not delivered to everyone: a run may be sending them now, or have stopped. */
async function claimsOf(report: CheckReport, ledger: DeliveryLedger, now: Date): Promise<ClaimInFlight[]> {
  const undelivered = report.findings.filter((finding) => finding.state === 'partial' || finding.state === 'failed');
  const claims = await Promise.all(
    undelivered.map((finding) =>
      listClaimsInFlight(
        ledger,
        finding.reportId,
        finding.periodId,
        audiencesOf(reportDefinition(finding.reportId)),
        now,
      ),
    ),
  );
  return claims.flat();
}

function printReport(report: CheckReport, claims: readonly ClaimInFlight[], io: CliIo): void {
  for (const finding of report.findings) io.out(findingLine(finding));
  if (claims.length > 0) {
    io.out(`claims in flight: ${claims.length}`);
    for (const claim of claims) io.out(`  ${claimLine(claim)}`);
  }
  const overdue = report.findings.filter((finding) => finding.overdue).length;
  io.out(
    overdue === 0
      ? `nothing overdue between ${report.since} and ${report.now}`
      : `${overdue} overdue between ${report.since} and ${report.now}`,
  );
}

export function registerCheck(program: Command, io: CliIo): void {
  const command = program
    .command('check')
    .description(
      'list scheduled briefings that are overdue: missed, held past deadline, partially delivered or failed (exit 5 when any)',
    )
    .option('--out <dir>', 'output folder holding the archive and run journal', 'out')
    .option('--ledger <dir>', 'the delivery ledger folder (default: OUT/ledger)')
    .option('--recipients <file>', 'recipients configuration: who should have each report', DEFAULT_RECIPIENTS_FILE)
    .option('--report <id>', 'only this report: hq-weekly or province-monthly')
    .option(
      '--since <date|instant>',
      'scheduled times from this Beijing date or instant on (default: the first period in the journal)',
    )
    .option('--now <instant>', 'check as of this instant (default: now)')
    .option('--json', 'print JSON for scripts');
  withTargetOptions(command).action(async (raw: Record<string, unknown>) => {
    const options = validateOptions(checkOptionsSchema, raw);
    const definitions = options.report ? [reportDefinition(options.report)] : reportDefinitions;
    const recipients = await loadRecipients(options.recipients);
    const sources = await sourcesOf(options, definitions[0]!.id);
    const report = await checkSchedules(
      { ...sources, recipients },
      { definitions, now: options.now ?? new Date(), ...(options.since ? { since: options.since } : {}) },
    );
    // Without --since the window starts at the journal's first period: with no journal (a mistyped
    // --out, a machine where nothing ran) it is empty, and "nothing overdue" a false all-clear.
    if (!options.since && report.journalRuns === 0)
      throw new ConfigurationError(
        `check: ${options.target === 'aws' ? `stage ${options.stage}'s archive` : join(options.out, 'runs')} holds no run journal, so there is no first period to check from: check --out, or pass --since DATE to list every period missed since then`,
      );
    const claimsInFlight = await claimsOf(report, sources.ledger, options.now ?? new Date());
    if (options.json) io.out(JSON.stringify({ ...report, claimsInFlight }));
    else printReport(report, claimsInFlight, io);
    const overdue = report.findings.filter((finding) => finding.overdue);
    if (overdue.length > 0)
      throw new OverdueReportsError(
        `${overdue.length} scheduled report period(s) overdue, e.g. ${findingLine(overdue[0]!)}`,
      );
  });
}
