// Backoff for the Athena engine: throttled API calls are retried with exponential backoff and
// full jitter, and a running query is polled at growing intervals. Athena's API limits are per
// account and shared by every caller, so a burst of parallel metric queries can hit them.

export type Sleep = (ms: number) => Promise<void>;

export const defaultSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BackoffOptions {
  /** @default 6 attempts in all */
  readonly attempts?: number;
  /** @default 500 ms before the first retry (before jitter) */
  readonly baseMs?: number;
  /** @default 8000 ms */
  readonly maxMs?: number;
}

const THROTTLING_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
]);

export function isThrottling(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const candidate = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    THROTTLING_NAMES.has(candidate.name ?? '') ||
    candidate.$metadata?.httpStatusCode === 429 ||
    candidate.$retryable?.throttling === true
  );
}

/** Runs `call`, retrying only throttling errors; any other error, or the last throttle, is thrown. */
export async function retryThrottled<T>(
  call: () => Promise<T>,
  options: BackoffOptions & { sleep: Sleep; random?: () => number },
): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseMs ?? 500;
  const max = options.maxMs ?? 8000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= attempts) throw error;
      const ceiling = Math.min(max, base * 2 ** (attempt - 1));
      await options.sleep(Math.round(ceiling / 2 + (random() * ceiling) / 2));
    }
  }
}

export interface PollingOptions {
  /** @default 250 ms before the first status check */
  readonly initialMs?: number;
  /** @default 5000 ms between checks at most */
  readonly maxMs?: number;
  /** @default 1.5 */
  readonly factor?: number;
  /** Give up (and stop the query) after this long. @default 540000 ms (9 minutes) */
  readonly timeoutMs?: number;
}

/** The waits between status checks: initial, initial*factor, ... capped at maxMs. */
export function* pollingDelays(options: PollingOptions = {}): Generator<number, never> {
  const max = options.maxMs ?? 5000;
  const factor = options.factor ?? 1.5;
  let delay = options.initialMs ?? 250;
  for (;;) {
    yield Math.round(delay);
    delay = Math.min(max, delay * factor);
  }
}
