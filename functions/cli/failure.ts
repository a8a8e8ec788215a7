// Turns any failure into one line on stderr and an exit code: never a stack trace (unless
// --verbose asks for the chain of causes).
import {
  ConfigurationError,
  DataNotReadyError,
  DeliveryError,
  FiguresChangedError,
  LakeNotFoundError,
  MnpError,
  OverdueReportsError,
  PeriodError,
} from '#core/errors.ts';
import { awsSetupHint } from './aws-setup.ts';
import { ExitCode, type ExitCodeValue } from './exit-codes.ts';
import type { CliIo } from './io.ts';

export function exitCodeOf(error: unknown): ExitCodeValue {
  if (awsSetupHint(error)) return ExitCode.USAGE;
  if (error instanceof PeriodError || error instanceof ConfigurationError || error instanceof LakeNotFoundError)
    return ExitCode.USAGE;
  if (error instanceof DataNotReadyError) return ExitCode.HELD;
  if (error instanceof DeliveryError) return ExitCode.DELIVERY_FAILED;
  if (error instanceof FiguresChangedError) return ExitCode.FIGURES_CHANGED;
  if (error instanceof OverdueReportsError) return ExitCode.OVERDUE;
  return ExitCode.FAILED;
}

export function reportFailure(error: unknown, io: CliIo, verbose = false): ExitCodeValue {
  const hint = awsSetupHint(error);
  const message = hint ?? (error instanceof Error ? error.message : String(error));
  const prefix = error instanceof MnpError || hint ? '' : 'unexpected error: ';
  io.err(`mnp-briefings: ${prefix}${message.split('\n')[0]}`);
  if (verbose) {
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) io.err(cause.stack ?? cause.message);
  }
  return exitCodeOf(error);
}
