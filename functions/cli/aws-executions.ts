// A long backfill in AWS, paced: at most N executions of the state machine at a time, each
// waited for until it ends, so that Athena's concurrent queries and SES's send rate are never
// exceeded by dozens of periods started at once.
import type { SFNClient } from '@aws-sdk/client-sfn';

/** Executions a backfill in AWS runs at once unless told otherwise (--concurrency). */
export const DEFAULT_BACKFILL_CONCURRENCY = 2;

export interface WaitOptions {
  /** @default 15000 ms between status checks */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until an execution is no longer running; returns its final status (SUCCEEDED, FAILED, ...). */
export async function waitForExecution(
  sfn: SFNClient,
  executionArn: string,
  options: WaitOptions = {},
): Promise<string> {
  const sleep = options.sleep ?? pause;
  // Loaded on use: the backfill command registers (and --help runs) without the AWS SDK.
  const { DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status && status !== 'RUNNING' && status !== 'PENDING_REDRIVE') return status;
    await sleep(options.pollMs ?? 15_000);
  }
}
