// An archive folder that cannot be written is named as such: Node's recursive mkdir reports
// ENOENT on a read-only file system, which sent operators looking for a folder that exists.
// As root, a read-only bind mount (where mount is allowed); otherwise a folder without write permission.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsReportStore } from '#adapters/store/fs-store.ts';

let root: string;
let readOnly: string | undefined;
let mounted = false;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-readonly-'));
  const source = join(root, 'source');
  const out = join(root, 'out');
  await mkdir(source);
  await mkdir(out);
  if (process.getuid?.() !== 0) {
    await chmod(out, 0o555);
    readOnly = out;
    return;
  }
  try {
    execFileSync('mount', ['--bind', source, out], { stdio: 'ignore' });
    mounted = true;
    execFileSync('mount', ['-o', 'remount,ro,bind', out], { stdio: 'ignore' });
    readOnly = out;
  } catch {
    // root without the right to mount (a container): nothing here is read-only to root
  }
});

afterAll(async () => {
  if (mounted) execFileSync('umount', [join(root, 'out')], { stdio: 'ignore' });
  await chmod(join(root, 'out'), 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

describe('the file archive on a folder it cannot write', () => {
  it('says which folder cannot be written and why', async (context) => {
    if (!readOnly) context.skip('running as root where mount is not allowed: no folder is read-only to root');
    const store = new FsReportStore(readOnly!);

    await expect(store.put('hq-weekly/2019-W48/hq/briefing.json', '{}')).rejects.toThrow(
      new RegExp(`could not write .*briefing\\.json: ${readOnly} cannot be written \\((EROFS|EACCES): a read-only`),
    );
  });
});
