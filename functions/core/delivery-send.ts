// The retrying send: one message to one recipient through the transport, retried with backoff
// (p-retry) for the failures the adapter calls transient, once for the others.
import pRetry from 'p-retry';
import { describeFailure } from './address-masking.ts';
import { MailSendError, type MailTransport, type OutgoingMail } from './delivery-ports.ts';

export interface RetryPolicy {
  /** Retries after the first attempt, for transient failures only. */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, minDelayMs: 1_000, maxDelayMs: 30_000 };

export interface SendResult {
  /** Transport calls made. */
  readonly attempts: number;
  /** The last failure, when the message was not accepted. */
  readonly failure?: unknown;
}

/** Never throws: the result says how many calls were made and what the last failure was. */
export async function sendWithRetry(
  transport: MailTransport,
  mail: OutgoingMail,
  policy: RetryPolicy,
  onFailedAttempt: (attempt: number, reason: string) => void,
): Promise<SendResult> {
  let attempts = 0;
  try {
    await pRetry(
      async () => {
        attempts += 1;
        await transport.send(mail);
      },
      {
        retries: policy.retries,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof MailSendError && error.transient,
        onFailedAttempt: ({ error, attemptNumber }) => onFailedAttempt(attemptNumber, describeFailure(error)),
      },
    );
    return { attempts };
  } catch (failure) {
    return { attempts, failure };
  }
}
