// The check function's configuration, read from the environment once and validated (the
// stack sets these variables; see infra/constructs/missed-run-check.ts).
import { z } from 'zod';

export { readConfig } from './config.ts';

export const checkConfigSchema = z.object({
  ARCHIVE_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  LEDGER_TABLE: z.string().min(3),
  RECIPIENTS_KEY: z.string().min(1).default('config/recipients.json'),
  METRIC_NAMESPACE: z.string().min(1).default('MnpBriefings'),
  /** Scheduled times of the last this many days are checked: a month and its grace window, and then some. */
  CHECK_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(400).default(40),
});

export type CheckConfig = z.infer<typeof checkConfigSchema>;
