// Small things the delivery tests share: a briefing rendered by hand (inline CSS, one chart as a
// 1x1 PNG named by cid:), recipients for one audience, a store and a transport in memory, a
// clock the test moves, and the real pipeline over the hand-made lake for the round trips.

import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import type { DeliveryPorts } from '#core/delivery.ts';
import type { Clock, MailTransport, OutgoingMail } from '#core/delivery-ports.ts';
import { MailSendError } from '#core/delivery-ports.ts';
import type { Logger, ReportStore } from '#core/ports.ts';
import type { RecipientsConfig } from '#core/recipients.ts';
import type { Briefing } from '#core/report-model.ts';
import { type ArchivedReport, archiveKeys } from '#core/report-run.ts';
import { createBriefingMessageComposer } from '#render/mime/briefing-composer.ts';

export const ONE_PIXEL_PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
);

const period = {
  id: '2019-W48',
  kind: 'week' as const,
  start: '2019-11-25',
  end: '2019-12-01',
  timezone: 'Asia/Shanghai',
  startUtc: '2019-11-24T16:00:00Z',
  endUtc: '2019-12-01T16:00:00Z',
};

/** Only what the subject line reads; the figures live in the hand-written parts below. */
function handMadeModel(locale: 'zh-CN' | 'en'): Briefing {
  return { report: 'hq-weekly', audience: 'hq', locale, period, homeOperator: 'CMCC' } as unknown as Briefing;
}

export const HAND_MADE_HTML = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>MNP weekly briefing</title>
<style>@media only screen and (max-width: 480px) { .content { padding: 8px !important; } }</style></head>
<body style="margin: 0; color: #1a1a1a;">
<table class="container" width="640" cellpadding="0" cellspacing="0" border="0" style="width: 640px;"><tr>
<td class="content" style="padding: 24px;">
<h1 style="font-size: 22px;">MNP weekly briefing</h1>
<p style="margin: 0 0 10px 0;">China Mobile received 2 port-ins and gave 3 port-outs, a net flow of −1.</p>
<img class="chart" src="cid:chart-trend@mnp-briefings" alt="Trend: net flow −1" width="592" height="300" style="display: block; width: 100%;">
</td></tr></table>
</body></html>`;

export const HAND_MADE_TEXT =
  'MNP weekly briefing\n\nChina Mobile received 2 port-ins and gave 3 port-outs, a net flow of −1.\n';

export function handMadeArchivedReport(
  overrides: { locale?: 'zh-CN' | 'en'; html?: string; audience?: string } = {},
): ArchivedReport {
  const locale = overrides.locale ?? 'en';
  const audience = overrides.audience ?? 'hq';
  const prefix = `hq-weekly/2019-W48/${audience}`;
  return {
    reportId: 'hq-weekly',
    periodId: '2019-W48',
    audience,
    locale,
    prefix,
    keys: archiveKeys(prefix),
    model: handMadeModel(locale),
    rendered: {
      html: overrides.html ?? HAND_MADE_HTML,
      text: HAND_MADE_TEXT,
      pageHtml: '<html></html>',
      images: [
        {
          cid: 'chart-trend@mnp-briefings',
          fileName: 'chart-trend.png',
          content: ONE_PIXEL_PNG,
          alt: 'Trend: net flow −1',
        },
      ],
    },
  };
}

export function recipientsFor(
  to: readonly string[],
  audience = 'hq',
  allowedDomains = ['example.com'],
): RecipientsConfig {
  return {
    from: '携号转网简报 MNP Briefings <briefings@example.com>',
    replyTo: 'mnp-operations@example.com',
    listId: 'mnp-briefings.example.com',
    allowedDomains,
    audiences: { [audience]: { locale: 'en', to: [...to] } },
  };
}

export const addresses = (count: number, prefix = 'reader') =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index + 1}@example.com`);

export class MemoryStore implements ReportStore {
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, body: string | Uint8Array): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }
  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
  locate(key: string): string {
    return `memory:${key}`;
  }
}

/**
 * A transport that keeps what it is given. `refuse` decides, per call, to throw instead: a
 * MailSendError (transient or not) or any error.
 */
export class RecordingTransport implements MailTransport {
  readonly name = 'memory';
  readonly delivered: OutgoingMail[] = [];
  readonly calls: OutgoingMail[] = [];

  constructor(private readonly refuse: (mail: OutgoingMail, call: number) => Error | undefined = () => undefined) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    this.calls.push(mail);
    await new Promise((resolve) => setTimeout(resolve, 1));
    const error = this.refuse(mail, this.calls.length);
    if (error) throw error;
    this.delivered.push(mail);
    return { providerMessageId: `memory-${this.delivered.length}` };
  }

  countFor(recipient: string): number {
    return this.delivered.filter((mail) => mail.to === recipient).length;
  }
}

export const transient = (message = 'SMTP 451: try again later') => new MailSendError(message, true);
export const permanent = (message = 'SMTP 550: mailbox unavailable') => new MailSendError(message, false);
/** The connection lost after the whole message was handed over, before the server's reply. */
export const lostAfterData = (message = 'SMTP ECONNECTION: Connection closed unexpectedly') =>
  new MailSendError(message, true, { mayHaveArrived: true });

export class TestClock implements Clock {
  constructor(private current = new Date('2019-12-02T01:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, ...(fields ? { fields } : {}) }),
    warn: (message, fields) => lines.push({ level: 'warn', message, ...(fields ? { fields } : {}) }),
    error: (message, fields) => lines.push({ level: 'error', message, ...(fields ? { fields } : {}) }),
  };
}

/** Delivery ports in memory; override any of them. */
export function memoryPorts(
  overrides: Partial<DeliveryPorts> = {},
): DeliveryPorts & { store: MemoryStore; clock: TestClock; log: ReturnType<typeof memoryLogger> } {
  return {
    transport: new RecordingTransport(),
    ledger: new MemoryLedger(),
    store: new MemoryStore(),
    clock: new TestClock(),
    log: memoryLogger(),
    composer: createBriefingMessageComposer(),
    ...overrides,
  } as DeliveryPorts & { store: MemoryStore; clock: TestClock; log: ReturnType<typeof memoryLogger> };
}

/** Retries without waiting, for tests. */
export const FAST_RETRY = { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } } as const;

/** The message as a mail client sees it (cid: links kept, so they can be checked). */
export async function parseMessage(raw: Uint8Array | Buffer) {
  const { simpleParser } = await import('mailparser');
  return simpleParser(Buffer.from(raw), { keepCidLinks: true });
}
