// Lambda entry point of the Curate function: wires the SQL writer (Athena over the S3 lake, into
// the curated bucket) from the environment, then runs curateStep. Its errors leave by name and
// alarm (a failed build stays stale; the next event or the hourly catch-up tries again).
import type { Context } from 'aws-lambda';
import { type CurateOutput, type CuratePorts, curateStep } from './steps/curate-step.ts';
import type { CurateConfig } from './support/config.ts';
import type { LambdaLogger } from './support/lambda-logger.ts';
import { errorForStateMachine } from './support/state-error.ts';

export interface CurateDependencies {
  readonly config: CurateConfig;
  /** The SQL writer over this configuration's lake, curated bucket and workgroup. */
  readonly curate: CuratePorts['curate'];
  readonly log: LambdaLogger;
  readonly now?: () => Date;
}

/** The invocation's own time left; without a Lambda context (a test), a whole timeout's worth. */
const FIFTEEN_MINUTES_MS = 15 * 60_000;

export function createCurateHandler(deps: CurateDependencies) {
  return async (event: unknown, context?: Context): Promise<CurateOutput> => {
    deps.log.withContext(context);
    try {
      return await curateStep(event, {
        curate: deps.curate,
        remainingMs: () => context?.getRemainingTimeInMillis() ?? FIFTEEN_MINUTES_MS,
        log: deps.log,
        now: deps.now ?? (() => new Date()),
      });
    } catch (error) {
      deps.log.error('curate failed', {
        errorType: (error as Error).name,
        errorMessage: (error as Error).message,
        errorStack: (error as Error).stack,
      });
      throw errorForStateMachine(error, context);
    }
  };
}
