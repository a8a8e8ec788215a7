// One report run the way `mnp-briefings run --dry-run` does it: the local runtime (DuckDB over
// the lake folder, the output folder as archive, charts drawn server-side), runReport (prepare
// once, archive every audience), then the CLI's delivery path (deliverArchivedReports) in dry-run mode, which builds each
// audience's MIME message and archives it as message.eml without sending (sending would only
// add the configured throttle of 5 messages a second). Each phase is timed, each query logged.
import { join } from 'node:path';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { createMailTransport, parseMailConfig } from '#adapters/mail/mail-config.ts';
import { deliverArchivedReports } from '#cli/deliver-reports.ts';
import { openLocalRuntime } from '#cli/local-runtime.ts';
import { DEFAULT_RECIPIENTS_FILE, loadRecipients } from '#cli/recipients-file.ts';
import { mapInOrder } from '#core/in-order.ts';
import { type RecipientsConfig, recipientsOf } from '#core/recipients.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import {
  type ArchivedReport,
  AUDIENCES_IN_FLIGHT,
  archiveAudienceReport,
  audiencesOf,
  prepareRun,
  type RunSnapshot,
} from '#core/report-run.ts';

export interface QueryEvent {
  readonly report: string;
  readonly name: string;
  readonly ms: number;
  readonly rows: number;
  readonly files: number;
  /** Parquet bytes of the files the query opened (the proxy for Athena's scanned bytes). */
  readonly bytes: number;
}

export interface ReportTiming {
  readonly report: string;
  readonly period: string;
  /** Audiences prepared (and archived, unless archive is false). */
  readonly audiences: number;
  /** Opening DuckDB and the renderers. */
  readonly openMs: number;
  /** prepareRun: the metric queries and the partition markers. */
  readonly prepareMs: number;
  /** Each prepareRun's time: one for the shared pass, one per audience for the naive way. */
  readonly passMs: readonly number[];
  /** archiveAudienceReport for every audience: model, render with charts, archive writes. */
  readonly archiveMs: number;
  /** MIME messages built and archived (dry-run delivery). */
  readonly mimeMs: number;
  readonly messages: number;
  readonly queryCount: number;
  readonly snapshot: RunSnapshot;
}

export interface CliFlowOptions {
  readonly lakeDir: string;
  readonly outDir: string;
  readonly reportId: string;
  readonly periodId: string;
  readonly audiences?: readonly string[];
  /** The naive way: one prepareRun (a full query pass) per audience, on the same runtime. @default false */
  readonly perAudience?: boolean;
  /** Render and archive each audience's report after preparing; without it, prepareRun alone. @default true */
  readonly archive?: boolean;
  /** Build the .eml messages (dry-run delivery) after archiving. @default true */
  readonly mime?: boolean;
  /** @default now, as the CLI does */
  readonly generatedAt?: Date;
  readonly onQuery: (event: QueryEvent) => void;
}

let recipients: Promise<RecipientsConfig> | undefined;

export async function runLikeCli(options: CliFlowOptions): Promise<ReportTiming> {
  recipients ??= loadRecipients(DEFAULT_RECIPIENTS_FILE);
  const config = await recipients;
  const started = performance.now();
  const runtime = await openLocalRuntime({
    lakeDir: options.lakeDir,
    outDir: options.outDir,
    verbose: true,
    logSink: (line) => captureQuery(line, options.reportId, options.onQuery),
  });
  try {
    const opened = performance.now();
    const generatedAt = options.generatedAt ?? new Date();
    // What runReport does, with its two steps timed apart: the shared pass prepares once for every
    // audience; the naive way prepares once per audience.
    const definition = reportDefinition(options.reportId);
    const groups = options.perAudience
      ? audiencesOf(definition, options.audiences).map((audience) => [audience])
      : [options.audiences];
    const archived: ArchivedReport[] = [];
    let snapshot: RunSnapshot | undefined;
    let prepareMs = 0;
    let archiveMs = 0;
    let audiences = 0;
    const passMs: number[] = [];
    for (const group of groups) {
      const preparing = performance.now();
      snapshot = await prepareRun(
        { reportId: definition.id, periodId: options.periodId, homeOperator: 'CMCC', audiences: group, generatedAt },
        runtime,
      );
      const archiving = performance.now();
      audiences += snapshot.audiences.length;
      passMs.push(archiving - preparing);
      // As runReport archives them: a few audiences in flight, taken in order.
      const prepared = snapshot;
      const archiveOne = (audience: string) => {
        const locale = recipientsOf(config, audience).locale;
        return archiveAudienceReport(prepared, audience, locale, {
          renderer: runtime.renderers[locale],
          store: runtime.store,
        });
      };
      archived.push(
        ...(await mapInOrder(options.archive === false ? [] : snapshot.audiences, AUDIENCES_IN_FLIGHT, archiveOne)),
      );
      prepareMs += archiving - preparing;
      archiveMs += performance.now() - archiving;
    }
    const reported = performance.now();
    let messages = 0;
    if (options.mime !== false && archived.length > 0) {
      const transport = await createMailTransport(parseMailConfig({ transport: 'file', outDir: options.outDir }));
      const ledger = new FileLedger(join(options.outDir, 'ledger'));
      const ports = {
        transport,
        ledger,
        store: runtime.store,
        log: runtime.log,
        recipients: config,
        now: () => new Date(),
      };
      const summaries = await deliverArchivedReports(archived, { resend: false, dryRun: true }, ports);
      messages = summaries.length;
      await transport.close?.();
    }
    const done = performance.now();
    return {
      report: options.reportId,
      period: options.periodId,
      audiences,
      openMs: opened - started,
      prepareMs,
      passMs,
      archiveMs,
      mimeMs: done - reported,
      messages,
      queryCount: runtime.engine.queryCount,
      snapshot: snapshot!,
    };
  } finally {
    await runtime.close();
  }
}

function captureQuery(line: string, report: string, onQuery: (event: QueryEvent) => void): void {
  let entry: {
    message?: string;
    name?: string;
    ms?: number;
    rows?: number;
    files?: number;
    bytes?: number;
    level?: string;
  };
  try {
    entry = JSON.parse(line);
  } catch {
    process.stderr.write(`${line}\n`);
    return;
  }
  if (entry.message === 'query done') {
    onQuery({
      report,
      name: String(entry.name),
      ms: Number(entry.ms),
      rows: Number(entry.rows),
      files: Number(entry.files),
      bytes: Number(entry.bytes ?? 0),
    });
  } else if (entry.level === 'WARN' || entry.level === 'ERROR') {
    process.stderr.write(`${line}\n`);
  }
}
