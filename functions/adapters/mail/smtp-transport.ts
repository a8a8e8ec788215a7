// The SMTP transport: any SMTP server (a relay, a local test server). The message goes out
// as built, with an envelope of one recipient. Replies are classified for the retry policy:
// 4xx and connection trouble are transient, 5xx permanent; an unknown host, a refused connection
// or a refused login mean the server is down for every recipient (the run stops); a connection
// lost after the whole message was handed over, with no reply, may have left it queued at the
// server (mayHaveArrived: the delivery sends it again once, flagged, never as it was).
import { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailTransport, OutgoingMail } from '#core/delivery-ports.ts';
import { MailSendError } from '#core/delivery-ports.ts';

export interface SmtpTransportProps {
  /** smtp://host:port or smtps://user:pass@host:port */
  readonly url: string;
  /**
   * Keep connections open between messages.
   * @default true
   */
  readonly pool?: boolean;
  /** @default 10_000 */
  readonly timeoutMs?: number;
}

const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETLS',
]);
/** Failures no recipient can get past: an unknown host, a refused connection, a refused login. */
const DOWN_CODES = new Set(['EDNS', 'EAUTH', 'ENOAUTH']);
const UNREACHABLE = /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN)\b/;

function isTransportDown(failure: { code?: string; message?: string; syscall?: string }): boolean {
  if (failure.code !== undefined && DOWN_CODES.has(failure.code)) return true;
  return (
    (failure.code === 'ESOCKET' || failure.code === 'ECONNECTION') &&
    (failure.syscall === 'connect' || UNREACHABLE.test(failure.message ?? ''))
  );
}

/**
 * Names the server's reply, and says whether trying again later may help. `bodyReadToEnd`: the
 * transport had read the whole message when it failed (trackedBody).
 */
export function classifySmtpError(error: unknown, bodyReadToEnd = false): MailSendError {
  const failure = error as {
    responseCode?: number;
    response?: string;
    code?: string;
    message?: string;
    syscall?: string;
  };
  // A refused login comes with a reply code (535) but fails every recipient alike.
  if (failure.code === 'EAUTH')
    return new MailSendError(`SMTP login refused: ${(failure.response ?? failure.message ?? '').trim()}`, false, {
      cause: error,
      transportDown: true,
    });
  if (typeof failure.responseCode === 'number') {
    const transient = failure.responseCode >= 400 && failure.responseCode < 500;
    return new MailSendError(
      `SMTP ${failure.responseCode}: ${(failure.response ?? failure.message ?? '').trim()}`,
      transient,
      { cause: error },
    );
  }
  const transportDown = isTransportDown(failure);
  // No reply at all: a lost connection, or one nodemailer's pool saw close mid-send (no code).
  const connectionLost = failure.code === undefined || NETWORK_CODES.has(failure.code);
  return new MailSendError(`SMTP ${failure.code ?? 'error'}: ${failure.message ?? String(error)}`, connectionLost, {
    cause: error,
    transportDown,
    mayHaveArrived: connectionLost && bodyReadToEnd && !transportDown,
  });
}

/** Small enough that nodemailer's buffers hold only the first few before the server's 354. */
const BODY_CHUNK_BYTES = 16 * 1024;

/**
 * The message as a stream, and whether nodemailer has read all of it. It pipes the body to the
 * server after the reply to DATA, taking only a few chunks into its buffers before, so a briefing
 * (hundreds of KB) read to the end was in its DATA phase with its last bytes sent or on their way.
 * A small message may be read to the end earlier: it then counts as possibly arrived on any lost
 * connection, which costs a duplicate flag, never an unflagged duplicate.
 */
function trackedBody(raw: Uint8Array): { stream: Readable; readToEnd: () => boolean } {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  function* chunks(): Generator<Buffer> {
    for (let at = 0; at < bytes.length; at += BODY_CHUNK_BYTES) yield bytes.subarray(at, at + BODY_CHUNK_BYTES);
  }
  let ended = false;
  const stream = Readable.from(chunks(), { objectMode: false });
  stream.once('end', () => {
    ended = true;
  });
  return { stream, readToEnd: () => ended };
}

export class SmtpTransport implements MailTransport {
  readonly name = 'smtp';
  private readonly transporter: nodemailer.Transporter<SMTPTransport.SentMessageInfo>;

  constructor(props: SmtpTransportProps) {
    const timeout = props.timeoutMs ?? 10_000;
    const url = new URL(props.url);
    if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
      throw new MailSendError(`not an SMTP URL: ${url.protocol}//${url.host}`, false);
    this.transporter = nodemailer.createTransport({
      url: props.url,
      pool: props.pool ?? true,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout * 3,
      // The pool would otherwise send a message again, unflagged, on a new connection when its
      // connection closes mid-send; the delivery's retry policy decides instead.
      maxRequeues: 0,
    } as SMTPTransport.Options);
  }

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    const body = trackedBody(mail.raw);
    try {
      const info = await this.transporter.sendMail({ envelope: { from: mail.from, to: [mail.to] }, raw: body.stream });
      return { providerMessageId: info.response };
    } catch (error) {
      throw classifySmtpError(error, body.readToEnd());
    }
  }

  async close(): Promise<void> {
    this.transporter.close();
  }
}
