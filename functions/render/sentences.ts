// The one sentence that opens each section, written by rules from the model's figures alone:
// it says what the figures say (largest, up, down, unchanged) and claims nothing else. Neutral
// words only: porting is a mirror, never a contest.
import { tiedWithFirst } from '#core/figures.ts';
import type { Briefing, HqWeeklyBriefing, ProvinceMonthlyBriefing } from '#core/report-model.ts';
import type { Labels, Translate } from './locale.ts';
import { byDirection, listOf, type RenderContext } from './render-context.ts';

export interface Sentences {
  readonly flows: string;
  readonly trend: string;
  /** Headquarters only; empty for a province. */
  readonly attention: string;
  readonly dissatisfaction: string;
  readonly rejections: string;
  readonly valueMirror: string;
  /** Provinces only; empty for headquarters. */
  readonly guidance: string;
  readonly dataQuality: string;
}

function portOutsClause(model: Briefing, c: RenderContext): string {
  const change = model.flows.home.portOutsChange;
  const key = byDirection(change, {
    rose: 'flows.portOutsRose',
    fell: 'flows.portOutsFell',
    unchanged: 'flows.portOutsUnchanged',
    none: '',
  });
  return key === '' ? '' : c.t(key, { vsPrevious: c.word('vsPrevious'), change: c.format.change(change) });
}

function flowsSentence(model: Briefing, c: RenderContext): string {
  const { current } = model.flows.home;
  const params = {
    home: c.home,
    current: c.word('current'),
    portIns: c.format.count(current.portIns),
    portOuts: c.format.count(current.portOuts),
    net: c.format.signed(current.net),
    portOutsClause: portOutsClause(model, c),
    total: c.format.count(model.flows.totalCompleted),
  };
  return model.report === 'hq-weekly'
    ? c.t('flows.sentenceHq', params)
    : c.t('flows.sentenceProvince', { ...params, province: c.labels.province(model.provinceCode) });
}

function trendSentence(model: Briefing, c: RenderContext): string {
  const trend = model.flows.trend;
  const first = trend[0];
  const last = trend[trend.length - 1];
  if (!first || !last) return c.t('trend.sentenceEmpty');
  const nets = trend.map((point) => point.net);
  const params = {
    from: c.periods.short(first.period),
    to: c.periods.short(last.period),
    home: c.home,
    unit: c.word('unit'),
    current: c.word('current'),
    min: c.format.signed(Math.min(...nets)),
    max: c.format.signed(Math.max(...nets)),
    last: c.format.signed(last.net),
  };
  // One point is no history: "in every week" would claim a stable one the lake does not hold.
  if (trend.length === 1) return c.t('trend.sentenceSingle', params);
  return Math.min(...nets) === Math.max(...nets) ? c.t('trend.sentenceFlat', params) : c.t('trend.sentence', params);
}

function attentionSentence(model: HqWeeklyBriefing, c: RenderContext): string {
  const codes = [...new Set(model.flows.attention.map((item) => item.provinceCode))].sort();
  if (codes.length === 0) return c.t('attention.sentenceNone', { current: c.word('current') });
  const names = listOf(
    c,
    codes.map((code) => c.labels.province(code)),
  );
  return c.t('attention.sentence', { current: c.word('current'), names, vsPrevious: c.word('vsPrevious') });
}

function dissatisfactionSentence(model: Briefing, c: RenderContext): string {
  const { responses } = model.dissatisfaction;
  const top = model.dissatisfaction.categories[0];
  if (responses === 0 || !top) return c.t('dissatisfaction.sentenceEmpty', { current: c.word('current') });
  const tied = tiedWithFirst(model.dissatisfaction.categories);
  if (tied.length > 1)
    return tiedDissatisfactionSentence(
      model,
      c,
      tied.map((figure) => figure.category),
    );
  const params = {
    current: c.word('current'),
    responses: c.format.count(responses),
    category: c.labels.category(top.category),
    share: c.format.share(top.share),
  };
  if (model.report === 'hq-weekly') {
    const key = byDirection(top.shareChange, {
      rose: 'dissatisfaction.changeRose',
      fell: 'dissatisfaction.changeFell',
      unchanged: 'dissatisfaction.changeUnchanged',
      none: '',
    });
    const changeClause = key === '' ? '' : c.t(key, { points: c.format.points(top.shareChange) });
    return c.t('dissatisfaction.sentenceHq', { ...params, changeClause });
  }
  return provinceDissatisfactionSentence(model, c, params);
}

/** Two or more categories share the largest count: all are named, none is called the largest. */
function tiedDissatisfactionSentence(model: Briefing, c: RenderContext, categories: readonly string[]): string {
  const top = model.dissatisfaction.categories[0]!;
  const params = {
    current: c.word('current'),
    responses: c.format.count(model.dissatisfaction.responses),
    categories: quotedListOf(
      c,
      categories.map((category) => c.labels.category(category)),
    ),
    share: c.format.share(top.share),
  };
  if (model.report === 'hq-weekly') return c.t('dissatisfaction.sentenceHqTied', params);
  return c.t('dissatisfaction.sentenceProvinceTied', { ...params, overClause: overClauseOf(model, c) });
}

