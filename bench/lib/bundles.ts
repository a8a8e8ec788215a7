// Lambda bundle sizes and module load times. If a synthesised cdk.out/ exists its assets are
// listed too; the measured bundles are built here with esbuild's JS API in two variants:
//   deployed      the options of infra/constructs/briefing-function.ts (the AWS SDK inside the
//                 bundle, names kept, the createRequire banner, native packages left external;
//                 resolved from the working directory, so run it from the root)
//   sdk-external  the same with the AWS SDK left to the Lambda runtime's copy (what the bundle
//                 would weigh with bundleAwsSDK: false)
// Each bundle's import() is then timed in fresh Node processes.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import {
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
  UNREACHED_CREDENTIAL_PROVIDERS,
} from '../../infra/constructs/briefing-function.ts';
import { type Summary, summarise } from './stats.ts';

const run = promisify(execFile);

export const BUNDLE_VARIANTS = ['deployed', 'sdk-external'] as const;
export type BundleVariant = (typeof BUNDLE_VARIANTS)[number];

export interface BundleResult {
  readonly handler: string;
  readonly variant: BundleVariant;
  readonly bytes: number;
  /** import() of the bundle in a fresh process, ms. */
  readonly importMs: Summary;
  /** The whole fresh process (node start, import, exit), ms. */
  readonly processMs: Summary;
  readonly external: readonly string[];
  /** The packages (or source folders) that weigh most in the bundle, bytes of output. */
  readonly heaviest: readonly { readonly source: string; readonly bytes: number }[];
}

export interface BundleReport {
  readonly handlersDir: string;
  readonly found: boolean;
  readonly cdkOutAssets?: readonly { asset: string; bytes: number }[];
  readonly bundles: readonly BundleResult[];
  /** Files copied beside a bundle (runtime files and native packages), bytes, per handler. */
  readonly besideBundle: Record<string, number>;
}

/** Left out of every bundle: native packages (infra copies them beside it) and the unreached credential providers. */
const NATIVE = ['@resvg/resvg-js', '@duckdb/*', ...UNREACHED_CREDENTIAL_PROVIDERS];
/** What infra copies beside each handler's bundle (see infra/stacks/briefings-stack.ts). */
const BESIDE: Record<string, readonly string[]> = {
  'prepare.ts': ['functions/sql/metrics', 'functions/sql/fragments'],
  'deliver.ts': ['templates', 'assets', 'node_modules/@resvg/resvg-js', 'node_modules/@resvg/resvg-js-linux-x64-gnu'],
};

async function bytesOf(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path)) total += await bytesOf(join(path, entry));
  return total;
}

async function cdkOutAssets(repoRoot: string): Promise<{ asset: string; bytes: number }[] | undefined> {
  const dir = join(repoRoot, 'cdk.out');
  if (!existsSync(dir)) return undefined;
  const assets: { asset: string; bytes: number }[] = [];
  for (const entry of await readdir(dir)) {
    const bundle = join(dir, entry, 'index.mjs');
    if (entry.startsWith('asset.') && existsSync(bundle))
      assets.push({ asset: entry, bytes: (await stat(bundle)).size });
  }
  return assets;
}

/** node_modules/@scope/name/... -> @scope/name; functions/render/... -> functions/render. */
function sourceOf(input: string): string {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return parts.slice(0, 2).join('/');
  const name = parts[at + 1] ?? '';
  return name.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
}

function heaviestSources(metafile: Metafile, top: number): { source: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const source = sourceOf(input);
      bytes.set(source, (bytes.get(source) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes.entries()]
    .map(([source, size]) => ({ source, bytes: size }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
}

interface BuiltBundle {
  readonly file: string;
  readonly bytes: number;
  readonly external: string[];
  readonly heaviest: { source: string; bytes: number }[];
}

async function bundle(repoRoot: string, handler: string, variant: BundleVariant, outDir: string): Promise<BuiltBundle> {
  const external = variant === 'sdk-external' ? [...NATIVE, '@aws-sdk/*'] : NATIVE;
  const file = join(outDir, `${handler.replace(/\.ts$/, '')}-${variant}`, 'index.mjs');
  await rm(join(file, '..'), { recursive: true, force: true });
  const { metafile } = await build({
    metafile: true,
    entryPoints: [join(repoRoot, 'functions/handlers', handler)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    banner: { js: ESM_REQUIRE_BANNER },
    external,
    tsconfig: join(repoRoot, 'tsconfig.json'),
    outfile: file,
    logLevel: 'error',
  });
  if (!metafile) throw new Error(`esbuild gave no metafile for ${handler}`);
  return { file, bytes: (await stat(file)).size, external, heaviest: heaviestSources(metafile, 8) };
}

const IMPORT_PROBE =
  'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

async function timeImports(file: string, repeats: number): Promise<{ importMs: Summary; processMs: Summary }> {
  const imports: number[] = [];
  const processes: number[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const started = performance.now();
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', IMPORT_PROBE, pathToFileURL(file).href],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    processes.push(performance.now() - started);
    imports.push(Number(stdout));
  }
  return { importMs: summarise(imports), processMs: summarise(processes) };
}

export async function measureBundles(
  repoRoot: string,
  cacheDir: string,
  repeats: number,
  say: (line: string) => void,
): Promise<BundleReport> {
  const handlersDir = join(repoRoot, 'functions/handlers');
  if (!existsSync(handlersDir)) return { handlersDir, found: false, bundles: [], besideBundle: {} };
  const handlers = (await readdir(handlersDir)).filter((name) => name.endsWith('.ts')).sort();
  const outDir = resolve(cacheDir, 'bundles');
  await mkdir(outDir, { recursive: true });
  const bundles: BundleResult[] = [];
  for (const handler of handlers) {
    for (const variant of BUNDLE_VARIANTS) {
      const built = await bundle(repoRoot, handler, variant, outDir);
      const timing = await timeImports(built.file, repeats);
      bundles.push({
        handler,
        variant,
        bytes: built.bytes,
        external: built.external,
        heaviest: built.heaviest,
        ...timing,
      });
      say(
        `  ${handler} (${variant}): ${(built.bytes / 1024).toFixed(0)} KiB, import ${timing.importMs.median.toFixed(0)} ms`,
      );
    }
  }
  const besideBundle: Record<string, number> = {};
  for (const handler of handlers) {
    let total = 0;
    for (const path of BESIDE[handler] ?? [])
      if (existsSync(join(repoRoot, path))) total += await bytesOf(join(repoRoot, path));
    besideBundle[handler] = total;
  }
  const cdkOut = await cdkOutAssets(repoRoot);
  await writeFile(join(outDir, 'README.txt'), 'Bundles built by bench/run-bench.ts; safe to delete.\n');
  return { handlersDir, found: true, ...(cdkOut ? { cdkOutAssets: cdkOut } : {}), bundles, besideBundle };
}
