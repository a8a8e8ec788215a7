// Runs the CLI in-process, as a user would from a shell, and keeps what it printed.
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';

export interface CliOutcome {
  readonly code: number;
  /** stdout's lines, joined with newlines. */
  readonly stdout: string;
  /** stderr's lines, joined with newlines. */
  readonly stderr: string;
}

export async function runCli(args: readonly string[]): Promise<CliOutcome> {
  const io = bufferIo();
  const code = await main([...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}
