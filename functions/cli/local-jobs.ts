// The local ports of a command that runs one or more report jobs: the lake folder, the archive
// in OUT, the file ledger, and the mail transport opened on the first delivery.
import { join } from 'node:path';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { checkMailConfig, createMailTransport, type MailConfig, parseMailConfig } from '#adapters/mail/mail-config.ts';
import type { MailTransport } from '#core/delivery-ports.ts';
import type { RecipientsConfig } from '#core/recipients.ts';
import { type EngineChoice, type EngineCliOptions, engineChoiceOf } from './engine-options.ts';
import type { CliIo } from './io.ts';
import type { DeliveryCliOptions } from './options.ts';
import { loadRecipients } from './recipients-file.ts';
import type { JobPorts } from './report-job.ts';
import { createSendWatch, type SendWatch } from './send-watch.ts';

export function mailConfigOf(options: DeliveryCliOptions): MailConfig {
  return parseMailConfig(
    {
      transport: options.transport,
      outDir: options.out,
      outbox: options.outbox,
      smtpUrl: options.smtpUrl,
      sesRegion: options.sesRegion,
      sesEndpoint: options.sesEndpoint,
      sesConfigurationSet: options.sesConfigurationSet,
      ratePerSecond: options.rate,
    },
    'mail options',
  );
}

export interface LocalJobOptions {
  readonly lake: string;
  readonly out: string;
  readonly recipients: RecipientsConfig;
  /** @default OUT/ledger */
  readonly ledger?: string;
  readonly verbose?: boolean;
  /** @default DuckDB over the lake folder */
  readonly engine?: EngineChoice;
  /** Opens the mail transport when the first delivery needs it. */
  readonly openTransport: () => Promise<MailTransport>;
  readonly sendWatch?: SendWatch;
}

export type LocalJobs = JobPorts & { close(): Promise<void> };

/** The local ports of a command that runs one or more jobs; close() releases them all. */
export async function openLocalJobs(options: LocalJobOptions, logSink: (line: string) => void): Promise<LocalJobs> {
  // The lake is checked where the engine opens (a folder for DuckDB, a folder or s3:// for Trino).
  // Loaded here, not at start: DuckDB, the renderers and the charts cost seconds that --help need not pay.
  const { openLocalRuntime } = await import('./local-runtime.ts');
  const runtime = await openLocalRuntime({
    lakeDir: options.lake,
    outDir: options.out,
    verbose: options.verbose,
    logSink,
    engine: options.engine,
  });
  let opened: Promise<MailTransport> | undefined;
  return {
    runtime,
    recipients: options.recipients,
    ledger: new FileLedger(options.ledger ?? join(options.out, 'ledger')),
    transport: () => (opened ??= options.openTransport()),
    now: () => new Date(),
    ...(options.sendWatch ? { sendWatch: options.sendWatch } : {}),
    async close() {
      try {
        if (opened) await (await opened.catch(() => undefined))?.close?.();
      } finally {
        await runtime.close();
      }
    },
  };
}

/** The local ports for one command's jobs: the lake, the archive in OUT, the ledger, the transport on demand. */
export async function openJobsFor(
  options: DeliveryCliOptions & EngineCliOptions & { lake: string; recipients: string; verbose?: boolean | undefined },
  io: CliIo,
): Promise<LocalJobs> {
  const recipients = await loadRecipients(options.recipients);
  // Validated before any query runs, so a bad --smtp-url fails in a second, not after the report.
  const mailConfig = mailConfigOf(options);
  await checkMailConfig(mailConfig);
  return openLocalJobs(
    {
      lake: options.lake,
      out: options.out,
      recipients,
      ledger: options.ledger,
      verbose: options.verbose,
      engine: engineChoiceOf(options),
      openTransport: () => createMailTransport(mailConfig),
      sendWatch: createSendWatch(io),
    },
    io.err,
  );
}
