// A lake whose loader links files and partition folders into place (git-annex, DVC, a staging
// store): DuckDB reads through a link, so the product must list it. A data file behind a link was
// left out with no word (a lower net, "0 partitions missing"), and a linked partition folder was
// held as missing although it held _SUCCESS and data.
import { cp, mkdir, mkdtemp, rename, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsLake } from '#adapters/lake/fs-lake.ts';
import { LakeError } from '#core/errors.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { figuresOf, modelOf } from '../reliability/support/briefing-runs.ts';

let workDir: string;
let wholeLake: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-links-'));
  wholeLake = join(workDir, 'whole');
  await writeHandMadeLake(wholeLake);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const W48 = { reportId: 'hq-weekly', periodId: '2019-W48' };

describe('a lake with symbolic links', () => {
  it('reads a data file linked into its partition, and a partition folder linked into its table', async () => {
    const lakeDir = join(workDir, 'linked');
    const store = join(workDir, 'store');
    await cp(wholeLake, lakeDir, { recursive: true });
    await mkdir(store);
    // P4 and P5 (the W48 port-ins) are requested on 26 November; P2's partition is 27 November.
    const file = join(lakeDir, 'port_requests', 'dt=2019-11-26', 'part-0.parquet');
    await rename(file, join(store, 'part-0.parquet'));
    await symlink(join(store, 'part-0.parquet'), file);
    const folder = join(lakeDir, 'port_requests', 'dt=2019-11-27');
    await rename(folder, join(store, 'dt=2019-11-27'));
    await symlink(join(store, 'dt=2019-11-27'), folder);

    const linked = await modelOf(lakeDir, W48);
    const whole = await modelOf(wholeLake, W48);

    expect(linked.headline).toMatchObject({ net: -1, portOuts: 3 });
    expect(figuresOf(linked)).toEqual(figuresOf(whole));
    expect(linked.dataQuality.rowsRead).toBe(whole.dataQuality.rowsRead);
    expect(linked.dataQuality.partitionsMissing).toEqual([]);
  }, 120_000);

  it('names a link that points nowhere instead of leaving its rows out', async () => {
    const lakeDir = join(workDir, 'dangling');
    await cp(wholeLake, lakeDir, { recursive: true });
    const file = join(lakeDir, 'port_requests', 'dt=2019-11-26', 'part-1.parquet');
    await symlink(join(workDir, 'nowhere.parquet'), file);

    const listing = new FsLake(lakeDir).dataFiles('port_requests', '2019-11-25', '2019-11-27');

    await expect(listing).rejects.toBeInstanceOf(LakeError);
    await expect(listing).rejects.toThrow(`${file} is a symbolic link to nothing`);
  });
});
