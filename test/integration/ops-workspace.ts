// A workspace for the operations tests: a small generated lake of two months (weeks 2019-W45 to
// 2019-W52, months 2019-11 and 2019-12), an output folder per test, and the CLI run in-process.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { generateLake } from '#lakegen/generate-lake.ts';

export interface CliOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface OpsWorkspace {
  readonly root: string;
  readonly lakeDir: string;
  /** Runs the CLI with --lake and --recipients filled in where the command takes them. */
  cli(...args: string[]): Promise<CliOutcome>;
  /** The .eml files the file transport wrote under an output folder, as paths relative to it. */
  outboxFiles(outDir: string): Promise<string[]>;
  remove(): Promise<void>;
}

const TAKES_LAKE = new Set(['run', 'rerun', 'backfill', 'preview']);

export async function openOpsWorkspace(): Promise<OpsWorkspace> {
  const root = await mkdtemp(join(tmpdir(), 'mnp-ops-'));
  const lakeDir = join(root, 'lake');
  await generateLake({
    lakeDir,
    from: '2019-11-01',
    to: '2019-12-31',
    seed: 7,
    scale: 0.2,
    onProgress: () => undefined,
  });
  return {
    root,
    lakeDir,
    async cli(...args) {
      const io = bufferIo();
      const extra = TAKES_LAKE.has(args[0]!)
        ? ['--lake', lakeDir, '--recipients', resolve('config/recipients.json')]
        : [];
      const code = await main([...args, ...extra], io);
      return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
    },
    async outboxFiles(outDir) {
      const entries = await readdir(outDir, { recursive: true }).catch(() => [] as string[]);
      return entries.filter((entry) => entry.endsWith('.eml') && entry.split('/').includes('outbox')).sort();
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
