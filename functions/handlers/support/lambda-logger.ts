// The Logger port over Powertools Logger: JSON lines in the shape the local logger writes
// (level, message, timestamp, service, fields), with the Lambda context (request id, cold
// start) added per invocation. Email addresses are masked, as in local logs.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { maskEmail } from '#adapters/log/json-logger.ts';
import type { Logger } from '#core/ports.ts';

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskEmail(value);
  if (Array.isArray(value)) return value.map(masked);
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, masked(inner)]));
  }
  return value;
}

export interface LambdaLogger extends Logger {
  /** Adds the invocation's request id and cold-start flag to the lines that follow. */
  withContext(context: Context | undefined): void;
}

/** POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL (set by the stack) configure it. */
export function createLambdaLogger(serviceName = 'mnp-briefings'): LambdaLogger {
  const logger = new PowertoolsLogger({ serviceName });
  const fields = (extra?: Record<string, unknown>) => masked(extra ?? {}) as Record<string, unknown>;
  return {
    info: (message, extra) => logger.info(maskEmail(message), fields(extra)),
    warn: (message, extra) => logger.warn(maskEmail(message), fields(extra)),
    error: (message, extra) => logger.error(maskEmail(message), fields(extra)),
    withContext(context) {
      if (context) logger.addContext(context);
    },
  };
}
