// What an error carries out of a Lambda into the state machine: its name (Retry and Catch match
// on it), a one-line reason, and where the whole story is logged. Left alone, the runtime puts
// the message and the stack trace into the Cause, which the execution then carries in its state
// for each of up to 31 audiences and which Record writes into status.json.
import type { Context } from 'aws-lambda';

/** Longest reason kept; the rest is in the log line the pointer names. */
export const MAX_REASON_CHARS = 300;

export type LogPointer = Pick<Context, 'logGroupName' | 'awsRequestId'>;

/** The first line of the message, shortened, and "(log <group>, request <id>)". */
export function oneLineReason(error: Error, context?: LogPointer): string {
  const firstLine = error.message.split('\n', 1)[0]!.trim();
  const reason = firstLine.length > MAX_REASON_CHARS ? `${firstLine.slice(0, MAX_REASON_CHARS - 1)}…` : firstLine;
  return context ? `${reason} (log ${context.logGroupName}, request ${context.awsRequestId})` : reason;
}

/** An error of the same name with a one-line reason and a stack of that one line only. */
export function errorForStateMachine(thrown: unknown, context?: LogPointer): Error {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const trimmed = new Error(oneLineReason(error, context));
  trimmed.name = error.name;
  // The runtime sends the stack's lines as the trace: keep only the line that names the error.
  trimmed.stack = `${trimmed.name}: ${trimmed.message}`;
  return trimmed;
}
