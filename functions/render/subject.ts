// The subject line of a briefing mail, from the locale file: the report name, the province for a
// branch, the period; a correction carries a prefix so that readers know it replaces a mail.
import type { Briefing, Locale } from '#core/report-model.ts';
import { createFormatter } from './format.ts';
import { createTranslator, labelsOf } from './locale.ts';
import { periodNames } from './period-label.ts';

export function subjectOf(model: Briefing, locale: Locale, options: { correction?: boolean } = {}): string {
  const t = createTranslator(locale);
  const period = periodNames(locale, createFormatter(locale)).label(model.period);
  const subject =
    model.report === 'hq-weekly'
      ? t('subject.hq-weekly', { period })
      : t('subject.province-monthly', { period, province: labelsOf(locale).province(model.provinceCode) });
  return options.correction === true ? `${t('subject.correctionPrefix')}${subject}` : subject;
}
