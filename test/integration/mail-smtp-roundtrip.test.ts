// A briefing from the hand-made lake, mailed through a real SMTP server on loopback and read
// back with mailparser: recipients, subject, both parts, the charts by Content-ID, the figures.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { SmtpTransport } from '#adapters/mail/smtp-transport.ts';
import { type DeliveryPorts, deliverAudienceReport } from '#core/delivery.ts';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';
import { cidLinksOf } from '#render/mime/mail-safe-html.ts';
import { FAST_RETRY, memoryLogger, parseMessage, recipientsFor } from '../unit/delivery-fixtures.ts';
import { type MailWorkspace, openMailWorkspace } from './mail-pipeline.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from './mail-smtp-server.ts';

let workspace: MailWorkspace;
let smtp: LoopbackSmtp;
let chinese: ArchivedReport;
let english: ArchivedReport;

beforeAll(async () => {
  workspace = await openMailWorkspace();
  chinese = (await workspace.archive({ reportId: 'hq-weekly', periodId: '2019-W48', locale: () => 'zh-CN' }))[0]!;
  // The same week in English, archived under its own audience folder for this test.
  const [en] = await workspace.archive({ reportId: 'hq-weekly', periodId: '2019-W48', locale: () => 'en' });
  english = { ...en!, prefix: 'hq-weekly/2019-W48/hq-en' };
  smtp = await startLoopbackSmtp();
});

afterAll(async () => {
  await smtp?.close();
  await workspace?.remove();
});

beforeEach(() => smtp.reset());

let ledgerCount = 0;
function portsFor(): DeliveryPorts & { transport: SmtpTransport } {
  ledgerCount += 1;
  return {
    transport: new SmtpTransport({ url: smtp.url }),
    ledger: new FileLedger(`${workspace.root}/ledger-${ledgerCount}`),
    store: workspace.store,
    clock: { now: () => new Date() },
    log: memoryLogger(),
    composer: createBriefingMessageComposer(),
  };
}

const TO = ['executive-office@example.com', 'strategy-office@example.com'];

async function deliver(archived: ArchivedReport, to = TO) {
  const ports = portsFor();
  try {
    return await deliverAudienceReport(archived, recipientsFor(to), ports, FAST_RETRY);
  } finally {
    await ports.transport.close();
  }
}

describe('a briefing mailed over SMTP', () => {
  it('reaches each recipient once, as one message to the group', async () => {
    const summary = await deliver(chinese);

    expect(summary.recipients.map((outcome) => outcome.status)).toEqual(['sent', 'sent']);
    expect(smtp.received.map((mail) => mail.envelopeTo).sort()).toEqual([[TO[0]], [TO[1]]]);
    expect(smtp.received.every((mail) => mail.envelopeFrom === 'briefings@example.com')).toBe(true);
    const mail = await parseMessage(smtp.received[0]!.raw);
    const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
    expect(to.flatMap((group) => group.value.map((address) => address.address))).toEqual(TO);
    expect(mail.subject).toBe('【携号转网周报】2019-W48');
    expect(mail.messageId).toBe(summary.recipients[0]!.messageId);
    expect(mail.date).toBeInstanceOf(Date);
    expect(mail.headerLines.find((header) => header.key === 'list-id')?.line).toBe(
      'List-ID: <mnp-briefings.example.com>',
    );
  });

  it('carries both parts, and every cid: of the HTML resolves to an inline image', async () => {
    await deliver(chinese, [TO[0]!]);

    const mail = await parseMessage(smtp.received[0]!.raw);
    expect(mail.text?.length).toBeGreaterThan(500);
    expect(mail.html).toBeTruthy();
    const links = cidLinksOf(String(mail.html));
    expect(links.length).toBe(chinese.rendered.images.length);
    expect(links.length).toBeGreaterThan(0);
    for (const cid of links) {
      const image = mail.attachments.find((attachment) => attachment.contentId === `<${cid}>`);
      expect(image, cid).toMatchObject({ contentType: 'image/png', contentDisposition: 'inline', related: true });
      expect(image!.content.subarray(1, 4).toString('latin1')).toBe('PNG');
    }
  });

  it('keeps within a few hundred KB, and its HTML under the size at which Gmail clips', async () => {
    await deliver(chinese, [TO[0]!]);

    expect(smtp.received[0]!.raw.length).toBeLessThan(400_000);
    expect(Buffer.byteLength(chinese.rendered.html)).toBeLessThan(102_000);
  });

  it('has the figures of the report in its text part', async () => {
    await deliver(english, [TO[0]!]);

    const mail = await parseMessage(smtp.received[0]!.raw);
    const model = english.model as HqWeeklyBriefing;
    const cmcc = model.flows.byOperator.find((flow) => flow.operator === 'CMCC')!;
    // Worked out by hand in hq-weekly-figures.test.ts: CMCC 2 in, 3 out, net −1; 6 ports in all.
    expect([cmcc.portIns, cmcc.portOuts, cmcc.net, model.flows.totalCompleted]).toEqual([2, 3, -1, 6]);
    expect(mail.subject).toBe('MNP weekly briefing 2019-W48');
    const text = String(mail.text);
    // The text part wraps its sentences; the tables keep one row a line.
    expect(text.replace(/\s+/g, ' ')).toContain(
      'China Mobile received 2 port-ins and gave 3 port-outs this week, a net flow of −1',
    );
    expect(text).toMatch(/^ +China Mobile +2 +3 +−1 /m);
    expect(text).toMatch(/^ +China Telecom +3 +1 +\+2 /m);
    expect(text).toMatch(/^ +All completed ports: 6$/m);
  });
});

