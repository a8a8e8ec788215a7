// The engine options of the local commands: one line and exit code 2 for each mistake.
import { describe, expect, it } from 'vitest';
import { engineChoiceOf, parseS3Lake } from '#cli/engine-options.ts';
import { ExitCode } from '#cli/exit-codes.ts';
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
    ['an s3:// lake for DuckDB', ['--lake', 's3://mnp-lake/lake/'], /an s3:\/\/ lake needs --engine trino/],
    [
      'a curated location without trino',
      ['--trino-curated', 'local:///tmp/c'],
      /--trino-curated is for --engine trino/,
    ],
    [
      'a curated location that is neither local:/// nor s3://',
      ['--engine', 'trino', '--trino-url', 'http://127.0.0.1:8080', '--trino-curated', '/tmp/c'],
      /--trino-curated must look like local:\/\/\/dir or s3:\/\/bucket\/prefix/,
    ],
    [
      'a schema that is not a plain SQL name',
      ['--engine', 'trino', '--trino-url', 'http://127.0.0.1:8080', '--trino-schema', 'lake;drop'],
      /--trino-schema must be a plain lower-case SQL name/,
    ],
  ])('refuses %s with exit code 2', async (_what, engineArgs, message) => {
    const { code, stderr } = await cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      '/nonexistent-lake',
      '--out',
      '/tmp/mnp-engine-options-out',
      '--no-deliver',
      ...engineArgs,
    );
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(message);
  });

  it('chooses DuckDB unless told otherwise, and Trino with its catalog and schema', () => {
    expect(engineChoiceOf({})).toEqual({ kind: 'duckdb' });
    expect(
      engineChoiceOf({
        engine: 'trino',
        trinoUrl: 'http://t:8080',
        trinoCatalog: 'lakehouse',
        trinoSchema: 'mnp_lake_prod',
      }),
    ).toEqual({
      kind: 'trino',
      url: 'http://t:8080',
      catalog: 'lakehouse',
      schema: 'mnp_lake_prod',
      user: 'mnp-briefings',
    });
  });

  it('reads an s3:// lake as bucket and prefix, and a path as a folder', () => {
    expect(parseS3Lake('s3://mnp-lake-prod/lake/')).toEqual({ bucket: 'mnp-lake-prod', prefix: 'lake/' });
    expect(parseS3Lake('s3://mnp-lake-prod/lake')).toEqual({ bucket: 'mnp-lake-prod', prefix: 'lake/' });
    expect(parseS3Lake('s3://mnp-lake-prod')).toEqual({ bucket: 'mnp-lake-prod', prefix: '' });
    expect(parseS3Lake('lake')).toBeUndefined();
    expect(parseS3Lake('/data/s3://x')).toBeUndefined();
  });

  it('keeps the --trino-curated location in the Trino choice, and none without it', () => {
    const trino = { engine: 'trino' as const, trinoUrl: 'http://127.0.0.1:8080' };
    expect(engineChoiceOf({ ...trino, trinoCurated: 's3://b/curated/' })).toMatchObject({ curated: 's3://b/curated/' });
    expect(engineChoiceOf(trino)).not.toHaveProperty('curated');
  });
});
