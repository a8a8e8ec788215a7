// The notice at the top of a corrected briefing, in both parts: readers who already have the
// earlier mail learn at once that this one replaces it, why, and which figures changed (old ->
// new; or, plainly, that none did). The words are the locale's `correction` group; the layout
// is the partial correction-changes.hbs (html and text), rendered on isolated Handlebars
// instances. The HTML reuses the renderer's banner look, inline, and needs no new CSS feature.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ChangedFigure, CorrectionNote } from '#core/correction-diff.ts';
import type { Locale } from '#core/report-model.ts';
import { createFormatter, type Formatter } from '../format.ts';
import { createTranslator, type Labels, labelsOf, type Translate } from '../locale.ts';
import { rejectReasonNameOf } from '../sentences.ts';
import { DEFAULT_TEMPLATES_DIR } from '../template-engine.ts';

interface NoticeRow {
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

export interface NoticeView {
  readonly notice: string;
  /** Between a label and its figures in the text part: "：" or ": ". */
  readonly separator: string;
  readonly reason: string | null;
  readonly caption: string;
  readonly headings: { readonly figure: string; readonly before: string; readonly after: string };
  readonly rows: readonly NoticeRow[];
  /** Said when no row is shown: nothing in the summary changed. */
  readonly sentence: string | null;
}

type Template = Handlebars.TemplateDelegate<NoticeView>;

const templates = new Map<'html' | 'text', Template>();

function templateOf(flavour: 'html' | 'text'): Template {
  let template = templates.get(flavour);
  if (!template) {
    const source = readFileSync(join(DEFAULT_TEMPLATES_DIR, 'partials', flavour, 'correction-changes.hbs'), 'utf8');
    template = Handlebars.create().compile<NoticeView>(source, { strict: true, noEscape: flavour === 'text' });
    templates.set(flavour, template);
  }
  return template;
}

function subjectName(change: ChangedFigure, labels: Labels, t: Translate): string {
  if (!change.subject) return '';
  if (change.group === 'operator') return labels.operator(change.subject);
  if (change.group === 'category' || change.group === 'headline') return labels.category(change.subject);
  return rejectReasonNameOf(change.subject, labels, t);
}

function labelOf(change: ChangedFigure, labels: Labels, t: Translate): string {
  const measure = change.group === 'rejectReason' && change.subject ? 'rejectedFor' : change.measure;
  return t(
    `correction.measures.${change.group}.${measure}`,
    change.subject ? { subject: subjectName(change, labels, t) } : {},
  );
}

function formattedValue(change: ChangedFigure, value: number | null, format: Formatter): string {
  return change.format === 'signed'
    ? format.signed(value)
    : change.format === 'rate'
      ? format.rate(value)
      : format.count(value);
}

/** What the partial shows, in the reader's language. */
export function noticeView(locale: Locale, originalSubject: string, note?: CorrectionNote): NoticeView {
  const t = createTranslator(locale);
  const format = createFormatter(locale);
  const labels = labelsOf(locale);
  const sentAt = note ? format.dateTime(note.correctsSentAt) : '';
  const body = note
    ? t('correction.body', { subject: originalSubject, sentAt })
    : t('correction.bodyEarlier', { subject: originalSubject });
  const rows = (note?.changes ?? []).map((change) => ({
    label: labelOf(change, labels, t),
    before: formattedValue(change, change.before, format),
    after: formattedValue(change, change.after, format),
  }));
  const sentence =
    !note || rows.length > 0
      ? null
      : t(
          note.otherFiguresChanged
            ? 'correction.unchangedSummary'
            : note.dataCompleted
              ? 'correction.unchangedCompleted'
              : 'correction.unchanged',
          { sentAt },
        );
  return {
    notice: `${t('correction.title')}${t('correction.separator')}${body}`,
    separator: t('correction.separator'),
    reason: note ? t('correction.reason', { reason: note.reason }) : null,
    caption: t('correction.changesCaption', { sentAt }),
    headings: { figure: t('correction.figure'), before: t('correction.before'), after: t('correction.after') },
    rows,
    sentence,
  };
}

export function correctionNoticeText(locale: Locale, originalSubject: string, note?: CorrectionNote): string {
  return templateOf('text')(noticeView(locale, originalSubject, note)).trimEnd();
}

/** The text part with the notice and a rule above everything else. */
export function withTextNotice(text: string, locale: Locale, originalSubject: string, note?: CorrectionNote): string {
  return `${correctionNoticeText(locale, originalSubject, note)}\n${'='.repeat(64)}\n\n${text}`;
}

/** The HTML with the notice as the first thing inside the content cell (or the body). */
export function withHtmlNotice(html: string, locale: Locale, originalSubject: string, note?: CorrectionNote): string {
  const block = `\n${templateOf('html')(noticeView(locale, originalSubject, note)).trim()}`;
  const anchor = /<td\b[^>]*\bclass="content"[^>]*>/i.exec(html) ?? /<body\b[^>]*>/i.exec(html);
  if (!anchor) return `${block}\n${html}`;
  const at = anchor.index + anchor[0].length;
  return `${html.slice(0, at)}${block}${html.slice(at)}`;
}

/** The page title a mail client shows for the HTML part (saved, printed): the correction's subject. */
export function withHtmlTitle(html: string, title: string): string {
  return html.replace(/<title>[^<]*<\/title>/i, () => `<title>${Handlebars.escapeExpression(title)}</title>`);
}
