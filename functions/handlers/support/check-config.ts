// The check function's configuration, read from the environment once and validated (the
// stack sets these variables; see infra/constructs/missed-run-check.ts).
import * as z from 'zod/mini';
import '#reference/schema.ts';

export { readConfig } from './config.ts';

export const checkConfigSchema = z.object({
  ARCHIVE_BUCKET: z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
  LEDGER_TABLE: z.string().check(z.minLength(3)),
  RECIPIENTS_KEY: z._default(z.string().check(z.minLength(1)), 'config/recipients.json'),
  METRIC_NAMESPACE: z._default(z.string().check(z.minLength(1)), 'MnpBriefings'),
  /** Scheduled times of the last this many days are checked: a month and its grace window, and then some. */
  CHECK_LOOKBACK_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(400)), 40),
});

export type CheckConfig = z.infer<typeof checkConfigSchema>;
