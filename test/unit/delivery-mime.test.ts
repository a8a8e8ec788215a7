// The MIME message of a briefing: its parts, its headers, its inline images, and the checks
// that keep a broken or outward-fetching HTML from being mailed.
import { doIUseEmail } from '@jsx-email/doiuse-email';
import { describe, expect, it } from 'vitest';
import type { ComposeRequest } from '#core/delivery-ports.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { withHtmlNotice } from '#render/mime/correction-notice.ts';
import { MessageError } from '#render/mime/mail-safe-html.ts';
import { HAND_MADE_HTML, handMadeArchivedReport, ONE_PIXEL_PNG, parseMessage } from './delivery-fixtures.ts';

const date = new Date('2019-12-02T01:00:00.000Z');

function request(fields: Partial<ComposeRequest> = {}): ComposeRequest {
  return {
    archived: handMadeArchivedReport(),
    from: '携号转网简报 MNP Briefings <briefings@example.com>',
    replyTo: 'mnp-operations@example.com',
    to: ['executive-office@example.com', 'strategy-office@example.com'],
    listId: 'mnp-briefings.example.com',
    messageId: '<hq-weekly.2019-W48.hq.0123456789abcdef@example.com>',
    date,
    correction: false,
    possibleDuplicate: false,
    ...fields,
  };
}

const compose = (fields: Partial<ComposeRequest> = {}) => createBriefingMessageComposer().compose(request(fields));

describe('the message', () => {
  it('carries the headers a briefing needs', async () => {
    const { raw, subject } = await compose();

    const mail = await parseMessage(raw);

    expect(subject).toBe('MNP weekly briefing 2019-W48');
    expect(mail.subject).toBe(subject);
    expect(mail.from?.value).toEqual([{ name: '携号转网简报 MNP Briefings', address: 'briefings@example.com' }]);
    expect(mail.replyTo?.value[0]?.address).toBe('mnp-operations@example.com');
    expect(mail.date?.toISOString()).toBe('2019-12-02T01:00:00.000Z');
    expect(mail.messageId).toBe('<hq-weekly.2019-W48.hq.0123456789abcdef@example.com>');
    expect(mail.headerLines.find((header) => header.key === 'list-id')?.line).toBe(
      'List-ID: <mnp-briefings.example.com>',
    );
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-mnp-possible-duplicate')).toBeUndefined();
    expect(mail.headers.get('x-mnp-correction')).toBeUndefined();
  });

  it('has a text part and an HTML part, with the chart inline by Content-ID', async () => {
    const { raw } = await compose();

    const mail = await parseMessage(raw);

    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(mail.text).toContain('China Mobile received 2 port-ins and gave 3 port-outs, a net flow of −1.');
    expect(mail.html).toContain('src="cid:chart-trend@mnp-briefings"');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      contentType: 'image/png',
      contentId: '<chart-trend@mnp-briefings>',
      contentDisposition: 'inline',
      related: true,
    });
    expect(Uint8Array.from(mail.attachments[0]!.content)).toEqual(ONE_PIXEL_PNG);
  });

  it('is flagged when it may duplicate an earlier send', async () => {
    const { raw } = await compose({ possibleDuplicate: true });

    expect(new TextDecoder().decode(raw)).toContain('\r\nX-MNP-Possible-Duplicate: yes\r\n');
  });

  it('refers to the earlier send when it is a correction', async () => {
    const { raw } = await compose({ correction: true, references: ['<earlier@example.com>'] });

    const mail = await parseMessage(raw);

    expect(mail.subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    expect(mail.inReplyTo).toBe('<earlier@example.com>');
    expect(mail.references).toBe('<earlier@example.com>');
    // the HTML part's own title, which a client shows when it is saved or printed, says so too
    expect(mail.html).toContain('<title>[Correction] MNP weekly briefing 2019-W48</title>');
  });

  it('quotes the corrected mail by the subject its readers got, in the language it went out in', async () => {
    const correctionNote = {
      reason: 'late load',
      correctsSentAt: '2019-12-02T01:00:00.000Z',
      correctsLocale: 'zh-CN' as const,
      changes: [],
      otherFiguresChanged: true,
    };
    const { raw } = await compose({ correction: true, correctionNote });

    const mail = await parseMessage(raw);

    expect(mail.subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    expect(mail.text).toContain('【携号转网周报】2019-W48');
    expect(mail.text).toContain('corrects the “【携号转网周报】2019-W48” sent on');
  });
});

describe('the HTML check', () => {
  const withHtml = (html: string, images = handMadeArchivedReport().rendered.images) =>
    compose({
      archived: { ...handMadeArchivedReport(), rendered: { ...handMadeArchivedReport().rendered, html, images } },
    });

  it('refuses a script', async () => {
    await expect(withHtml(HAND_MADE_HTML.replace('</body>', '<script>track()</script></body>'))).rejects.toThrow(
      /contains <script>/,
    );
  });

  it('refuses an image fetched from outside', async () => {
    await expect(
      withHtml(HAND_MADE_HTML.replace('cid:chart-trend@mnp-briefings', 'https://tracker.example.net/p.png')),
    ).rejects.toThrow(/fetches from outside/);
  });

  it('refuses CSS that fetches from outside', async () => {
    await expect(
      withHtml(HAND_MADE_HTML.replace('color: #1a1a1a;', "background: url('https://x.example.net/b.png');")),
    ).rejects.toThrow(/CSS that fetches/);
  });

  it('refuses CSS left in a <style> block outside media queries (not inlined)', async () => {
    await expect(withHtml(HAND_MADE_HTML.replace('<style>', '<style>p { color: red; } '))).rejects.toThrow(
      /not inlined: p \{ color: red; \}/,
    );
  });

  it('refuses a cid: link without its image, and an image never shown', async () => {
    await expect(withHtml(HAND_MADE_HTML.replace('cid:chart-trend@', 'cid:chart-matrix@'))).rejects.toThrow(
      MessageError,
    );
    await expect(withHtml(HAND_MADE_HTML.replace(/<img[^>]*>/, ''))).rejects.toThrow(
      /never shows the image chart-trend@mnp-briefings/,
    );
  });

  it('refuses a message above the size limit', async () => {
    const small = createBriefingMessageComposer({ maxMessageBytes: 2_000 });

    await expect(small.compose(request())).rejects.toThrow(/above 2000/);
  });
});

describe('the correction notice', () => {
  it('adds no error-level finding of the mail-client support database', () => {
    const clients = ['*'];
    const before = doIUseEmail(HAND_MADE_HTML, { emailClients: clients });
    const after = doIUseEmail(withHtmlNotice(HAND_MADE_HTML, 'en', 'MNP weekly briefing'), { emailClients: clients });

    expect(after.success ? [] : after.errors).toEqual(before.success ? [] : before.errors);
  });
});
