// Where the curated layer may live: anywhere but among the raw tables, which are only ever read.
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

  it('takes <lake>/_curated, another folder beside the tables, or one elsewhere', async () => {
    expect(await curatedDirOf(lake, join(lake, '_curated'))).toBe(join(lake, '_curated'));
    expect(await curatedDirOf(lake, join(lake, 'port_requests_curated'))).toBe(join(lake, 'port_requests_curated'));
    expect(await curatedDirOf(lake, '/elsewhere/curated')).toBe('/elsewhere/curated');
  });
});
