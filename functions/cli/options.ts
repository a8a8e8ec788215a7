// The command line's options, validated with a schema once parsed, so that every command gets
// typed values and every mistake is reported as "what is wrong, and where".
import { z } from 'zod';
import { MAIL_TRANSPORTS } from '#adapters/mail/mail-config.ts';
import { ConfigurationError } from '#core/errors.ts';
import { isCalendarDate } from '#core/period.ts';
import { operators } from '#reference/index.ts';

const date = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const operatorCode = z.string().refine((code) => operators.some((operator) => operator.code === code), {
  message: `must be one of ${operators.map((operator) => operator.code).join(', ')}`,
});

export const generateOptionsSchema = z
  .object({
    lake: z.string().min(1),
    from: date.optional(),
    to: date.optional(),
    seed: z.coerce.number().int().min(0).max(2 ** 31 - 1),
    scale: z.coerce.number().positive().max(1000),
  })
  .refine((options) => !options.from || !options.to || options.from <= options.to, { message: '--from must not come after --to', path: ['from'] });

export const runOptionsSchema = z.object({
  report: z.string().min(1),
  period: z.string().optional(),
  lake: z.string().min(1),
  out: z.string().min(1),
  locale: z.enum(['zh-CN', 'en']).optional(),
  province: z.array(z.string().regex(/^\d{2}$/, 'must be a two-digit province code such as 44')).optional(),
  homeOperator: operatorCode,
  recipients: z.string().min(1),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
  // Delivery (see docs/delivery.md). Without --transport, the file transport writes .eml files.
  deliver: z.boolean().default(true),
  transport: z.enum(MAIL_TRANSPORTS).default('file'),
  smtpUrl: z.string().regex(/^smtps?:\/\/[^/\s]+/, 'must look like smtp://host:port').optional(),
  outbox: z.string().min(1).optional(),
  sesRegion: z.string().optional(),
  sesEndpoint: z.string().optional(),
  sesConfigurationSet: z.string().min(1).optional(),
  ledger: z.string().min(1).optional(),
  rate: z.coerce.number().positive('must be above 0').max(1000).default(5),
  resend: z.boolean().optional(),
  dryRun: z.boolean().optional(),
}).refine((options) => options.transport !== 'smtp' || options.smtpUrl !== undefined, {
  message: 'is needed with --transport smtp, e.g. --smtp-url smtp://127.0.0.1:2525',
  path: ['smtpUrl'],
});

export type GenerateOptions = z.infer<typeof generateOptionsSchema>;
export type RunOptions = z.infer<typeof runOptionsSchema>;

const optionName = (path: readonly PropertyKey[]) =>
  path.length === 0 ? 'options' : `--${String(path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function validateOptions<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigurationError(`${optionName(issue.path)} ${issue.message}`);
}
