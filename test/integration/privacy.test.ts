// Privacy: subscriber hashes and exit-survey free text never leave the lake. Every file a run
// writes and every line it prints is scanned for values seeded into the lake.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { exitReasons, portRequests, usageMonthly, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { writePartition } from '../support/lake-writer.ts';

const CANARY_VERBATIM = 'CANARY-VERBATIM 我的号码是13800138000';
const CANARY_HASH = `${'c0ffee'.repeat(10)}c0de`;

let workDir: string;
let outputs: { path: string; text: string }[];
let printed: string[];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-privacy-'));
  const lakeDir = join(workDir, 'lake');
  await writeHandMadeLake(lakeDir);
  await writePartition(
    lakeDir,
    'exit_reasons',
    '2019-11-27',
    [
      {
        response_id: 'CANARY-1',
        port_id: 'P1',
        msisdn_hash: CANARY_HASH,
        province_code: '44',
        operator_code: 'CMCC',
        category_code: 'PRICE',
        subcategory_code: null,
        collected_at: '2019-11-27 05:00:00',
        channel: 'call',
        verbatim: CANARY_VERBATIM,
      },
    ],
    { fileName: 'part-canary.parquet' },
  );
  const io = bufferIo();
  for (const args of [
    ['run', '--report', 'hq-weekly', '--period', '2019-W48'],
    ['run', '--report', 'province-monthly', '--period', '2019-11'],
    ['run', '--report', 'hq-weekly', '--period', '2019-W48', '--locale', 'en', '--json'],
  ]) {
    expect(await main([...args, '--lake', lakeDir, '--out', join(workDir, 'out'), '--verbose'], io)).not.toBe(2);
  }
  printed = [...io.stdout, ...io.stderr];
  const files = await filesUnder(join(workDir, 'out'));
  outputs = await Promise.all(
    files.map(async (path) => ({
      path,
      text: (await readFile(path)).toString('latin1') + (await readFile(path, 'utf8')),
    })),
  );
}, 120_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('privacy of a run', () => {
  it('writes reports to scan (the scan is not vacuous)', () => {
    expect(outputs.filter((output) => output.path.endsWith('briefing.json')).length).toBeGreaterThanOrEqual(32);
    expect(printed.some((line) => line.includes('query done'))).toBe(true);
  });

  it('never writes or prints a subscriber hash', () => {
    const hashes = [
      CANARY_HASH,
      ...[...portRequests, ...exitReasons, ...usageMonthly].map((row) => String(row['msisdn_hash'])),
    ];
    for (const hash of new Set(hashes)) {
      for (const output of outputs) expect(output.text.includes(hash), `${hash} in ${output.path}`).toBe(false);
      for (const line of printed) expect(line.includes(hash), `${hash} in output line`).toBe(false);
    }
  });

  it('never writes or prints exit-survey free text', () => {
    const texts = [CANARY_VERBATIM, '13800138000', 'fixture verbatim text'];
    for (const text of texts) {
      for (const output of outputs) expect(output.text.includes(text), `${text} in ${output.path}`).toBe(false);
      for (const line of printed) expect(line.includes(text)).toBe(false);
    }
  });
});
