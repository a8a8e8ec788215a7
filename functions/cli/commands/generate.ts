// mnp-briefings generate: writes the deterministic synthetic lake.
import type { Command } from 'commander';
import { ConfigurationError } from '#core/errors.ts';
import type { CliIo } from '../io.ts';
import { generateOptionsSchema, validateOptions } from '../options.ts';

export const DEFAULT_SEED = 20191127;

export async function generateSampleLake(raw: Record<string, unknown>, io: CliIo) {
  const options = validateOptions(generateOptionsSchema, raw);
  // The generator (DuckDB) is loaded only to generate: --help and the other commands start without it.
  const { DEFAULT_LAKE_RANGE, generateLake, LakeDirNotUsableError, LakeGenOptionsError } = await import(
    '#lakegen/generate-lake.ts'
  );
  const from = options.from ?? DEFAULT_LAKE_RANGE.from;
  const to = options.to ?? DEFAULT_LAKE_RANGE.to;
  io.out(
    `Writing a synthetic lake to ${options.lake} (${from} to ${to}, seed ${options.seed}, scale ${options.scale})`,
  );
  try {
    const summary = await generateLake({
      lakeDir: options.lake,
      from,
      to,
      seed: options.seed,
      scale: options.scale,
      onProgress: () => undefined,
    });
    const tables = Object.entries(summary.tables).map(
      ([table, { rows, partitions }]) => `${table} ${rows.toLocaleString('en')} rows in ${partitions} partitions`,
    );
    io.out(`  ${tables.join('\n  ')}`);
    const bad = Object.values(summary.badRows).reduce((total, count) => total + count, 0);
    io.out(`  ${bad} deliberately bad rows, to exercise quarantine`);
    return summary;
  } catch (error) {
    if (error instanceof LakeDirNotUsableError || error instanceof LakeGenOptionsError)
      throw new ConfigurationError(error.message, { cause: error });
    throw error;
  }
}

export function registerGenerate(program: Command, io: CliIo): void {
  program
    .command('generate')
    .description('write a deterministic synthetic porting lake (Parquet, Hive partitions, _SUCCESS markers)')
    .option('--lake <dir>', 'lake folder to write', 'lake')
    .option('--from <date>', "first Beijing date (default: the sample range's first day)")
    .option('--to <date>', "last Beijing date (default: the sample range's last day)")
    .option('--seed <n>', 'random seed; the same seed gives the same lake', String(DEFAULT_SEED))
    .option('--scale <f>', 'volume factor: 1 is about 1,000 requests a day', '1')
    .action(async (raw: Record<string, unknown>) => {
      await generateSampleLake(raw, io);
    });
}
