// Choosing and shaping a transport from configuration: the file transport by default, SMTP on
// request, a shared send rate, and how SMTP replies map to the retry policy.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTransport, inOutboxFolder } from '#adapters/mail/file-transport.ts';
import { createMailTransport, parseMailConfig } from '#adapters/mail/mail-config.ts';
import { classifySmtpError } from '#adapters/mail/smtp-transport.ts';
import { throttledTransport } from '#adapters/mail/throttled-transport.ts';
import { ConfigurationError } from '#core/errors.ts';
import { RecordingTransport } from './delivery-fixtures.ts';

const mail = (to: string) => ({
  key: { reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient: to.toLowerCase() },
  from: 'briefings@example.com',
  to,
  messageId: '<m@example.com>',
  raw: new TextEncoder().encode('Subject: x\r\n\r\nbody\r\n'),
});

describe('the mail configuration', () => {
  it('chooses the file transport by default', async () => {
    const config = parseMailConfig({ outDir: 'out' });

    const transport = await createMailTransport(config);

    expect(config).toMatchObject({ transport: 'file', ratePerSecond: 5 });
    expect(transport.name).toBe('file');
  });

  it('asks for a URL with the SMTP transport', () => {
    expect(() => parseMailConfig({ transport: 'smtp' }, 'mail options')).toThrow(ConfigurationError);
    expect(() => parseMailConfig({ transport: 'smtp', smtpUrl: 'http://example.com' })).toThrow(
      /must look like smtp:\/\/host:port/,
    );
    expect(parseMailConfig({ transport: 'smtp', smtpUrl: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe(
      'smtp://127.0.0.1:2525',
    );
  });

  it('builds the SES transport from a region and configuration set', async () => {
    const transport = await createMailTransport(
      parseMailConfig({ transport: 'ses', sesRegion: 'cn-northwest-1', sesConfigurationSet: 'mnp' }),
    );

    expect(transport.name).toBe('ses');
  });
});

describe('the send rate', () => {
  it('holds every send of a run to the configured rate', async () => {
    const inner = new RecordingTransport();
    const transport = throttledTransport(inner, 20);
    const started = performance.now();

    // As the delivery sends: a slot from ready(), then the message.
    await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        await transport.ready?.();
        await transport.send(mail(`reader-${index}@example.com`));
      }),
    );

    // 30 messages at 20 a second: the last leaves no earlier than about 1.4 s after the first.
    expect(performance.now() - started).toBeGreaterThan(1_300);
    expect(inner.delivered).toHaveLength(30);
  });
});

describe('SMTP replies', () => {
  it('are transient for 4xx and connection trouble, permanent for 5xx', () => {
    expect(classifySmtpError({ responseCode: 451, response: '451 4.3.0 try again later' })).toMatchObject({
      transient: true,
      message: 'SMTP 451: 451 4.3.0 try again later',
    });
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 no such mailbox' }).transient).toBe(false);
    expect(
      classifySmtpError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ECONNECTION' }))
        .transient,
    ).toBe(true);
    expect(
      classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535 })).transient,
    ).toBe(false);
  });

  it('say the server is down for a refused connection, an unknown host or a refused login, not for one mailbox', () => {
    // As nodemailer reports them (checked against a closed port and an .invalid host).
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ESOCKET',
      syscall: 'connect',
      errno: -111,
    });
    const unknownHost = Object.assign(new Error('getaddrinfo ENOTFOUND smtp.invalid'), {
      code: 'EDNS',
      syscall: 'getaddrinfo',
    });
    const login = Object.assign(new Error('Invalid login: 535 5.7.8 authentication failed'), {
      code: 'EAUTH',
      responseCode: 535,
      response: '535 5.7.8 authentication failed',
    });

    expect([refused, unknownHost, login].map((error) => classifySmtpError(error).transportDown)).toEqual([
      true,
      true,
      true,
    ]);
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 no such mailbox' }).transportDown).toBe(false);
    expect(classifySmtpError({ responseCode: 451, response: '451 4.3.0 try again later' }).transportDown).toBe(false);
    expect(
      classifySmtpError(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }))
        .transportDown,
    ).toBe(false);
  });

  it('say a connection lost once the whole message was read may have delivered it, and nothing else', () => {
    const closed = Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' });
    const poolClosed = new Error('Reached maximum number of retries after connection was closed');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ESOCKET',
      syscall: 'connect',
    });
    const tempFailure = { responseCode: 451, response: '451 4.3.0 try again later' };

    expect(classifySmtpError(closed, true)).toMatchObject({ mayHaveArrived: true, transient: true });
    expect(classifySmtpError(poolClosed, true)).toMatchObject({ mayHaveArrived: true, transient: true });
    // Not read to the end: the server cannot have the whole message; a plain retry is safe.
    expect(classifySmtpError(closed, false)).toMatchObject({ mayHaveArrived: false, transient: true });
    // A reply, even a refusal after the data, is definite; a refused connection sent nothing.
    expect(classifySmtpError(tempFailure, true).mayHaveArrived).toBe(false);
    expect(classifySmtpError(refused, true).mayHaveArrived).toBe(false);
  });
});

describe('the file transport', () => {
  it('keeps a second send beside the first instead of overwriting it', async () => {
    const outbox = await mkdtemp(join(tmpdir(), 'mnp-outbox-'));
    try {
      const transport = new FileTransport(inOutboxFolder(outbox));

      await transport.send(mail('Reader@example.com'));
      await transport.send(mail('Reader@example.com'));

      expect((await readdir(join(outbox, 'hq-weekly', '2019-W48', 'hq'))).sort()).toEqual([
        'reader@example.com.2.eml',
        'reader@example.com.eml',
      ]);
    } finally {
      await rm(outbox, { recursive: true, force: true });
    }
  });
});
