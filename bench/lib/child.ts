// Runs one measured iteration (bench/one-run.ts) in a fresh Node process and reads its result.
import { spawn } from 'node:child_process';

export interface ChildResult<T> {
  readonly ok: boolean;
  /** From spawn to exit, ms: Node start, module loading and the work. */
  readonly processMs: number;
  readonly result?: T;
  /** The child's stderr, for a failed run's message and the warnings it logged. */
  readonly stderr: string;
  readonly code: number | null;
}

const RESULT_PREFIX = 'BENCH-RESULT ';

export function runChild<T>(repoRoot: string, mode: string, args: readonly string[]): Promise<ChildResult<T>> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/one-run.ts', mode, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const processMs = performance.now() - started;
      const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESULT_PREFIX));
      const result = line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as T) : undefined;
      resolve({ ok: code === 0 && result !== undefined, processMs, ...(result ? { result } : {}), stderr, code });
    });
  });
}

/** Distinct warning messages a child logged (JSON log lines on stderr), for the record. */
export function warningsOf(stderr: string): string[] {
  const found = new Set<string>();
  for (const line of stderr.split('\n')) {
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string; warning?: string };
      if (entry.level === 'WARN' || entry.level === 'ERROR')
        found.add(`${entry.message}${entry.warning ? `: ${entry.warning.replace(/\d+ bytes/g, 'N bytes')}` : ''}`);
    } catch {
      // not a log line
    }
  }
  return [...found];
}
