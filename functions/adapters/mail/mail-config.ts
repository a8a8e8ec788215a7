// The mail configuration, validated once where it enters (CLI options, a Lambda's environment),
// and the factory that builds the chosen transport from it, held to the configured rate.
import { z } from 'zod';
import type { MailTransport } from '#core/delivery-ports.ts';
import { ConfigurationError } from '#core/errors.ts';
import { besideReport, FileTransport, inOutboxFolder } from './file-transport.ts';
import { throttledTransport } from './throttled-transport.ts';

export const MAIL_TRANSPORTS = ['file', 'smtp', 'ses'] as const;

export const mailConfigSchema = z
  .object({
    /** @default 'file' */
    transport: z.enum(MAIL_TRANSPORTS).default('file'),
    /** file: the output folder; the .eml files go to OUT/<report>/<period>/<audience>/outbox/. */
    outDir: z.string().min(1).default('out'),
    /** file: a folder of its own for the .eml files instead. */
    outbox: z.string().min(1).optional(),
    /** smtp: smtp://host:port (smtps:// for TLS from the start). */
    smtpUrl: z.string().optional(),
    /** ses: the region; the SDK's own lookup when absent. */
    sesRegion: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as cn-north-1')
      .optional(),
    /** ses: another endpoint, e.g. a local SES emulator. */
    sesEndpoint: z.url().optional(),
    sesConfigurationSet: z.string().min(1).optional(),
    /** Messages per second over the whole run, for SMTP and SES. @default 5 */
    ratePerSecond: z.number().positive().max(1000).default(5),
  })
  .superRefine((config, context) => {
    if (config.transport !== 'smtp') return;
    if (!config.smtpUrl) {
      context.addIssue({
        code: 'custom',
        path: ['smtpUrl'],
        message: 'is needed with --transport smtp, e.g. smtp://127.0.0.1:2525',
      });
    } else if (!/^smtps?:\/\/[^/\s]+/.test(config.smtpUrl)) {
      context.addIssue({ code: 'custom', path: ['smtpUrl'], message: 'must look like smtp://host:port' });
    }
  });

export type MailConfig = z.infer<typeof mailConfigSchema>;

export function parseMailConfig(raw: unknown, source = 'mail configuration'): MailConfig {
  const parsed = mailConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new ConfigurationError(
    `${source}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'} ${issue.message}`).join('; ')}`,
  );
}

async function baseTransport(config: MailConfig): Promise<MailTransport> {
  switch (config.transport) {
    case 'file':
      return new FileTransport(config.outbox ? inOutboxFolder(config.outbox) : besideReport(config.outDir));
    case 'smtp': {
      const { SmtpTransport } = await import('./smtp-transport.ts');
      return new SmtpTransport({ url: config.smtpUrl! });
    }
    case 'ses': {
      // Loaded only when chosen, like nodemailer above: local runs do not pay for the SDK.
      const { SESv2Client } = await import('@aws-sdk/client-sesv2');
      const { SesTransport } = await import('./ses-transport.ts');
      const client = new SESv2Client({
        maxAttempts: 1,
        ...(config.sesRegion ? { region: config.sesRegion } : {}),
        ...(config.sesEndpoint ? { endpoint: config.sesEndpoint } : {}),
      });
      return new SesTransport({
        client,
        ...(config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
      });
    }
  }
}

/**
 * For --transport ses without --ses-region: the region the SDK finds (AWS_REGION, the profile),
 * looked up before any report is built, so that a missing one fails in a second with what to set.
 */
export async function checkMailConfig(config: MailConfig): Promise<void> {
  if (config.transport !== 'ses' || config.sesRegion) return;
  const { SESv2Client } = await import('@aws-sdk/client-sesv2');
  const client = new SESv2Client({});
  try {
    await client.config.region();
  } catch {
    throw new ConfigurationError(
      '--transport ses needs an AWS region: pass --ses-region (e.g. --ses-region cn-north-1) or set AWS_REGION (or a region in the AWS_PROFILE you use)',
    );
  } finally {
    client.destroy();
  }
}

/** The configured transport, throttled to the configured rate (files are written at full speed). */
export async function createMailTransport(config: MailConfig): Promise<MailTransport> {
  const transport = await baseTransport(config);
  return config.transport === 'file' ? transport : throttledTransport(transport, config.ratePerSecond);
}