function quotedListOf(c: RenderContext, items: readonly string[]): string {
  return listOf(
    c,
    items.map((item) => c.t('words.quoted', { item })),
  );
}

function overClauseOf(model: ProvinceMonthlyBriefing, c: RenderContext): string {
  const over = model.dissatisfaction.categories.filter(
    (category) => category.overIndex !== null && category.overIndex > 0,
  );
  return over.length === 0
    ? c.t('dissatisfaction.overNone')
    : c.t('dissatisfaction.overList', {
        categories: listOf(
          c,
          over.map((category) => c.labels.category(category.category)),
        ),
      });
}

function provinceDissatisfactionSentence(
  model: ProvinceMonthlyBriefing,
  c: RenderContext,
  params: Record<string, string>,
): string {
  const top = model.dissatisfaction.categories[0]!;
  return c.t('dissatisfaction.sentenceProvince', {
    ...params,
    national: c.format.share(top.nationalShare),
    overClause: overClauseOf(model, c),
  });
}

function rejectionsSentence(model: Briefing, c: RenderContext): string {
  const figures = model.rejections;
  if (figures.requests === 0) return c.t('rejections.sentenceEmpty', { current: c.word('current') });
  const top = figures.reasons[0];
  const tied = tiedWithFirst(figures.reasons);
  const reasonClause = !top
    ? ''
    : tied.length > 1
      ? c.t('rejections.reasonClauseTied', {
          reasons: quotedListOf(
            c,
            tied.map((reason) => rejectReasonName(c, reason.reason)),
          ),
          share: c.format.share(top.share),
        })
      : c.t('rejections.reasonClause', { reason: rejectReasonName(c, top.reason), share: c.format.share(top.share) });
  return c.t('rejections.sentence', {
    current: c.word('current'),
    previous: c.word('previous'),
    decided: c.format.count(figures.requests - figures.pending),
    rejected: c.format.count(figures.rejected),
    pendingClause:
      figures.pending === 0 ? '' : c.t('rejections.pendingClause', { pending: c.format.count(figures.pending) }),
    rate: c.format.rate(figures.rate),
    previousRate: c.format.rate(figures.previousRate),
    reasonClause,
  });
}

/** A rejected request may carry no reason code; it is then "not stated", not an empty label. */
export function rejectReasonNameOf(code: string, labels: Labels, t: Translate): string {
  return code === '' ? t('rejections.unspecified') : labels.rejectReason(code);
}

function rejectReasonName(c: RenderContext, code: string): string {
  return rejectReasonNameOf(code, c.labels, c.t);
}

function valueMirrorSentence(model: Briefing, c: RenderContext): string {
  const mirror = model.valueMirror;
  if (mirror.leaversWithUsage === 0) return c.t('valueMirror.sentenceEmpty');
  return c.t('valueMirror.sentence', {
    withUsage: c.format.count(mirror.leaversWithUsage),
    overpaying: c.format.count(mirror.overpaying),
    share: c.format.share(mirror.overpayingShare),
  });
}

function guidanceSentence(model: ProvinceMonthlyBriefing, c: RenderContext): string {
  return c.t(model.guidance.length === 0 ? 'guidance.sentenceNone' : 'guidance.sentence', {
    current: c.word('current'),
  });
}

function dataQualitySentence(model: Briefing, c: RenderContext): string {
  const quality = model.dataQuality;
  return c.t('dataQuality.sentence', {
    rowsRead: c.format.count(quality.rowsRead),
    rowsUsed: c.format.count(quality.rowsUsed),
    quarantined: c.format.count(quality.quarantinedTotal),
    superseded: c.format.count(quality.supersededVersions),
    latestQuarantinedClause:
      quality.latestQuarantined === 0
        ? ''
        : c.t('dataQuality.latestQuarantinedClause', { count: c.format.count(quality.latestQuarantined) }),
    partitionsClause: c.t(
      quality.partitionsMissing.length === 0 ? 'dataQuality.partitionsComplete' : 'dataQuality.partitionsMissing',
    ),
  });
}

export function sentencesOf(model: Briefing, c: RenderContext): Sentences {
  return {
    flows: flowsSentence(model, c),
    trend: trendSentence(model, c),
    attention: model.report === 'hq-weekly' ? attentionSentence(model, c) : '',
    dissatisfaction: dissatisfactionSentence(model, c),
    rejections: rejectionsSentence(model, c),
    valueMirror: valueMirrorSentence(model, c),
    guidance: model.report === 'province-monthly' ? guidanceSentence(model, c) : '',
    dataQuality: dataQualitySentence(model, c),
  };
}
