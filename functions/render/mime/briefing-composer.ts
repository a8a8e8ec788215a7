// The MIME message of a briefing, built with nodemailer's MailComposer: a text part and an HTML
// part from the same model (multipart/alternative), the charts as inline parts named by their
// Content-ID beside the HTML (multipart/related), and the headers a briefing needs: Date,
// Message-ID, List-Id, Auto-Submitted, and for a correction In-Reply-To/References to the
// earlier send. A resend after a crash carries X-MNP-Possible-Duplicate: yes.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import type { ComposedMessage, ComposeRequest, MessageComposer } from '#core/delivery-ports.ts';
import { subjectOf } from '../subject.ts';
import { withHtmlNotice, withHtmlTitle, withTextNotice } from './correction-notice.ts';
import { assertMailSafeHtml, MessageError } from './mail-safe-html.ts';

export interface BriefingComposerOptions {
  /**
   * The largest message to build, in bytes. Mail servers take 10 MB or more; a briefing read
   * on a phone should stay within a few hundred KB.
   * @default 768_000
   */
  readonly maxMessageBytes?: number;
  /**
   * The HTML size above which the message carries a warning: Gmail clips a message whose HTML
   * passes about 102 KB (behind a "View entire message" link). It is still sent.
   * @default 102_000
   */
  readonly warnHtmlBytes?: number;
}

export const POSSIBLE_DUPLICATE_HEADER = 'X-MNP-Possible-Duplicate';

function build(mail: Mail.Options): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    new MailComposer(mail).compile().build((error, message) => (error ? reject(error) : resolve(message)));
  });
}

/** nodemailer writes header names as X-Mnp-...; keep our own as spelled (X-MNP-...), for grep. */
function withOurHeaderSpelling(message: Buffer): Buffer {
  const end = message.indexOf('\r\n\r\n');
  if (end < 0) return message;
  const head = message
    .subarray(0, end)
    .toString('latin1')
    .replace(/^X-Mnp-/gm, 'X-MNP-');
  return Buffer.concat([Buffer.from(head, 'latin1'), message.subarray(end)]);
}

export function mailOptionsOf(request: ComposeRequest): Mail.Options & { subject: string } {
  const { archived } = request;
  const label = `${archived.reportId} ${archived.periodId} ${archived.audience}`;
  assertMailSafeHtml(archived.rendered, label);
  // the notice quotes the corrected mail's subject as its readers got it, in its own language
  const original = subjectOf(archived.model, request.correctionNote?.correctsLocale ?? archived.locale);
  const subject = subjectOf(archived.model, archived.locale, { correction: request.correction });
  const html = request.correction
    ? withHtmlTitle(withHtmlNotice(archived.rendered.html, archived.locale, original, request.correctionNote), subject)
    : archived.rendered.html;
  const text = request.correction
    ? withTextNotice(archived.rendered.text, archived.locale, original, request.correctionNote)
    : archived.rendered.text;
  const references = request.references ?? [];
  return {
    from: request.from,
    to: [...request.to],
    ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    subject,
    date: request.date,
    messageId: request.messageId,
    ...(references.length > 0 ? { inReplyTo: references[references.length - 1], references: [...references] } : {}),
    text,
    html,
    attachments: archived.rendered.images.map((image) => ({
      filename: image.fileName,
      content: Buffer.from(image.content),
      contentType: 'image/png',
      cid: image.cid,
      contentDisposition: 'inline' as const,
    })),
    headers: {
      'List-Id': `<${request.listId}>`,
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'Content-Language': archived.locale,
      'X-MNP-Report': `${archived.reportId}; period=${archived.periodId}; audience=${archived.audience}`,
      ...(request.correction ? { 'X-MNP-Correction': 'yes' } : {}),
      ...(request.possibleDuplicate ? { [POSSIBLE_DUPLICATE_HEADER]: 'yes' } : {}),
    },
  };
}

export function createBriefingMessageComposer(options: BriefingComposerOptions = {}): MessageComposer {
  const maxMessageBytes = options.maxMessageBytes ?? 768_000;
  const warnHtmlBytes = options.warnHtmlBytes ?? 102_000;
  return {
    async compose(request: ComposeRequest): Promise<ComposedMessage> {
      const mail = mailOptionsOf(request);
      const { archived } = request;
      const label = `${archived.reportId} ${archived.periodId} ${archived.audience}`;
      const htmlBytes = Buffer.byteLength(String(mail.html), 'utf8');
      const warnings =
        htmlBytes > warnHtmlBytes
          ? [`the mail HTML is ${htmlBytes} bytes, above ${warnHtmlBytes}: Gmail shows it clipped`]
          : [];
      const raw = withOurHeaderSpelling(await build(mail));
      if (raw.length > maxMessageBytes)
        throw new MessageError(
          `${label}: the message is ${raw.length} bytes, above ${maxMessageBytes}; make the charts or the HTML smaller`,
        );
      return { raw: new Uint8Array(raw.buffer, raw.byteOffset, raw.length), subject: mail.subject, warnings };
    },
  };
}
