// Loads a TypeScript entry point from an esbuild bundle kept in .bundle/, rebuilt when a file it
// was built from changes. A process that starts from the bundle loads its code and packages in
// about 40 % of the time of tsx, whose loader hooks resolve and transform each of some 300
// modules on every start (docs/performance.md, "The CLI loads from a bundle", "Module loading").
// Without esbuild (a production install), where the folder cannot be written, or with
// MNP_BUNDLE=off, the sources run through tsx.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Built together, so that they share chunks; an entry outside this list runs through tsx. */
export const BUNDLED_ENTRIES = ['functions/cli/main.ts', 'bench/one-run.ts'];

// Files the code reads beside itself (`new URL('./x', import.meta.url)`), copied next to the chunks.
const FILES_BESIDE_CODE = ['functions/render/charts/raster-worker.cjs'];
// Loaded from node_modules as they are: see build().
const UNBUNDLED_PACKAGES = [
  '@duckdb/node-bindings*',
  '@resvg/*',
  'piscina',
  '@aws-sdk/*',
  '@smithy/*',
  'esbuild',
  'tsx',
  'playwright-core',
];
// Not in the module graph, yet they decide how it resolves and compiles.
const BUILD_INPUTS = ['package.json', 'tsconfig.json', 'bin/bundled.js'];
// A process started from an older build may import its lazy chunks long after (a backfill, a
// watch): an earlier build's files are removed a day after they were written, not at a rebuild.
const OLD_OUTPUT_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * The entry's module, from the bundle when it can be had, else through tsx.
 * `root` and `outDir` are for the tests; the bundle lies one folder below the root, so that
 * functions/asset-root.ts ('../' of a chunk) finds the repository's files as it does from source.
 */
export async function importEntry(entry, { root = REPO_ROOT, outDir = join(root, '.bundle') } = {}) {
  const bundled = process.env.MNP_BUNDLE !== 'off' && BUNDLED_ENTRIES.includes(entry);
  const file = bundled ? await bundledFileOf(entry, root, outDir) : undefined;
  if (file) return import(pathToFileURL(file).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(resolve(root, entry)).href);
}

async function bundledFileOf(entry, root, outDir) {
  const current = freshManifest(root, outDir) ?? (await build(root, outDir));
  const output = current?.entries[entry];
  return output ? join(outDir, output) : undefined;
}

function stampOf(root, path) {
  const stats = statSync(join(root, path));
  return `${stats.size}:${stats.mtimeMs}`;
}

/** The manifest of the last build, if every file it was built from is as it was then. */
function freshManifest(root, outDir) {
  try {
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8'));
    for (const [path, stamp] of Object.entries(manifest.inputs)) if (stampOf(root, path) !== stamp) return undefined;
    return manifest;
  } catch {
    return undefined; // none yet, unreadable, or an input gone: build
  }
}

/** Builds every entry; undefined where it cannot, so that the caller runs the sources instead. */
async function build(root, outDir) {
  try {
    const esbuild = await import('esbuild');
    const started = Date.now();
    const result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: BUNDLED_ENTRIES.filter((entry) => existsSync(join(root, entry))),
      outdir: outDir,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // The packages are bundled too: Node's loader resolving, reading and (for CommonJS)
      // scanning some 500 package files cost about 0.25 s of each start, DuckDB's client alone
      // about 180 files. Left out: native code (DuckDB's bindings, resvg), piscina (it finds
      // its worker file beside its own), the AWS SDK (its clients load only on the AWS paths),
      // and the build tools.
      external: UNBUNDLED_PACKAGES,
      // CommonJS inside an ESM chunk still calls require() (Node's built-ins, the externals).
      banner: {
        js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
      },
      // Error classes are told apart by name (the state machine's retries, the CLI's exit codes).
      keepNames: true,
      // Content-hashed names: concurrent builds write the same bytes, and a rebuild never
      // replaces a chunk that a running process may still import.
      entryNames: '[name]-[hash]',
      chunkNames: 'chunk-[hash]',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    mkdirSync(outDir, { recursive: true });
    const written = new Set(['manifest.json']);
    const entries = {};
    for (const output of result.outputFiles) {
      const name = basename(output.path);
      written.add(name);
      if (!existsSync(output.path)) writeAtomically(output.path, output.contents);
    }
    for (const [path, meta] of Object.entries(result.metafile.outputs))
      if (meta.entryPoint) entries[meta.entryPoint] = basename(path);
    for (const file of FILES_BESIDE_CODE) {
      written.add(basename(file));
      writeAtomically(join(outDir, basename(file)), readFileSync(join(root, file)));
    }
    const inputs = {};
    for (const path of [...Object.keys(result.metafile.inputs), ...BUILD_INPUTS, ...FILES_BESIDE_CODE])
      if (existsSync(join(root, path))) inputs[path] = stampOf(root, path);
    const manifest = { builtAt: new Date(started).toISOString(), entries, inputs };
    writeAtomically(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
    removeOldOutputs(outDir, written);
    return manifest;
  } catch {
    return undefined; // no esbuild, a read-only checkout, or code tsx will report better
  }
}

function writeAtomically(path, contents) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

function removeOldOutputs(outDir, written) {
  const now = Date.now();
  for (const name of readdirSync(outDir)) {
    if (written.has(name)) continue;
    const path = join(outDir, name);
    if (now - statSync(path).mtimeMs > OLD_OUTPUT_KEPT_MS) rmSync(path, { force: true });
  }
}
