// Where the curated layer may live: anywhere but among the raw tables, which are only ever read.
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { curatedDirOf } from '#adapters/curation/curated-location.ts';

const lake = join('/tmp', 'mnp-location-lake');

describe('curatedDirOf', () => {
  it('refuses the lake folder itself and a folder inside a raw table', async () => {
    await expect(curatedDirOf(lake, lake)).rejects.toThrow('the lake folder itself');
    await expect(curatedDirOf(lake, join(lake, 'port_requests'))).rejects.toThrow(
      'inside the raw table folder port_requests/',
    );
    await expect(curatedDirOf(lake, join(lake, 'usage_monthly', 'month=2019-11', 'x'))).rejects.toThrow(
      'inside the raw table folder usage_monthly/',
    );
  });

  it('sees through symbolic links, to the lake or into a raw table', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mnp-location-'));
    try {
      const real = join(root, 'lake');
      await mkdir(join(real, 'port_requests', 'dt=2019-11-26'), { recursive: true });
      await symlink(real, join(root, 'link'));

      await expect(curatedDirOf(real, join(root, 'link'))).rejects.toThrow('the lake folder itself');
      await expect(curatedDirOf(real, join(root, 'link', 'port_requests', 'dt=2019-11-26'))).rejects.toThrow(
        'inside the raw table folder port_requests/',
      );
      await expect(curatedDirOf(join(root, 'link'), join(real, 'port_requests', 'new', 'deeper'))).rejects.toThrow(
        'inside the raw table folder port_requests/',
      );
      expect(await curatedDirOf(real, join(root, 'link', '_curated'))).toBe(join(root, 'link', '_curated'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('takes <lake>/_curated, another folder beside the tables, or one elsewhere', async () => {
    expect(await curatedDirOf(lake, join(lake, '_curated'))).toBe(join(lake, '_curated'));
    expect(await curatedDirOf(lake, join(lake, 'port_requests_curated'))).toBe(join(lake, 'port_requests_curated'));
    expect(await curatedDirOf(lake, '/elsewhere/curated')).toBe('/elsewhere/curated');
  });
});
