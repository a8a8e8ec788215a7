// The subject line of a briefing mail, from the locale file: the report name, the province for a
// branch, the period as its id (2019-W48, 2019-11: the form the archive, the CLI and mail filters
// use; the body names it in words); a correction carries a prefix so that readers know it replaces
// a mail.
import type { Briefing, Locale } from '#core/report-model.ts';
import { createTranslator, labelsOf } from './locale.ts';

export function subjectOf(model: Briefing, locale: Locale, options: { correction?: boolean } = {}): string {
  const t = createTranslator(locale);
  const period = model.period.id;
  const subject =
    model.report === 'hq-weekly'
      ? t('subject.hq-weekly', { period })
      : t('subject.province-monthly', { period, province: labelsOf(locale).province(model.provinceCode) });
  return options.correction === true ? `${t('subject.correctionPrefix')}${subject}` : subject;
}
