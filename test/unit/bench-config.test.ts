// The benchmark's command line: --help prints every option the parser takes, and bad counts are
// refused before a lake is generated.
import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, parseBenchConfig, wantsBenchUsage } from '../../bench/lib/config.ts';

const documented = [...BENCH_USAGE.matchAll(/^ {2}(--[a-z-]+)( [A-Z]+)?/gm)].map((match) => ({
  option: match[1]!,
  takesValue: match[2] !== undefined,
}));

describe('npm run bench -- --help', () => {
  it('is asked for by --help or -h', () => {
    expect(wantsBenchUsage(['--quick', '--help'])).toBe(true);
    expect(wantsBenchUsage(['-h'])).toBe(true);
    expect(wantsBenchUsage(['--quick'])).toBe(false);
  });

  it('documents only options the parser takes', () => {
    expect(documented.length).toBeGreaterThan(5);
    for (const { option, takesValue } of documented.filter((entry) => entry.option !== '--help')) {
      const value = option === '--memory-limit' ? '2GB' : '3';
      expect(() => parseBenchConfig(takesValue ? [option, value] : [option]), option).not.toThrow();
    }
  });

  it('refuses a count that is not a whole number from 1 to 50', () => {
    expect(() => parseBenchConfig(['--runs', '0'])).toThrow(/--runs must be a whole number/);
    expect(() => parseBenchConfig(['--raw-runs', 'many'])).toThrow(/--raw-runs/);
    expect(() => parseBenchConfig(['--bogus'])).toThrow();
  });
});
