// The layer rules of docs/design.md fail `npm run lint` when a layer imports what it must not.
// Probe files are written into the real tree (so the package.json aliases and tsconfig resolve as
// they do for the code), cruised with the project's own .dependency-cruiser.cjs, and removed.
// Each probe is valid TypeScript with a name unique to this run, and nothing imports it, so a
// type check or another test running meanwhile is not disturbed.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const RUN = `${process.pid}-${randomUUID().slice(0, 8)}`;

/**
 * Each probe: where it lies, what it imports, and the violations it must (only) give. Imports are
 * type-only (the harder case: they vanish at run time) except in the first, a plain re-export.
 */
const PROBES = [
  {
    path: `functions/core/layer-probe-${RUN}-alias.ts`,
    imports: ['#adapters/store/fs-store.ts'],
    reexport: true,
    expected: ['functions/adapters/store/fs-store.ts core-imports-no-outer-layer'],
  },
  {
    path: `functions/core/layer-probe-${RUN}-relative.ts`,
    imports: ['../cli/main.ts', '../../infra/app-builder.ts'],
    expected: ['functions/cli/main.ts core-imports-no-outer-layer', 'infra/app-builder.ts core-imports-no-outer-layer'],
  },
  {
    path: `functions/core/layer-probe-${RUN}-generator.ts`,
    imports: ['#lakegen/generate-lake.ts'],
    expected: [
      'functions/lakegen/generate-lake.ts core-imports-no-outer-layer',
      'functions/lakegen/generate-lake.ts runtime-imports-no-lake-generator',
    ],
  },
  {
    path: `functions/handlers/layer-probe-${RUN}.ts`,
    imports: ['#cli/main.ts'],
    expected: ['functions/cli/main.ts handler-imports-no-cli'],
  },
  {
    path: `infra/layer-probe-${RUN}.ts`,
    imports: ['#lakegen/generate-lake.ts'],
    expected: ['functions/lakegen/generate-lake.ts infra-imports-no-lake-generator'],
  },
  {
    path: `functions/render/layer-probe-${RUN}-vega-lite.ts`,
    imports: ['vega-lite'],
    expected: ['node_modules/vega-lite/build/index.d.ts only-chart-generator-imports-vega-lite'],
  },
  {
    path: `functions/cli/layer-probe-${RUN}-chartgen.ts`,
    imports: ['#chartgen/vega-templates.ts'],
    expected: ['functions/chartgen/vega-templates.ts runtime-imports-no-chart-generator'],
  },
  {
    // The chart generator compiles Vega-Lite from the render layer's layouts.
    path: `functions/chartgen/layer-probe-${RUN}-allowed.ts`,
    imports: ['vega-lite', '#render/charts/chart-theme.ts'],
    expected: [],
  },
  {
    path: `functions/render/layer-probe-${RUN}.ts`,
    imports: ['juice', 'cheerio'],
    expected: [
      'node_modules/juice/index.js runtime-imports-no-css-inliner',
      'node_modules/cheerio/dist/esm/index.d.ts runtime-imports-no-css-inliner',
    ],
  },
  {
    // What the core may import: itself and the reference data.
    path: `functions/core/layer-probe-${RUN}-allowed.ts`,
    imports: ['#core/errors.ts', '../../reference/index.ts'],
    expected: [],
  },
] as const;

function probeSource(imports: readonly string[], reexport: boolean): string {
  if (reexport) return imports.map((specifier) => `export * from '${specifier}';\n`).join('');
  const lines = imports.map((specifier, i) => `import type * as imported${i} from '${specifier}';`);
  const names = imports.map((_, i) => `typeof imported${i}`).join(', ');
  return `${lines.join('\n')}\nexport type LayerProbe = [${names}];\n`;
}

/** One reported violation: `from → to` broke `rule`. */
interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: string;
}

const VIOLATION_LINE = /^\s*error (\S+): (\S+) → (\S+)$/;

/** Runs dependency-cruiser's CLI as lint:layers does (same config, same report), on the given files. */
function cruise(files: readonly string[]): Promise<{ exitCode: number; violations: Violation[] }> {
  const args = ['--config', '.dependency-cruiser.cjs', ...files];
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  return new Promise((resolve) => {
    execFile('node_modules/.bin/depcruise', args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const lines = stripVTControlCharacters(`${stdout}\n${stderr}`).split('\n');
      const violations = lines.flatMap((line) => {
        const match = VIOLATION_LINE.exec(line);
        return match ? [{ rule: match[1]!, from: match[2]!, to: match[3]! }] : [];
      });
      resolve({ exitCode, violations });
    });
  });
}

describe('the layer rules', () => {
  let outcome: { exitCode: number; violations: Violation[] };

  beforeAll(async () => {
    try {
      for (const probe of PROBES)
        await writeFile(probe.path, probeSource(probe.imports, 'reexport' in probe), { flag: 'wx' });
      outcome = await cruise(PROBES.map((probe) => probe.path));
    } finally {
      await Promise.all(PROBES.map((probe) => rm(probe.path, { force: true })));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(PROBES.map((probe) => rm(probe.path, { force: true })));
  });

  it('are the layer half of npm run lint', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['lint']).toContain('npm run lint:layers');
    expect(scripts['lint:layers']).toMatch(/^depcruise --config \.dependency-cruiser\.cjs functions infra /);
  });

  it('fail the check, with a non-zero exit', () => {
    expect(outcome.exitCode).toBeGreaterThan(0);
  });

  for (const probe of PROBES) {
    const what = probe.expected.length === 0 ? 'allow' : 'catch';
    it(`${what} ${probe.path.replace(RUN, '…')} importing ${probe.imports.join(', ')}`, () => {
      const found = outcome.violations
        .filter((violation) => violation.from === probe.path)
        .map((violation) => `${violation.to} ${violation.rule}`)
        .sort();
      expect(found).toEqual([...probe.expected].sort());
    });
  }
});
