// The notice at the top of a corrected briefing, in both parts: readers who already have the
// earlier mail learn at once that this one replaces it. The HTML notice reuses the renderer's
// banner look (inline, and its .banner dark-mode rule applies) and needs no new CSS feature.
// The words live in correction-notice.json until the locale files take them (mail.correction*).
import type { Locale } from '#core/report-model.ts';
import { interpolate } from '../locale.ts';
import notices from './correction-notice.json' with { type: 'json' };

interface Notice {
  readonly title: string;
  readonly separator: string;
  readonly body: string;
}

const NOTICES: Readonly<Record<Locale, Notice>> = notices;

const BANNER_STYLE = 'border: 2px solid #8a4b00; background-color: #fff4e0; color: #3d2200; padding: 12px 14px; margin: 0 0 16px 0; font-weight: bold;';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function correctionNoticeText(locale: Locale, originalSubject: string): string {
  const notice = NOTICES[locale];
  return `${notice.title}${notice.separator}${interpolate(notice.body, { subject: originalSubject })}`;
}

/** The text part with the notice and a rule above everything else. */
export function withTextNotice(text: string, locale: Locale, originalSubject: string): string {
  return `${correctionNoticeText(locale, originalSubject)}\n${'='.repeat(64)}\n\n${text}`;
}

/** The HTML with the notice as the first thing inside the content cell (or the body). */
export function withHtmlNotice(html: string, locale: Locale, originalSubject: string): string {
  const paragraph = `\n<p class="banner" style="${BANNER_STYLE}">${escapeHtml(correctionNoticeText(locale, originalSubject))}</p>`;
  const anchor = /<td\b[^>]*\bclass="content"[^>]*>/i.exec(html) ?? /<body\b[^>]*>/i.exec(html);
  if (!anchor) return `${paragraph}\n${html}`;
  const at = anchor.index + anchor[0].length;
  return `${html.slice(0, at)}${paragraph}${html.slice(at)}`;
}
