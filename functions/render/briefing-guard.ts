// The renderer port takes `unknown` (a briefing.json read back from the archive, say): this
// checks the shape the templates rely on before any template runs, and names what is missing.
import type { Briefing } from '#core/report-model.ts';
import { RenderError } from './render-error.ts';

const REPORTS = ['hq-weekly', 'province-monthly'] as const;
const COMMON_FIELDS = ['period', 'headline', 'flows', 'dissatisfaction', 'rejections', 'valueMirror', 'dataQuality', 'homeOperator', 'generatedAt'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asBriefing(model: unknown): Briefing {
  if (!isRecord(model)) throw new RenderError('cannot render: the briefing model is not an object');
  const report = model['report'];
  if (!REPORTS.includes(report as (typeof REPORTS)[number])) {
    throw new RenderError(`cannot render: unknown report "${String(report)}", expected ${REPORTS.join(' or ')}`);
  }
  const required = report === 'province-monthly' ? [...COMMON_FIELDS, 'provinceCode', 'guidance'] : COMMON_FIELDS;
  const missing = required.filter((field) => model[field] === undefined);
  if (missing.length > 0) throw new RenderError(`cannot render ${String(report)}: the model lacks ${missing.join(', ')}`);
  return model as unknown as Briefing;
}
