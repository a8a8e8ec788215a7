// The command line's options, validated with a schema once parsed, so that every command gets
// typed values and every mistake is reported as "what is wrong, and where".
import { z } from 'zod';
import { MAIL_TRANSPORTS } from '#adapters/mail/mail-config.ts';
import { ConfigurationError } from '#core/errors.ts';
import { isCalendarDate } from '#core/period.ts';
import { operators } from '#reference/index.ts';
import { engineOptions } from './engine-options.ts';

const date = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const operatorCode = z.string().refine((code) => operators.some((operator) => operator.code === code), {
  message: `must be one of ${operators.map((operator) => operator.code).join(', ')}`,
});

export const generateOptionsSchema = z
  .object({
    lake: z.string().min(1),
    from: date.optional(),
    to: date.optional(),
    seed: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    scale: z.coerce.number().positive().max(1000),
  })
  .refine((options) => !options.from || !options.to || options.from <= options.to, {
    message: 'must not come after --to',
    path: ['from'],
  });

// Periods are checked by parsePeriod, whose errors say what a period looks like.
const periodId = z.string().min(1);
const audience = z.string().regex(/^(hq|\d{2})$/, 'must be hq or a two-digit province code such as 44');

/** Where a command works: the lake folder and archive here, or a deployed stage in AWS. */
const targetOptions = {
  target: z.enum(['local', 'aws']).default('local'),
  stage: z.enum(['dev', 'prod']).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as cn-north-1')
    .optional(),
};

/** What every command that reads the lake and writes reports takes. */
const localRunOptions = {
  lake: z.string().min(1),
  out: z.string().min(1),
  locale: z.enum(['zh-CN', 'en']).optional(),
  homeOperator: operatorCode,
  recipients: z.string().min(1),
  json: z.boolean().optional(),
  verbose: z.boolean().optional(),
  ...engineOptions,
};

/** What every command that may send takes (see docs/delivery.md). */
const deliveryOptions = {
  transport: z.enum(MAIL_TRANSPORTS).default('file'),
  smtpUrl: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, 'must look like smtp://host:port')
    .optional(),
  outbox: z.string().min(1).optional(),
  sesRegion: z.string().optional(),
  sesEndpoint: z.string().optional(),
  sesConfigurationSet: z.string().min(1).optional(),
  ledger: z.string().min(1).optional(),
  rate: z.coerce.number().positive('must be above 0').max(1000).default(5),
  dryRun: z.boolean().optional(),
  allowIncomplete: z.boolean().optional(),
};

type Targeted = { target: 'local' | 'aws'; stage?: string | undefined };
type Mailed = { transport: string; smtpUrl?: string | undefined };

const hasStageForAws = (options: Targeted) => options.target !== 'aws' || options.stage !== undefined;
const stageNeeded = { message: 'is needed with --target aws, e.g. --stage prod', path: ['stage'] };
type Resent = { resend?: boolean | undefined; reason?: string | undefined };
const hasReasonForResend = (options: Resent) => options.resend !== true || options.reason !== undefined;
const reasonNeeded = {
  message:
    'is required with --resend: say why the correction is sent, e.g. --reason "late load of 2019-11-30 port requests"',
  path: ['reason'],
};
// A reason without --resend would be dropped unseen, and --resend with --no-deliver would send nothing.
const reasonOnlyWithResend = (options: Resent) => options.reason === undefined || options.resend === true;
const resendNeededForReason = {
  message: 'goes with --resend: it is the reason a correction is sent, and no correction is sent without --resend',
  path: ['reason'],
};
const resendDelivers = (options: Resent & { deliver?: boolean }) =>
  !(options.resend === true && options.deliver === false);
const resendWithoutDelivery = { message: 'sends a correction; --no-deliver sends nothing: pick one', path: ['resend'] };
/** Why a correction is sent: shown to its readers, so one line of plain text. */
const reason = z
  .string()
  .trim()
  .min(1, 'is empty: say why the correction is sent, in one line')
  .max(300)
  .regex(/^[^\r\n]*$/, 'must be one line')
  .optional();
