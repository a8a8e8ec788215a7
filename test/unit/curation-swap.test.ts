// A curate stopped while it swaps a unit's partitions (killed, the disk full) must leave that
// unit stale. With --rebuild the unit's old record still matched the raw files: a curate killed
// between removing one table's partition and renaming the new one in left it missing, yet the
// next curate found the unit fresh and the reports read a table without that day.
import { describe, expect, it } from 'vitest';
import { type CurationObjects, curatedSqlVersion, runCuration } from '#adapters/curation/curation-run.ts';
import { type RawListing, type UnitRecord, unitKey } from '#core/curation.ts';

const stamp = (name: string) => ({ name, size: 10, version: '1' });
const RAW: RawListing = {
  port_requests: [],
  exit_reasons: [],
  usage_monthly: [{ value: '2019-10', files: [stamp('u.parquet'), stamp('_SUCCESS')] }],
};
const UNIT = { kind: 'usage', value: '2019-10' } as const;
const KEY = `usage/${unitKey(UNIT)}`;

/** Records in memory; the swap of the unit's partitions fails once `failAfter` swaps are done. */
function objectsFailingMidSwap(failAfter: number): CurationObjects & { records: Map<string, UnitRecord> } {
  const records = new Map<string, UnitRecord>();
  let swaps = 0;
  return {
    records,
    listRaw: async () => RAW,
    readRecords: async () => new Map(records),
    writeRecord: async (record) => {
      records.set(`${record.unit.kind}/${unitKey(record.unit)}`, record);
    },
    removeRecord: async (unit) => {
      records.delete(`${unit.kind}/${unitKey(unit)}`);
    },
    removePartition: async () => {},
    replacePartition: async () => {
      swaps += 1;
      if (swaps > failAfter) throw new Error('killed while swapping partitions');
    },
    removeStaging: async () => {},
    ensureFolders: async () => {},
    curatedUnits: async () => [],
  };
}

const writer = async () => ({ build: async () => {}, close: async () => {} });

describe('a curate stopped while it swaps a unit’s partitions', () => {
  it('leaves the unit without a record, so the next curate rebuilds it', async () => {
    const objects = objectsFailingMidSwap(Number.POSITIVE_INFINITY);
    await runCuration({ objects, openWriter: writer, staging: '.staging' });
    expect(objects.records.get(KEY)?.sqlVersion).toBe(curatedSqlVersion().usage);

    const failing = objectsFailingMidSwap(0);
    for (const [key, record] of objects.records) failing.records.set(key, record);
    await expect(
      runCuration({ objects: failing, openWriter: writer, staging: '.staging', rebuild: true }),
    ).rejects.toThrow('killed while swapping partitions');

    expect(failing.records.has(KEY)).toBe(false);
    const after = objectsFailingMidSwap(Number.POSITIVE_INFINITY);
    for (const [key, record] of failing.records) after.records.set(key, record);
    const next = await runCuration({ objects: after, openWriter: writer, staging: '.staging' });
    expect(next.built.usage).toBe(1);
  });
});
