// The report definitions: one declaration per report (id, audience, period kind, schedule,
// template, trend lengths, what to do with incomplete data), read by the CLI and the CDK app
// alike so that a schedule is declared once. Validated when loaded.
import * as z from 'zod/mini';
import '#reference/schema.ts';
import definitionsJson from '../../config/reports.json' with { type: 'json' };
import { ConfigurationError } from './errors.ts';

/**
 * The templates that have a model, and what each is built for: the headquarters briefing covers
 * the nation for a week; the guidance covers one province for a month. A definition that mails
 * one to the other's audience (every branch the national figures) or over another period is refused.
 */
export const TEMPLATES = {
  'hq-weekly': { audience: 'hq', periodKind: 'week' },
  'province-monthly': { audience: 'provinces', periodKind: 'month' },
} as const satisfies Record<string, { audience: 'hq' | 'provinces'; periodKind: 'week' | 'month' }>;

const definitionSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  audience: z.enum(['hq', 'provinces']),
  periodKind: z.enum(['week', 'month']),
  template: z.string().check(z.regex(/^[a-z][a-z0-9-]*$/)),
  schedule: z.strictObject({
    expression: z.string().check(z.regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression')),
    timezone: z.literal('Asia/Shanghai'),
    description: z.string(),
  }),
  trend: z.strictObject({
    flows: z.int().check(z.minimum(2)),
    categories: z.int().check(z.minimum(2)),
    rejections: z.int().check(z.minimum(2)),
  }),
  dataIncomplete: z.strictObject({
    graceHours: z.number().check(z.minimum(0)),
    retryEveryMinutes: z.int().check(z.minimum(1)),
    whenGraceEnds: z.enum(['hold', 'send-with-banner']),
  }),
});

export type ReportDefinition = z.infer<typeof definitionSchema>;
export type ReportId = string;

const definitionsSchema = z.array(definitionSchema).check(z.minLength(1));

/** What keeps definitions that each parse from making sense together, one line each. */
function problemsOf(definitions: readonly ReportDefinition[]): string[] {
  const problems: string[] = [];
  const ids = definitions.map((definition) => definition.id);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated) problems.push(`report id ${repeated} is declared twice`);
  for (const [index, definition] of definitions.entries()) {
    const template = (TEMPLATES as Record<string, { audience: string; periodKind: string }>)[definition.template];
    if (!template) {
      problems.push(
        `${index}.template: ${definition.template} has no model (templates: ${Object.keys(TEMPLATES).join(', ')})`,
      );
      continue;
    }
    if (definition.audience !== template.audience)
      problems.push(
        `${index}.audience: template ${definition.template} is written for audience ${template.audience}, not ${definition.audience}`,
      );
    if (definition.periodKind !== template.periodKind)
      problems.push(
        `${index}.periodKind: template ${definition.template} covers a ${template.periodKind}, not a ${definition.periodKind}`,
      );
  }
  return problems;
}

/** Report definitions from a file: every problem named, with `source`. */
export function parseReportDefinitions(raw: unknown, source: string): ReportDefinition[] {
  const parsed = definitionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new ConfigurationError(
      `${source}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ')}`,
    );
  const problems = problemsOf(parsed.data);
  if (problems.length > 0) throw new ConfigurationError(`${source}: ${problems.join('; ')}`);
  return parsed.data;
}

export const reportDefinitions: readonly ReportDefinition[] = Object.freeze(
  parseReportDefinitions(definitionsJson, 'config/reports.json'),
);

export function reportDefinition(id: string): ReportDefinition {
  const definition = reportDefinitions.find((candidate) => candidate.id === id);
  if (!definition) {
    throw new ConfigurationError(
      `unknown report "${id}": known reports are ${reportDefinitions.map((d) => d.id).join(', ')}`,
    );
  }
  return definition;
}
