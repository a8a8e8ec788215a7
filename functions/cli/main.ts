// The mnp-briefings command: parses arguments, runs one command, maps the outcome to an exit code.
import { Command, CommanderError } from 'commander';
import { registerBackfill } from './commands/backfill.ts';
import { registerCheck } from './commands/check.ts';
import { registerCurate } from './commands/curate.ts';
import { registerDemo } from './commands/demo.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerPreview } from './commands/preview.ts';
import { registerRecipients } from './commands/recipients.ts';
import { registerRerun } from './commands/rerun.ts';
import { registerRun } from './commands/run.ts';
import { registerStatus } from './commands/status.ts';
import { registerValidate } from './commands/validate.ts';
import { ExitCode } from './exit-codes.ts';
import { reportFailure } from './failure.ts';
import { type CliIo, processIo } from './io.ts';

export function buildProgram(io: CliIo): Command {
  const program = new Command('mnp-briefings')
    .description('Number-portability briefings: headquarters weekly, provincial monthly guidance, operations')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd()),
      // one line as every other failure reads: "mnp-briefings: unknown option '--x'"
      outputError: (text, write) => write(`mnp-briefings: ${text.replace(/^error: /, '')}`),
    });
  registerDemo(program, io);
  registerGenerate(program, io);
  registerCurate(program, io);
  registerRun(program, io);
  registerRerun(program, io);
  registerBackfill(program, io);
  registerPreview(program, io);
  registerStatus(program, io);
  registerRecipients(program, io);
  registerValidate(program, io);
  registerCheck(program, io);
  return program;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    return reportFailure(error, io, argv.includes('--verbose'));
  }
}
