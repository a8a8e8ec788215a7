// A query engine that retries transient failures with exponential backoff and jitter (p-retry),
// wrapped around any other engine. Athena retries its own API throttling (athena-retry.ts);
// this wrapper is for whole metric queries: a lake file busy while a loader replaces it, too
// many open files, a throttled or briefly unreachable engine. Anything else (a schema that
// breaks the data contract, an SQL error) fails at once, as before. After the last retry the
// query fails with a QueryError that says how many attempts were made, so the run stops before
// anything is archived or sent from partial results.
import pRetry from 'p-retry';
import { LakeError, QueryError } from '#core/errors.ts';
import type { MetricQueryName, QueryEngine, QueryParameters, QueryRow } from '#core/ports.ts';
import { isThrottling } from './athena-retry.ts';

export interface EngineRetryOptions {
  /** Retries after the first attempt. @default 3 */
  readonly retries?: number;
  /** @default 500 */
  readonly minDelayMs?: number;
  /** @default 8000 */
  readonly maxDelayMs?: number;
  /** Which failures are worth another attempt. @default isTransientEngineError */
  readonly isTransient?: (error: unknown) => boolean;
  /** Called before each retry, e.g. to log it. */
  readonly onRetry?: (event: { name: MetricQueryName; attempt: number; retriesLeft: number; error: string }) => void;
}

const TRANSIENT_CODES = new Set([
  'EBUSY',
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);
/** DuckDB's words for a read that failed on the way, not on the data. */
const TRANSIENT_MESSAGE =
  /^IO Error: .*(Resource temporarily unavailable|Too many open files|Device or resource busy|Interrupted system call)/m;

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 8;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
  }
  return chain;
}

/** Throttling, an errno a retry can outlast, or an error that says itself it is transient. */
export function isTransientEngineError(error: unknown): boolean {
  // A lake that breaks the contract stays broken: retrying would only delay the message.
  if (error instanceof LakeError) return false;
  return causes(error).some((link) => {
    if (!link || typeof link !== 'object') return false;
    const candidate = link as { code?: unknown; transient?: unknown; retryable?: unknown; message?: unknown };
    return (
      isThrottling(link) ||
      candidate.transient === true ||
      candidate.retryable === true ||
      (typeof candidate.code === 'string' && TRANSIENT_CODES.has(candidate.code)) ||
      (typeof candidate.message === 'string' && TRANSIENT_MESSAGE.test(candidate.message))
    );
  });
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

export function retryingEngine(inner: QueryEngine, options: EngineRetryOptions = {}): QueryEngine {
  const retries = options.retries ?? 3;
  const isTransient = options.isTransient ?? isTransientEngineError;
  return {
    async runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
      let attempts = 0;
      try {
        return await pRetry(
          () => {
            attempts += 1;
            return inner.runMetric(name, parameters);
          },
          {
            retries,
            minTimeout: options.minDelayMs ?? 500,
            maxTimeout: options.maxDelayMs ?? 8000,
            randomize: true,
            shouldRetry: ({ error }) => isTransient(error),
            onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
              if (retriesLeft > 0 && isTransient(error))
                options.onRetry?.({ name, attempt: attemptNumber, retriesLeft, error: firstLine(error) });
            },
          },
        );
      } catch (error) {
        if (attempts <= 1 || !isTransient(error)) throw error;
        throw new QueryError(`query ${name} failed after ${attempts} attempts: ${firstLine(error)}`, name, {
          cause: error,
        });
      }
    },
    close: () => inner.close(),
  };
}