describe('SMTP refusals', () => {
  it('retry a 4xx, fail a 5xx for that recipient only, and deliver the others', async () => {
    smtp.refuse = (address, call) => {
      if (address === 'gone@example.com') return { code: 550, text: '5.1.1 no such mailbox' };
      if (address === 'busy@example.com' && call === 1) return { code: 451, text: '4.3.0 try again later' };
      return undefined;
    };

    const summary = await deliver(english, ['gone@example.com', 'busy@example.com', 'reader@example.com']);

    expect(summary.recipients.map((outcome) => [outcome.recipient, outcome.status, outcome.attempts])).toEqual([
      ['gone@example.com', 'failed', 1],
      ['busy@example.com', 'sent', 2],
      ['reader@example.com', 'sent', 1],
    ]);
    expect(summary.recipients[0]!.reason).toMatch(/^SMTP 550: .*no such mailbox/);
    expect(smtp.received.map((mail) => mail.envelopeTo[0]).sort()).toEqual(['busy@example.com', 'reader@example.com']);
  });
});

describe('an SMTP connection lost after the message was handed over', () => {
  it('sends the message again once, flagged as a possible duplicate with the same Message-ID', async () => {
    // The server keeps the first copy but never says so: a plain retry would be a silent duplicate.
    smtp.dropAfterData = (address, message) => address === 'reader@example.com' && message === 1;

    const summary = await deliver(english, ['reader@example.com', 'other@example.com']);

    expect(summary.recipients.map((outcome) => [outcome.recipient, outcome.status, outcome.attempts])).toEqual([
      ['reader@example.com', 'sent', 2],
      ['other@example.com', 'sent', 1],
    ]);
    expect(summary.recipients[0]!.possibleDuplicate).toBe(true);
    const copies = await Promise.all(
      smtp.received.filter((mail) => mail.envelopeTo[0] === 'reader@example.com').map((mail) => parseMessage(mail.raw)),
    );
    expect(copies.map((mail) => mail.headers.get('x-mnp-possible-duplicate') ?? 'none')).toEqual(['none', 'yes']);
    expect(copies[1]!.messageId).toBe(copies[0]!.messageId);
    const other = smtp.received.filter((mail) => mail.envelopeTo[0] === 'other@example.com');
    expect(other).toHaveLength(1);
  });

  it('stops at that one duplicate: lost again, the recipient is unconfirmed', async () => {
    smtp.dropAfterData = (address) => address === 'reader@example.com';

    const summary = await deliver(english, ['reader@example.com']);

    expect(summary.recipients[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      reason: expect.stringMatching(/^unconfirmed: SMTP ECONNECTION: .*it may have arrived; check the mailbox/),
    });
    expect(smtp.received).toHaveLength(2);
  });
});
