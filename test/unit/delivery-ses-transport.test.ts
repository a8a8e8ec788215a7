// The SES transport: the SES v2 request it builds, and how SES's answers map to the retry policy.
import { MessageRejected, SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import { classifySesError, SesTransport } from '#adapters/mail/ses-transport.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import { addresses, FAST_RETRY, handMadeArchivedReport, memoryPorts, recipientsFor } from './delivery-fixtures.ts';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const mail = {
  key: { reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient: 'reader@example.com' },
  from: 'briefings@example.com',
  to: 'Reader@example.com',
  messageId: '<m@example.com>',
  raw: new TextEncoder().encode('Subject: hello\r\n\r\nbody\r\n'),
};

const throttled = () =>
  new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } });
const rejected = () =>
  new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } });

describe('the SES request', () => {
  it('is a SendEmail with the raw message, the sender, one recipient and the configuration set', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const transport = new SesTransport({
      client: new SESv2Client({ region: 'cn-north-1' }),
      configurationSetName: 'mnp-briefings',
    });

    const result = await transport.send(mail);

    expect(result).toEqual({ providerMessageId: 'ses-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input).toEqual({
      FromEmailAddress: 'briefings@example.com',
      Destination: { ToAddresses: ['Reader@example.com'] },
      Content: { Raw: { Data: mail.raw } },
      ConfigurationSetName: 'mnp-briefings',
      EmailTags: [
        { Name: 'report', Value: 'hq-weekly' },
        { Name: 'period', Value: '2019-W48' },
        { Name: 'audience', Value: 'hq' },
      ],
    });
  });

  it('names no configuration set when none is configured', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });

    await new SesTransport({ client: new SESv2Client({ region: 'cn-north-1' }) }).send(mail);

    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).not.toHaveProperty('ConfigurationSetName');
  });
});

describe('SES answers', () => {
  it('are transient for throttling and server errors, permanent for a rejection', () => {
    expect(classifySesError(throttled()).transient).toBe(true);
    expect(
      classifySesError(
        Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }),
      ).transient,
    ).toBe(true);
    expect(
      classifySesError(
        Object.assign(new Error('oops'), {
          name: 'InternalFailure',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        }),
      ).transient,
    ).toBe(true);
    expect(classifySesError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })).transient).toBe(true);
    expect(classifySesError(rejected())).toMatchObject({
      transient: false,
      message: 'SES MessageRejected (HTTP 400): Email address is not verified.',
    });
  });

  it('say SES is down for the run when it cannot be reached or the credentials are refused, not for one rejected address', () => {
    expect(
      classifySesError(
        Object.assign(new Error('getaddrinfo ENOTFOUND email.cn-north-1.amazonaws.com.cn'), { code: 'ENOTFOUND' }),
      ).transportDown,
    ).toBe(true);
    expect(
      classifySesError(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      ).transportDown,
    ).toBe(true);
    expect(
      classifySesError(
        Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'UnrecognizedClientException',
          $metadata: { httpStatusCode: 403 },
        }),
      ).transportDown,
    ).toBe(true);
    expect(classifySesError(rejected()).transportDown).toBe(false);
    expect(classifySesError(throttled()).transportDown).toBe(false);
  });

  it('say a call lost without an HTTP reply may have been taken, and a reply of any kind was definite', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const timedOut = Object.assign(new Error('Connection timed out after 30000 ms'), { name: 'TimeoutError' });
    const unreachable = Object.assign(new Error('getaddrinfo ENOTFOUND email.cn-north-1.amazonaws.com.cn'), {
      code: 'ENOTFOUND',
    });
    const serverError = Object.assign(new Error('oops'), {
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });

    expect([reset, timedOut].map((error) => classifySesError(error).mayHaveArrived)).toEqual([true, true]);
    expect(
      [unreachable, serverError, throttled(), rejected()].map((error) => classifySesError(error).mayHaveArrived),
    ).toEqual([false, false, false, false]);
  });

  it('retries a throttled send: the second call succeeds and the ledger counts 2 attempts', async () => {
    ses.on(SendEmailCommand).rejectsOnce(throttled()).resolves({ MessageId: 'ses-2' });
    const ledger = new MemoryLedger();
    const transport = new SesTransport({ client: new SESv2Client({ region: 'cn-north-1' }) });

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(1)),
      memoryPorts({ transport, ledger }),
      FAST_RETRY,
    );

    expect(summary.recipients[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
    expect([...ledger.records.values()][0]).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('fails a rejected recipient at once and delivers the others', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-3' });
    ses.on(SendEmailCommand, { Destination: { ToAddresses: ['reader-1@example.com'] } }).rejects(rejected());
    const transport = new SesTransport({ client: new SESv2Client({ region: 'cn-north-1' }) });

    const summary = await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(addresses(2)),
      memoryPorts({ transport }),
      FAST_RETRY,
    );

    expect(summary.recipients.map((outcome) => [outcome.status, outcome.attempts, outcome.reason])).toEqual([
      ['failed', 1, 'SES MessageRejected (HTTP 400): Email address is not verified.'],
      ['sent', 1, undefined],
    ]);
  });
});
