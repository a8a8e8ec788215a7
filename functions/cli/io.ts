// Where the command writes: people read stdout, scripts read --json on stdout, logs and errors
// go to stderr. Injected so that tests can run the command in-process.
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTty: boolean;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: process.stdout.isTTY === true,
};

export function bufferIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, isTty: false, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}
