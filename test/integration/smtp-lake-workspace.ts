// The hand-made lake and an SMTP server on loopback, in a temporary folder, and the real CLI run
// against them: the workspace of the tests that take a report through the CLI to a mail server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type CliOutcome, runCli } from '../support/run-cli.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from './mail-smtp-server.ts';

export interface SmtpLakeWorkspace {
  readonly workDir: string;
  readonly lakeDir: string;
  readonly smtp: LoopbackSmtp;
  /** The CLI over the lake, archiving in outDir, mailing through the server (200 messages a second). */
  cli(outDir: string, ...args: string[]): Promise<CliOutcome>;
  remove(): Promise<void>;
}

export async function openSmtpLakeWorkspace(name: string): Promise<SmtpLakeWorkspace> {
  const workDir = await mkdtemp(join(tmpdir(), `mnp-${name}-`));
  const lakeDir = join(workDir, 'lake');
  const [smtp] = await Promise.all([startLoopbackSmtp(), writeHandMadeLake(lakeDir)]);
  return {
    workDir,
    lakeDir,
    smtp,
    cli: (outDir, ...args) =>
      runCli([
        ...args,
        '--lake',
        lakeDir,
        '--out',
        outDir,
        '--transport',
        'smtp',
        '--smtp-url',
        smtp.url,
        '--rate',
        '200',
      ]),
    async remove() {
      await smtp.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
