// The app's settings, read from CDK context at the edge (cdk.json, or -c key=value) and
// validated once; stacks and constructs receive typed values and read no context themselves.
import { z } from 'zod';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
const flag = z.preprocess(
  (value) => (typeof value === 'string' ? value === 'true' || value === 'on' : value),
  z.boolean(),
);
const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const contextSchema = z.object({
  stage: z.enum(STAGES),
  /** An existing lake bucket (by name) instead of one created by the data stack. */
  lakeBucketName: optionalText,
  /** The folder of the table folders inside the lake bucket: '' or e.g. "lake/". */
  lakePrefix: z.string().regex(/^([^/].*\/)?$/, 'empty, or a folder ending with "/"'),
  /** Partition projection range of the dt partitions, "<first day>,<last>" (Athena date syntax). */
  lakeDateRange: z.string().regex(/^\d{4}-\d{2}-\d{2},(NOW([+-]\d+(YEARS|MONTHS|WEEKS|DAYS))?|\d{4}-\d{2}-\d{2})$/),
  /** The domain briefings are sent from (an SES domain identity); the recipients file's `from` must lie in it. */
  sesDomain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/),
  /** The recipients file uploaded to the archive bucket, checked against sesDomain at synth. */
  recipientsFile: z.string().min(1),
  /** Messages per second the SES account may send (its sending quota): 1 in the sandbox. */
  sesMaxSendRate: count(1, 1000),
  /** The KMS key of an external lake encrypted with SSE-KMS: Prepare (and the curation) may decrypt with it. */
  lakeKmsKeyArn: optionalText.pipe(
    z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'a KMS key ARN')
      .optional(),
  ),
  /** Where alarms and mail events go, besides the SNS topics (required on prod: alarms must reach someone). */
  opsEmail: optionalText.pipe(z.email().optional()),
  homeOperator: z.string().regex(/^[A-Z]+$/),
  /** Athena stops (and bills no further) a query that would scan more than this. */
  bytesScannedCutoffGb: count(1, 10_000),
  /** Athena result reuse for metric queries (never for data quality, never older than the execution); 0 (the default) turns it off. */
  resultReuseMinutes: count(0, 10_080),
  /** Start the schedules enabled. */
  schedulesEnabled: flag,
  /** Architecture of the Deliver function, which carries the native chart rasteriser. */
  deliverArchitecture: z.enum(['x86_64', 'arm64']),
  /** Days the Athena results bucket keeps query results. */
  athenaResultsRetentionDays: count(1, 365),
});

export type AppSettings = z.infer<typeof contextSchema>;

const STAGE_DEFAULTS: Record<Stage, Omit<AppSettings, 'stage' | 'sesDomain'> & { sesDomain?: string }> = {
  dev: {
    lakeBucketName: undefined,
    lakePrefix: '',
    // Partitions are Beijing dates, up to 8 hours ahead of the UTC "NOW" Athena projects with.
    lakeDateRange: '2019-01-01,NOW+1DAYS',
    // The domain of the shipped sample recipients file (config/recipients.json): its sender,
    // reply-to and recipients are all @example.com.
    sesDomain: 'example.com',
    recipientsFile: 'config/recipients.json',
    // The SES sandbox sends one message per second.
    sesMaxSendRate: 1,
    lakeKmsKeyArn: undefined,
    opsEmail: undefined,
    homeOperator: 'CMCC',
    bytesScannedCutoffGb: 10,
    // Off: reuse does not see a late load, and a correction must read the lake as it is now.
    resultReuseMinutes: 0,
    // A developer's stage does not mail anyone on a timer unless asked to.
    schedulesEnabled: false,
    deliverArchitecture: 'x86_64',
    athenaResultsRetentionDays: 7,
  },
  prod: {
    lakeBucketName: undefined,
    lakePrefix: '',
    lakeDateRange: '2019-01-01,NOW+1DAYS',
    // no default sesDomain: production must name its sending domain
    recipientsFile: 'config/recipients.json',
    // SES's starting production quota; raise it here when AWS raises the account's.
    sesMaxSendRate: 14,
    lakeKmsKeyArn: undefined,
    // no default opsEmail either: production alarms must reach someone
    opsEmail: undefined,
    homeOperator: 'CMCC',
    bytesScannedCutoffGb: 50,
    // Off: reuse does not see a late load, and a correction must read the lake as it is now.
    resultReuseMinutes: 0,
    schedulesEnabled: true,
    deliverArchitecture: 'x86_64',
    athenaResultsRetentionDays: 30,
  },
};

/**
 * The settings and every problem with them. The settings come whenever the context parses, even
 * with a rule broken, so that `mnp-briefings validate` can check the sender against them too.
 */
export function checkSettings(context: (key: string) => unknown): { settings?: AppSettings; problems: string[] } {
  const stage = z.enum(STAGES).safeParse(context('stage') ?? 'dev');
  if (!stage.success)
    return {
      problems: [`context stage must be one of ${STAGES.join(', ')} (-c stage=prod), not ${String(context('stage'))}`],
    };
  const defaults: Record<string, unknown> = STAGE_DEFAULTS[stage.data];
  const raw = Object.fromEntries(Object.keys(contextSchema.shape).map((key) => [key, context(key) ?? defaults[key]]));
  const parsed = contextSchema.safeParse({ ...raw, stage: stage.data });
  if (!parsed.success)
    return { problems: parsed.error.issues.map((issue) => `CDK context: ${issue.path.join('.')}: ${issue.message}`) };
  const settings = parsed.data;
  const problems: string[] = [];
  if (settings.stage === 'prod' && !settings.opsEmail)
    problems.push(
      'CDK context: opsEmail is required on the prod stage, so that alarms reach someone (-c opsEmail=operations@your.domain)',
    );
  if (settings.lakeKmsKeyArn && !settings.lakeBucketName)
    problems.push(
      'CDK context: lakeKmsKeyArn applies to an external lake (lakeBucketName); the lake this app creates is encrypted with SSE-S3',
    );
  return { settings, problems };
}

/** Settings from a context lookup (e.g. `(key) => app.node.tryGetContext(key)`). */
export function readSettings(context: (key: string) => unknown): AppSettings {
  const { settings, problems } = checkSettings(context);
  if (!settings || problems.length > 0) throw new Error(problems.join('; '));
  return settings;
}
