// The CLI starts fast for --help and argument errors: DuckDB and the chart rasteriser (native
// addons, the heaviest loads) are not loaded for them. Measured here: 4.8 s before, 1.8-2.2 s
// after on this 2-core machine; the test checks what is loaded, not the clock.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function nativeAddonsAfter(args: readonly string[]): { code: number; addons: string[] } {
  const script = `
    import { register } from 'tsx/esm/api';
    register();
    const { main } = await import('./functions/cli/main.ts');
    const quiet = { out() {}, err() {}, isTty: false };
    const code = await main(${JSON.stringify(args)}, quiet);
    const addons = process.report.getReport().sharedObjects.filter((path) => path.endsWith('.node'));
    console.log(JSON.stringify({ code, addons }));
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!);
}

describe('the CLI start', () => {
  it.each([
    [['--help'], 0],
    [['run', '--help'], 0],
    [['run', '--report', 'nope'], 2],
    [['status', '--state', 'lost'], 2],
  ])(
    'loads no native addon for %j',
    (args, code) => {
      const result = nativeAddonsAfter(args);

      expect(result.code).toBe(code);
      expect(result.addons.filter((path) => /duckdb|resvg/.test(path))).toEqual([]);
    },
    60_000,
  );

  it('sees DuckDB once a command needs it (so the checks above can fail)', () => {
    const lake = join(tmpdir(), `mnp-startup-${process.pid}`);
    try {
      const result = nativeAddonsAfter([
        'generate',
        '--lake',
        lake,
        '--from',
        '2019-11-01',
        '--to',
        '2019-11-01',
        '--scale',
        '0.01',
      ]);

      expect(result.code).toBe(0);
      expect(result.addons.some((path) => /duckdb/.test(path))).toBe(true);
    } finally {
      rmSync(lake, { recursive: true, force: true });
    }
  }, 60_000);
});
