// The engine options of the local commands: one line and exit code 2 for each mistake.
import { describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { engineChoiceOf } from '#cli/engine-options.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';

async function cli(...args: string[]) {
  const io = bufferIo();
  const code = await main(args, io);
  return { code, stderr: io.stderr };
}

describe('--engine', () => {
  it.each([
    ['trino without a URL', ['--engine', 'trino'], /--trino-url is needed with --engine trino/],
    ['a URL without trino', ['--trino-url', 'http://127.0.0.1:8080'], /--trino-url is for --engine trino/],
    ['an engine we do not have', ['--engine', 'spark'], /--engine/],
    ['a schema that is not a plain SQL name', ['--engine', 'trino', '--trino-url', 'http://127.0.0.1:8080', '--trino-schema', 'lake;drop'], /--trino-schema must be a plain lower-case SQL name/],
  ])('refuses %s with exit code 2', async (_what, engineArgs, message) => {
    const { code, stderr } = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48', '--lake', '/nonexistent-lake', '--no-deliver', ...engineArgs);
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
  });

  it('chooses DuckDB unless told otherwise, and Trino with its catalog and schema', () => {
    expect(engineChoiceOf({})).toEqual({ kind: 'duckdb' });
    expect(engineChoiceOf({ engine: 'trino', trinoUrl: 'http://t:8080', trinoCatalog: 'lakehouse', trinoSchema: 'mnp_lake_prod' })).toEqual({
      kind: 'trino',
      url: 'http://t:8080',
      catalog: 'lakehouse',
      schema: 'mnp_lake_prod',
      user: 'mnp-briefings',
    });
  });
});
