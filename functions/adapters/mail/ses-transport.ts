// The SES transport: SES v2 SendEmail with the raw MIME message, one recipient per call, tagged
// with the report, period and audience for the configuration set's event destinations. Build
// the client with maxAttempts: 1 so that the delivery's own retry (and its attempt count) is
// the only one; SES throttling and server errors are transient, a rejection permanent, and a
// call lost without an HTTP reply (reset, timeout) may have been taken (mayHaveArrived).
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailTransport, OutgoingMail } from '#core/delivery-ports.ts';
import { MailSendError } from '#core/delivery-ports.ts';

export interface SesTransportProps {
  /** An SESv2Client, already built (region, credentials, maxAttempts: 1). */
  readonly client: SESv2Client;
  /** The configuration set for events (bounces, complaints, deliveries). */
  readonly configurationSetName?: string;
}

const TRANSIENT_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'InternalServiceErrorException',
  'InternalFailure',
  'ServiceUnavailable',
  'RequestTimeout',
  'TimeoutError',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** No recipient can get past these: SES unreachable, or the caller's credentials or region unusable. */
const DOWN_NAMES = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
]);
const DOWN_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

export function classifySesError(error: unknown): MailSendError {
  const failure = error as {
    name?: string;
    message?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = failure.$metadata?.httpStatusCode;
  const transient =
    TRANSIENT_NAMES.has(failure.name ?? '') ||
    failure.$fault === 'server' ||
    (status !== undefined && status >= 500) ||
    NETWORK_CODES.has(failure.code ?? '');
  const transportDown =
    DOWN_NAMES.has(failure.name ?? '') ||
    DOWN_CODES.has(failure.code ?? '') ||
    /region is missing/i.test(failure.message ?? '');
  // No HTTP reply to a call that may have been sent whole: SES may have taken the message.
  const noReply = status === undefined && (failure.name === 'TimeoutError' || NETWORK_CODES.has(failure.code ?? ''));
  return new MailSendError(
    `SES ${failure.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${failure.message ?? String(error)}`,
    transient && !transportDown,
    { cause: error, transportDown, mayHaveArrived: noReply && !transportDown },
  );
}

const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 256);

export class SesTransport implements MailTransport {
  readonly name = 'ses';

  constructor(private readonly props: SesTransportProps) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId?: string }> {
    const command = new SendEmailCommand({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: [mail.to] },
      Content: { Raw: { Data: mail.raw } },
      ...(this.props.configurationSetName ? { ConfigurationSetName: this.props.configurationSetName } : {}),
      EmailTags: [
        { Name: 'report', Value: tagValue(mail.key.reportId) },
        { Name: 'period', Value: tagValue(mail.key.periodId) },
        { Name: 'audience', Value: tagValue(mail.key.audience) },
      ],
    });
    try {
      const output = await this.props.client.send(command);
      return output.MessageId ? { providerMessageId: output.MessageId } : {};
    } catch (error) {
      throw classifySesError(error);
    }
  }
}
