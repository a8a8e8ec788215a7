// The command as a shell runs it, its output piped into a reader that stops early (`| head`):
// the pipe closes under the writes still to come, which is the end of the output, not a failure.
// It used to end in an unhandled EPIPE stack trace and exit 1.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function firstChunkOf(args: readonly string[]): Promise<{ code: number | null; stderr: string; read: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mnp-briefings.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let read = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', (chunk: Buffer) => {
      read = chunk.toString();
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr, read }));
  });
}

describe('output piped into a reader that stops early', () => {
  it('ends quietly with the command’s own exit code', async () => {
    const { code, stderr, read } = await firstChunkOf(['recipients']);

    expect(read.length).toBeGreaterThan(0);
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  }, 60_000);
});