const hasSmtpUrl = (options: Mailed) => options.transport !== 'smtp' || options.smtpUrl !== undefined;
const smtpUrlNeeded = {
  message: 'is needed with --transport smtp, e.g. --smtp-url smtp://127.0.0.1:2525',
  path: ['smtpUrl'],
};

export const runOptionsSchema = z
  .object({
    report: z.string().min(1),
    period: periodId.optional(),
    audience: z.array(audience).optional(),
    ...localRunOptions,
    ...deliveryOptions,
    ...targetOptions,
    // Without --no-deliver, the reports are sent (by the file transport unless told otherwise).
    deliver: z.boolean().default(true),
    resend: z.boolean().optional(),
    reason,
  })
  .refine(hasReasonForResend, reasonNeeded)
  .refine(reasonOnlyWithResend, resendNeededForReason)
  .refine(resendDelivers, resendWithoutDelivery)
  .refine(hasSmtpUrl, smtpUrlNeeded)
  .refine(hasStageForAws, stageNeeded);

export const rerunOptionsSchema = z
  .object({
    report: z.string().min(1),
    period: periodId,
    audience: z.array(audience).optional(),
    resend: z.boolean().optional(),
    reason,
    ...localRunOptions,
    ...deliveryOptions,
    ...targetOptions,
  })
  .refine(hasReasonForResend, reasonNeeded)
  .refine(reasonOnlyWithResend, resendNeededForReason)
  .refine(hasSmtpUrl, smtpUrlNeeded)
  .refine(hasStageForAws, stageNeeded);

export const backfillOptionsSchema = z
  .object({
    report: z.string().min(1),
    from: periodId,
    to: periodId,
    send: z.boolean().optional(),
    /** With --target aws: executions at a time (Athena's concurrency and SES's rate). */
    concurrency: z.coerce.number().int().min(1).max(20).optional(),
    ...localRunOptions,
    ...deliveryOptions,
    ...targetOptions,
  })
  .refine(hasSmtpUrl, smtpUrlNeeded)
  .refine(hasStageForAws, stageNeeded);

export const previewOptionsSchema = z
  .object({
    report: z.string().min(1),
    period: periodId.optional(),
    audience: z.array(audience).optional(),
    ...localRunOptions,
    ...targetOptions,
    expires: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
  })
  .refine(hasStageForAws, stageNeeded);

export const statusOptionsSchema = z
  .object({
    report: z.string().min(1).optional(),
    period: periodId.optional(),
    audience: z.array(audience).optional(),
    state: z.array(z.enum(['held', 'archived', 'delivered', 'delivery-failed', 'failed'])).optional(),
    recipients: z.boolean().optional(),
    recipientsFile: z.string().min(1),
    out: z.string().min(1),
    ledger: z.string().min(1).optional(),
    json: z.boolean().optional(),
    ...targetOptions,
  })
  .refine(hasStageForAws, stageNeeded);

export type GenerateOptions = z.infer<typeof generateOptionsSchema>;
export type RunOptions = z.infer<typeof runOptionsSchema>;
export type RerunOptions = z.infer<typeof rerunOptionsSchema>;
export type BackfillOptions = z.infer<typeof backfillOptionsSchema>;
export type PreviewOptions = z.infer<typeof previewOptionsSchema>;
export type StatusOptions = z.infer<typeof statusOptionsSchema>;
export type DeliveryCliOptions = Pick<RunOptions, keyof typeof deliveryOptions | 'out'>;

const optionName = (path: readonly PropertyKey[]) =>
  path.length === 0 ? 'options' : `--${String(path[0]).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export function validateOptions<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new ConfigurationError(`${optionName(issue.path)} ${issue.message}`);
}
