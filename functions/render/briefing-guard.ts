// The renderer port takes `unknown` (a briefing.json read back from the archive, say): this
// checks the shape the templates rely on before any template runs, and names what is missing.
import type { Briefing, BriefingBase, HqWeeklyBriefing, ProvinceMonthlyBriefing } from '#core/report-model.ts';
import { RenderError } from './render-error.ts';

const REPORTS = ['hq-weekly', 'province-monthly'] as const;
/** A record over the model's own keys: a field added to a briefing must be listed (the compiler says so). */
type EveryField<Model> = { readonly [K in keyof Required<Model>]: true };
const COMMON: EveryField<BriefingBase> = {
  report: true,
  audience: true,
  locale: true,
  generatedAt: true,
  homeOperator: true,
  period: true,
  dataIncomplete: true,
  lakeStartsOn: true,
  headline: true,
  valueMirror: true,
  dataQuality: true,
};
const HQ: EveryField<Omit<HqWeeklyBriefing, keyof BriefingBase>> = {
  flows: true,
  dissatisfaction: true,
  rejections: true,
};
const PROVINCE: EveryField<Omit<ProvinceMonthlyBriefing, keyof BriefingBase>> = {
  provinceCode: true,
  flows: true,
  dissatisfaction: true,
  rejections: true,
  guidance: true,
};
const COMMON_FIELDS = Object.keys(COMMON);
/** Fields added since briefings were first archived: an older briefing.json reads as without them. */
const ADDED_LATER: Partial<BriefingBase> = { lakeStartsOn: null };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asBriefing(stored: unknown): Briefing {
  if (!isRecord(stored)) throw new RenderError('cannot render: the briefing model is not an object');
  const model: Record<string, unknown> = { ...ADDED_LATER, ...stored };
  const report = model['report'];
  if (!REPORTS.includes(report as (typeof REPORTS)[number])) {
    throw new RenderError(`cannot render: unknown report "${String(report)}", expected ${REPORTS.join(' or ')}`);
  }
  const required = [...COMMON_FIELDS, ...Object.keys(report === 'province-monthly' ? PROVINCE : HQ)];
  const missing = required.filter((field) => model[field] === undefined);
  if (missing.length > 0)
    throw new RenderError(`cannot render ${String(report)}: the model lacks ${missing.join(', ')}`);
  return model as unknown as Briefing;
}
