// The retrying send: one message to one recipient through the transport, retried with backoff
// (p-retry) for the failures the adapter calls transient, once for the others and for one that
// may have arrived.
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

export interface SendHooks {
  /**
   * Before the first transport call, once the transport is ready for it: marks the claim handed
   * over, or returns false when the message must not go after all (the run is stopping).
   */
  readonly onHandOver: () => Promise<boolean>;
  readonly onFailedAttempt: (attempt: number, reason: string) => void;
}

/**
 * Never throws for the transport's refusal: the result says how many calls were made and what
 * the last failure was. A failure of onHandOver (the ledger) is thrown: nothing was sent.
 * A transport found down is not retried: the use case stops the run instead.
 */
export async function sendWithRetry(
  transport: MailTransport,
  mail: OutgoingMail,
  policy: RetryPolicy,
  hooks: SendHooks,
): Promise<SendResult> {
  let attempts = 0;
  await transport.ready?.();
  if (!(await hooks.onHandOver())) return { attempts: 0 };
  try {
    await pRetry(
      async () => {
        if (attempts > 0) await transport.ready?.();
        attempts += 1;
        await transport.send(mail);
      },
      {
        retries: policy.retries,
        minTimeout: policy.minDelayMs,
        maxTimeout: policy.maxDelayMs,
        randomize: true,
        // A send that may have arrived is never repeated as it was (delivery.ts flags the next one).
        shouldRetry: ({ error }) =>
          error instanceof MailSendError && error.transient && !error.transportDown && !error.mayHaveArrived,
        onFailedAttempt: ({ error, attemptNumber }) => hooks.onFailedAttempt(attemptNumber, describeFailure(error)),
      },
    );
    return { attempts };
  } catch (failure) {
    return { attempts, failure };
  }
}
