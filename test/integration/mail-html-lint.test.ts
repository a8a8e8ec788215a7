// The mail HTML of real briefings (hq weekly, two provinces' monthly guidance, each language,
// and a correction) linted against the mail-client support database (caniemail, through
// @jsx-email/doiuse-email), for every client it knows.
import { doIUseEmail } from '@jsx-email/doiuse-email';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchivedReport } from '#core/report-run.ts';
import { mailOptionsOf } from '#render/mime/briefing-composer.ts';
import { assertMailSafeHtml, cssOutsideMediaQueries } from '#render/mime/mail-safe-html.ts';
import { type MailWorkspace, openMailWorkspace } from './mail-pipeline.ts';

let workspace: MailWorkspace;
const briefings: ArchivedReport[] = [];

beforeAll(async () => {
  workspace = await openMailWorkspace();
  briefings.push(...(await workspace.archive({ reportId: 'hq-weekly', periodId: '2019-W48', locale: () => 'zh-CN' })));
  briefings.push(
    ...(await workspace.archive({
      reportId: 'province-monthly',
      periodId: '2019-11',
      audiences: ['11', '44'],
      locale: (audience) => (audience === '44' ? 'en' : 'zh-CN'),
    })),
  );
});

afterAll(async () => {
  await workspace?.remove();
});

function mailHtml(archived: ArchivedReport, correction: boolean): string {
  const options = mailOptionsOf({
    archived,
    from: 'b <briefings@example.com>',
    to: ['r@example.com'],
    listId: 'l.example.com',
    messageId: '<m@example.com>',
    date: new Date(),
    correction,
    possibleDuplicate: false,
  });
  return String(options.html);
}

/** "`white-space` is not supported by `outlook.windows`" -> "white-space" */
function errorFeatures(html: string): string[] {
  const result = doIUseEmail(html, { emailClients: ['*'] });
  const errors = result.success ? [] : result.errors;
  return [...new Set(errors.map((error) => /^`([^`]+)`/.exec(error)?.[1] ?? error))].sort();
}

/**
 * Error-level findings that come from the renderer (functions/render, templates/), reported to
 * its owner rather than changed here; each is ignored by the clients named, not fatal. A finding
 * outside this list fails the test; one the renderer drops simply stops appearing.
 */
const REPORTED_RENDERER_FINDINGS: Readonly<Record<string, string>> = {
  'white-space':
    'styles.hbs .kpi-value, .data tbody/tfoot, .flag (nowrap): Outlook for Windows, Windows Mail, Samsung Email',
  'border-spacing': 'styles.hbs .kpis: Outlook for Windows, Windows Mail, Outlook for Mac',
  '@media':
    'styles-media.hbs phone and dark-mode queries: Gmail mobile webmail, Outlook for Windows, Windows Mail, SFR, Thunderbird',
  '<body> element':
    'layouts/email.hbs <body style>: Outlook apps, Yahoo/AOL apps, ProtonMail, Fastmail and others drop it (the wrapper table repeats the background)',
  'lang attribute': 'layouts/email.hbs <html lang>: Orange webmail, HEY',
  'role attribute': 'role="presentation" on layout tables, role="note" on the banner: Orange, Windows Mail, HEY',
  'width attribute': 'juice applyWidthAttributes and <img width>: HEY',
  'height attribute': '<img height> on charts: HEY',
};

describe('the mail HTML of real briefings', () => {
  it('has no error-level finding beyond those reported on the renderer', () => {
    for (const archived of briefings) {
      const unexpected = errorFeatures(mailHtml(archived, false)).filter(
        (feature) => !(feature in REPORTED_RENDERER_FINDINGS),
      );
      expect(unexpected, `${archived.reportId} ${archived.audience}`).toEqual([]);
    }
  });

  it('gains no finding from the correction notice', () => {
    for (const archived of briefings) {
      expect(errorFeatures(mailHtml(archived, true)), `${archived.reportId} ${archived.audience}`).toEqual(
        errorFeatures(mailHtml(archived, false)),
      );
    }
  });

  it('carries its CSS inline, no script and nothing fetched from outside', () => {
    for (const archived of briefings) {
      const html = archived.rendered.html;
      expect(() => assertMailSafeHtml(archived.rendered, archived.audience)).not.toThrow();
      expect(html).not.toMatch(/<script|<link\b|@import|src="https?:/i);
      expect(cssOutsideMediaQueries(html)).toBe('');
      expect(html.match(/ style="/g)?.length ?? 0).toBeGreaterThan(50);
    }
  });
});
