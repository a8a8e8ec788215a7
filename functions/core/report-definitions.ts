// The report definitions: one declaration per report (id, audience, period kind, schedule,
// template, trend lengths, what to do with incomplete data), read by the CLI and the CDK app
// alike so that a schedule is declared once. Validated when loaded.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import definitionsJson from '../../config/reports.json' with { type: 'json' };
import { ConfigurationError } from './errors.ts';

const definitionSchema = z.object({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  audience: z.enum(['hq', 'provinces']),
  periodKind: z.enum(['week', 'month']),
  template: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  schedule: z.object({
    expression: z.string().check(z.regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression')),
    timezone: z.literal('Asia/Shanghai'),
    description: z.string(),
  }),
  trend: z.object({
    flows: z.int().check(z.minimum(2)),
    categories: z.int().check(z.minimum(2)),
    rejections: z.int().check(z.minimum(2)),
  }),
  dataIncomplete: z.object({
    graceHours: z.number().check(z.minimum(0)),
    retryEveryMinutes: z.int().check(z.minimum(1)),
    whenGraceEnds: z.enum(['hold', 'send-with-banner']),
  }),
});

export type ReportDefinition = z.infer<typeof definitionSchema>;
export type ReportId = string;

const definitionsSchema = z.array(definitionSchema).check(z.minLength(1));

export const reportDefinitions: readonly ReportDefinition[] = Object.freeze(definitionsSchema.parse(definitionsJson));

/** Report definitions from another file (mnp-briefings validate): every problem named, with `source`. */
export function parseReportDefinitions(raw: unknown, source: string): ReportDefinition[] {
  const parsed = definitionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigurationError(
      `${source}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')}`,
    );
  const ids = parsed.data.map((definition) => definition.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) throw new ConfigurationError(`${source}: report id ${repeated} is declared twice`);
  return parsed.data;
}

export function reportDefinition(id: string): ReportDefinition {
  const definition = reportDefinitions.find((candidate) => candidate.id === id);
  if (!definition) {
    throw new ConfigurationError(
      `unknown report "${id}": known reports are ${reportDefinitions.map((d) => d.id).join(', ')}`,
    );
  }
  return definition;
}
