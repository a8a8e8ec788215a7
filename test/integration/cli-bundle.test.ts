// bin/bundled.js: the CLI loads from an esbuild bundle that is rebuilt when a file it was built
// from changes, and runs its sources through tsx with MNP_BUNDLE=off. Each load runs in its own
// Node process, as the CLI does, on a small repository of its own.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BUNDLED_JS = pathToFileURL(resolve('bin/bundled.js')).href;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-bundle-'));
  await mkdir(join(root, 'functions/cli'), { recursive: true });
  await mkdir(join(root, 'functions/render/charts'), { recursive: true });
  await writeFile(join(root, 'package.json'), '{ "type": "module" }\n');
  // The repository's packages: commander is CommonJS (bundled, its require() of Node's
  // built-ins kept working), piscina is one the bundle leaves in node_modules.
  await symlink(resolve('node_modules'), join(root, 'node_modules'), 'dir');
  await writeFile(
    join(root, 'functions/cli/main.ts'),
    [
      "import { Command } from 'commander';",
      "import { Piscina } from 'piscina';",
      "import { greeting } from './greeting.ts';",
      'export const loadedFrom: string = import.meta.url;',
      "export const packages: string = new Command('fixture').name() + ' ' + typeof Piscina;",
      'export { greeting };',
      '',
    ].join('\n'),
  );
  await writeFile(join(root, 'functions/cli/greeting.ts'), "export const greeting: string = 'first';\n");
  await writeFile(join(root, 'functions/render/charts/raster-worker.cjs'), 'module.exports = () => 1;\n');
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Loads the fixture's CLI entry in a fresh process: where its code came from, and what it says. */
async function load(
  env: Record<string, string> = {},
): Promise<{ loadedFrom: string; greeting: string; packages: string }> {
  const script = `import { importEntry } from ${JSON.stringify(BUNDLED_JS)};
const entry = await importEntry('functions/cli/main.ts', { root: ${JSON.stringify(root)} });
console.log(JSON.stringify({ loadedFrom: entry.loadedFrom, greeting: entry.greeting, packages: entry.packages }));`;
  // From the repository, so that tsx and esbuild resolve from its node_modules.
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: process.cwd(),
    env: { ...process.env, MNP_BUNDLE: '', ...env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

const manifestOf = async () =>
  JSON.parse(await readFile(join(root, '.bundle/manifest.json'), 'utf8')) as {
    entries: Record<string, string>;
    inputs: Record<string, string>;
  };

describe('the CLI bundle', () => {
  it('is built on the first start, with the files it was built from, and loaded from', async () => {
    const first = await load();
    expect(first.greeting).toBe('first');
    expect(first.loadedFrom).toContain('/.bundle/main-');
    const manifest = await manifestOf();
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining([
        'functions/cli/main.ts',
        'functions/cli/greeting.ts',
        'functions/render/charts/raster-worker.cjs',
        'package.json',
      ]),
    );
    // The file the code reads beside itself lies beside the chunks.
    expect(await readdir(join(root, '.bundle'))).toContain('raster-worker.cjs');
  });

  it('holds the packages, but for those left in node_modules, and both work', async () => {
    const loaded = await load();
    expect(loaded.packages).toBe('fixture function');
    const inputs = Object.keys((await manifestOf()).inputs);
    // A package's files are inputs like the sources: an npm install that changes them rebuilds.
    expect(inputs.some((path) => path.includes('node_modules/commander/'))).toBe(true);
    expect(inputs.some((path) => path.includes('node_modules/piscina/'))).toBe(false);
  });

  it('is not rebuilt while its sources are unchanged', async () => {
    const before = await stat(join(root, '.bundle/manifest.json'));
    const again = await load();
    expect(again.greeting).toBe('first');
    expect((await stat(join(root, '.bundle/manifest.json'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('is rebuilt when a module it imports changes, even to a file of the same size', async () => {
    const greetingFile = join(root, 'functions/cli/greeting.ts');
    const entryBefore = (await manifestOf()).entries['functions/cli/main.ts'];
    await writeFile(greetingFile, "export const greeting: string = 'other';\n");
    // Same size as before: only the modification time tells (set ahead, as an editor's save would be).
    const later = new Date(Date.now() + 5_000);
    await utimes(greetingFile, later, later);
    const changed = await load();
    expect(changed.greeting).toBe('other');
    expect((await manifestOf()).entries['functions/cli/main.ts']).not.toBe(entryBefore);
    // The earlier build's entry stays for a process that may still load its chunks.
    expect(await readdir(join(root, '.bundle'))).toContain(entryBefore);
  });

  it('runs the sources through tsx with MNP_BUNDLE=off', async () => {
    const fromSource = await load({ MNP_BUNDLE: 'off' });
    expect(fromSource.loadedFrom).toBe(pathToFileURL(join(root, 'functions/cli/main.ts')).href);
    expect(fromSource.greeting).toBe('other');
  });
});
