// The Lambda functions' configuration, read from the environment once at the edge and validated,
// so that a missing variable fails at the first call by name rather than deep inside an SDK call.
// These schemas are the one home of each function's environment: the stack's function constructs
// build it as a FunctionEnvironment of the same schema, so a key missing on either side, or one
// the handler does not read, does not compile.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { ConfigurationError } from '#core/errors.ts';

const bucketName = z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'));
const prefix = z._default(z.string().check(z.regex(/^([^/].*\/)?$/, 'empty, or a folder ending with "/"')), '');
const text = z.string().check(z.minLength(1));

export const prepareConfigSchema = z.object({
  ARCHIVE_BUCKET: bucketName,
  LAKE_BUCKET: bucketName,
  LAKE_PREFIX: prefix,
  ATHENA_WORKGROUP: text,
  ATHENA_DATABASE: text,
  /** 0 turns result reuse off. */
  ATHENA_RESULT_REUSE_MINUTES: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10080)), 0),
  /** Stop polling a query this long after it started (keep under the function timeout). */
  ATHENA_QUERY_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(10)), 540),
  HOME_OPERATOR: z._default(z.string().check(z.regex(/^[A-Z]+$/)), 'CMCC'),
  /** The curated layer's bucket; unset (with CURATE_FUNCTION_NAME), every run reads the raw feed. */
  CURATED_BUCKET: z.optional(bucketName),
  CURATED_PREFIX: prefix,
  /** The Curate function, invoked when a curated partition a run reads is stale. */
  CURATE_FUNCTION_NAME: z.optional(text),
});

/** The Curate function (infra/constructs/curate-function.ts): builds the curated layer in Athena. */
export const curateConfigSchema = z.object({
  LAKE_BUCKET: bucketName,
  LAKE_PREFIX: prefix,
  CURATED_BUCKET: bucketName,
  CURATED_PREFIX: prefix,
  ATHENA_WORKGROUP: text,
  /** The lake's database: the curated tables live beside the raw ones. */
  ATHENA_DATABASE: text,
  /** Stop polling a build query this long after it started (keep under the function timeout). */
  ATHENA_QUERY_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(10)), 780),
});

export const deliverConfigSchema = z.object({
  ARCHIVE_BUCKET: bucketName,
  LEDGER_TABLE: z.string().check(z.minLength(3)),
  SES_CONFIGURATION_SET: text,
  /** The SES domain identity: the recipients file's sender must lie in it. */
  SES_SENDING_DOMAIN: z.string().check(z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a domain name')),
  /** The recipients file (config/recipients.json's format) in the archive bucket. */
  RECIPIENTS_KEY: z._default(text, 'config/recipients.json'),
  /** Messages per second from one Deliver invocation; the Map runs several at once. */
  SES_SEND_RATE_PER_SECOND: z._default(z.coerce.number().check(z.positive(), z.maximum(100)), 1),
  /**
   * How long a recipient's claim in the ledger holds: longer than one invocation can run, so
   * that a retry of a timed-out invocation takes the claim over (as a possible duplicate).
   */
  DELIVERY_LEASE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(30)), 150),
});

export const recordConfigSchema = z.object({
  ARCHIVE_BUCKET: bucketName,
});

export const startConfigSchema = z.object({
  /** The ARN of a report's state machine less its report id: "arn:…:stateMachine:mnp-briefings-dev-". */
  STATE_MACHINE_ARN_PREFIX: z
    .string()
    .check(
      z.regex(/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]+-$/, 'a state machine ARN prefix'),
    ),
});

/** The missed-run check (infra/constructs/missed-run-check.ts). */
export const checkConfigSchema = z.object({
  ARCHIVE_BUCKET: bucketName,
  LEDGER_TABLE: z.string().check(z.minLength(3)),
  RECIPIENTS_KEY: z._default(text, 'config/recipients.json'),
  METRIC_NAMESPACE: z._default(text, 'MnpBriefings'),
  /** Scheduled times of the last this many days are checked: a month and its grace window, and then some. */
  CHECK_LOOKBACK_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(400)), 40),
});

export type PrepareConfig = z.infer<typeof prepareConfigSchema>;
export type DeliverConfig = z.infer<typeof deliverConfigSchema>;
export type RecordConfig = z.infer<typeof recordConfigSchema>;
export type StartConfig = z.infer<typeof startConfigSchema>;
export type CheckConfig = z.infer<typeof checkConfigSchema>;
export type CurateConfig = z.infer<typeof curateConfigSchema>;

/**
 * The environment variables a schema reads, every one as text and no other: what the stack must
 * set for the function whose handler parses its configuration with this schema.
 */
export type FunctionEnvironment<Schema extends z.ZodMiniObject> = { readonly [Key in keyof z.input<Schema>]-?: string };

export function readConfig<T>(schema: z.ZodMiniType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(
      `function environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}
