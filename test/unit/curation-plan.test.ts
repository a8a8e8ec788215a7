// Which curated units are stale (functions/core/curation.ts), worked out by hand on a small listing.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  batchDates,
  NEIGHBOUR_DAYS,
  planCuration,
  type RawListing,
  rawPartitionsFor,
  requestsReadRange,
  UNIT_KIND_NAMES,
  UNIT_KINDS,
  type UnitRecord,
  unitInputs,
  unitKey,
} from '#core/curation.ts';

const file = (name: string, version = '1') => ({ name, size: 10, version });
const day = (value: string, ...names: string[]) => ({ value, files: names.map((name) => file(name)) });
const raw: RawListing = {
  port_requests: [
    day('2019-11-29', 'a.parquet', '_SUCCESS'),
    day('2019-11-30', 'b.parquet', '_SUCCESS'),
    day('2019-12-01', 'c.parquet', '_SUCCESS'),
    day('2019-12-02', 'd.parquet'),
  ],
  exit_reasons: [day('2019-11-30', 'e30.parquet', '_SUCCESS'), day('2019-12-01', 'e1.parquet', '_SUCCESS')],
  usage_monthly: [day('2019-08', 'u8.parquet', '_SUCCESS'), day('2019-11', 'u11.parquet', '_SUCCESS')],
};

function recordsFor(listing: RawListing, sqlVersion = 'v1'): Map<string, UnitRecord> {
  const records = new Map<string, UnitRecord>();
  for (const kind of UNIT_KIND_NAMES) {
    for (const partition of listing[UNIT_KINDS[kind].follows]) {
      const unit = { kind, value: partition.value };
      records.set(`${kind}/${unitKey(unit)}`, { unit, sqlVersion, inputs: unitInputs(unit, listing) });
    }
  }
  return records;
}

describe('planCuration', () => {
  it('a day unit reads its neighbours up to a week away and the usage months its leavers may need', () => {
    const inputs = unitInputs({ kind: 'requests', value: '2019-12-01' }, raw);
    // days 11-24..12-08, of which 11-29..12-02 exist; its clean rows were requested on 12-01 and
    // left by 12-08, in December: usage months 2019-09..2019-11, of which 11 exists (08 does not count).
    expect(Object.keys(inputs)).toEqual([
      'port_requests/dt=2019-11-29',
      'port_requests/dt=2019-11-30',
      'port_requests/dt=2019-12-01',
      'port_requests/dt=2019-12-02',
      'usage_monthly/month=2019-11',
    ]);
    // eight days away is not a neighbour
    const wider: RawListing = {
      ...raw,
      port_requests: [
        day('2019-11-23', 'x.parquet'),
        day('2019-11-24', 'y.parquet'),
        ...raw.port_requests,
        day('2019-12-08', 'z.parquet'),
        day('2019-12-09', 'w.parquet'),
      ],
    };
    expect(
      Object.keys(unitInputs({ kind: 'requests', value: '2019-12-01' }, wider)).filter((key) => key.startsWith('port')),
    ).toEqual([
      'port_requests/dt=2019-11-24',
      'port_requests/dt=2019-11-29',
      'port_requests/dt=2019-11-30',
      'port_requests/dt=2019-12-01',
      'port_requests/dt=2019-12-02',
      'port_requests/dt=2019-12-08',
    ]);
    // a day late in a month: its leavers may leave in the next one, so a fourth month counts
    expect(
      Object.keys(unitInputs({ kind: 'requests', value: '2019-11-24' }, raw)).filter((key) => key.startsWith('usage')),
    ).toEqual(['usage_monthly/month=2019-08', 'usage_monthly/month=2019-11']);
  });

  it('given a range, plans only the units it reads, and removes none outside it', () => {
    const range = { from: '2019-12-01', to: '2019-12-02', months: { from: '2019-08', to: '2019-08' } };
    const records = new Map([...recordsFor(raw)].filter(([key]) => !key.includes('2019-11-30')));
    // a record whose raw partition is gone, outside the range: only a whole-lake plan removes it
    const gone = { kind: 'requests' as const, value: '2019-06-03' };
    records.set(`requests/${unitKey(gone)}`, { unit: gone, sqlVersion: 'v1', inputs: {} });

    const plan = planCuration(raw, records, 'v1', { range });

    // in range: requests 12-01 and 12-02, exits 12-01, usage 2019-08 (all fresh); 11-30 is stale but outside
    expect(plan.build).toEqual([]);
    expect(plan.fresh).toBe(4);
    expect(plan.remove).toEqual([]);
    expect(planCuration(raw, records, 'v1').remove).toEqual([gone]);
    expect(planCuration(raw, new Map(), 'v1', { range }).build.map((unit) => `${unit.kind} ${unit.value}`)).toEqual([
      'requests 2019-12-01',
      'requests 2019-12-02',
      'exits 2019-12-01',
      'usage 2019-08',
    ]);
  });

  it("a range's raw partitions: its days and a week either side, every earlier exit day, the usage its leavers and its months need", () => {
    expect(
      rawPartitionsFor({ from: '2019-11-11', to: '2019-12-15', months: { from: '2019-09', to: '2019-11' } }),
    ).toEqual({
      port_requests: { from: '2019-11-04', to: '2019-12-22' },
      exit_reasons: { from: '', to: '2019-12-15' },
      // leavers of 11-11..12-15 left in 2019-11..2019-12 (completed within 7 days): usage 2019-08..2019-11
      usage_monthly: { from: '2019-08', to: '2019-11' },
    });
    // a listing cut to them plans the range as the whole listing does
    const records = recordsFor(raw);
    records.delete('requests/dt=2019-12-01');
    const range = { from: '2019-12-01', to: '2019-12-01' };
    const bounds = rawPartitionsFor(range);
    const cut = Object.fromEntries(
      Object.entries(raw).map(([table, partitions]) => [
        table,
        partitions.filter(
          (p) => p.value >= bounds[table as keyof RawListing].from && p.value <= bounds[table as keyof RawListing].to,
        ),
      ]),
    ) as unknown as RawListing;
    expect(planCuration(cut, records, 'v1', { range })).toEqual(planCuration(raw, records, 'v1', { range }));
  });

  it('everything is new at first, nothing is stale the second time', () => {
    expect(planCuration(raw, new Map(), 'v1').build).toHaveLength(8);
    const again = planCuration(raw, recordsFor(raw), 'v1');
    expect(again.build).toEqual([]);
    expect(again.fresh).toBe(8);
  });

  it('a record of another shape, or one file off by its size or version, rebuilds its unit', () => {
    const records = recordsFor(raw);
    const key = (kind: string, value: string) => `${kind}/dt=${value}`;
    const edit = (recordKey: string, inputs: unknown) =>
      records.set(recordKey, { ...records.get(recordKey)!, inputs: inputs as UnitRecord['inputs'] });
    const own = records.get(key('requests', '2019-11-29'))!.inputs;
    edit(key('requests', '2019-11-29'), {
      ...own,
      'port_requests/dt=2019-11-29': [null, { name: '_SUCCESS', size: 10, version: '1' }],
    });
    edit(key('requests', '2019-11-30'), null);
    const exitInputs = records.get(key('exits', '2019-12-01'))!.inputs;
    edit(key('exits', '2019-12-01'), {
      ...exitInputs,
      'exit_reasons/dt=2019-12-01': [{ ...file('e1.parquet'), size: 11 }, file('_SUCCESS')],
    });
    const plan = planCuration(raw, records, 'v1');
    expect(plan.build.map((unit) => [unit.kind, unit.value, unit.reason])).toEqual([
      ['requests', '2019-11-29', 'raw changed'],
      ['requests', '2019-11-30', 'raw changed'],
      ['exits', '2019-12-01', 'raw changed'],
    ]);
  });

  it('a partition gaining _SUCCESS rebuilds itself, and the week before it changed in its neighbours only', () => {
    const before: RawListing = {
      ...raw,
      port_requests: [day('2019-11-24', 'y.parquet', '_SUCCESS'), ...raw.port_requests],
    };
    const landed: RawListing = {
      ...before,
      port_requests: before.port_requests.map((p) =>
        p.value === '2019-12-02' ? day('2019-12-02', 'd.parquet', '_SUCCESS') : p,
      ),
    };
    const plan = planCuration(landed, recordsFor(before), 'v1');
    // 11-24 lies eight days before: not a neighbour; the others changed in their neighbours only
    expect(plan.build.map((unit) => `${unit.value} ${unit.reason}`)).toEqual([
      '2019-11-29 neighbours changed',
      '2019-11-30 neighbours changed',
      '2019-12-01 neighbours changed',
      '2019-12-02 raw changed',
    ]);
    // the spread check is told which neighbours changed; --rebuild keeps nothing
    expect(plan.build.map((unit) => unit.changedNeighbours)).toEqual([
      ['2019-12-02'],
      ['2019-12-02'],
      ['2019-12-02'],
      undefined,
    ]);
    const rebuilt = planCuration(landed, recordsFor(before), 'v1', { rebuild: true });
    expect(rebuilt.build.filter((unit) => unit.reason === 'neighbours changed')).toEqual([]);
  });

  it('a corrected usage month rebuilds the days whose leavers read it; changed SQL rebuilds all; a vanished partition is removed', () => {
    const corrected: RawListing = {
      ...raw,
      usage_monthly: [
        day('2019-08', 'u8.parquet', '_SUCCESS'),
        { value: '2019-11', files: [file('u11.parquet', '2'), file('_SUCCESS')] },
      ],
    };
    expect(planCuration(corrected, recordsFor(raw), 'v1').build.map((unit) => `${unit.kind} ${unit.value}`)).toEqual([
      'requests 2019-11-29',
      'requests 2019-11-30',
      'requests 2019-12-01',
      'requests 2019-12-02',
      'usage 2019-11',
    ]);
    expect(planCuration(raw, recordsFor(raw), 'v2').build).toHaveLength(8);
    const shrunk: RawListing = { ...raw, port_requests: raw.port_requests.filter((p) => p.value !== '2019-11-29') };
    expect(planCuration(shrunk, recordsFor(raw), 'v1').remove).toEqual([{ kind: 'requests', value: '2019-11-29' }]);
  });

  it('an exit-answer day depends on its own partition and on every earlier one, as one stamp', () => {
    const inputs = unitInputs({ kind: 'exits', value: '2019-12-01' }, raw);
    expect(Object.keys(inputs)).toEqual(['exit_reasons/dt<2019-12-01', 'exit_reasons/dt=2019-12-01']);
    expect(inputs['exit_reasons/dt<2019-12-01']).toEqual([
      expect.objectContaining({ name: '1 earlier partitions', size: 2 }),
    ]);
    expect(unitInputs({ kind: 'exits', value: '2019-11-30' }, raw)['exit_reasons/dt<2019-11-30']).toEqual([
      expect.objectContaining({ name: '0 earlier partitions', size: 0 }),
    ]);
  });

  it('a late exit-answer file rebuilds its day and every later one; a new day only itself', () => {
    const late: RawListing = {
      ...raw,
      exit_reasons: [
        { value: '2019-11-30', files: [file('e30.parquet'), file('late.parquet'), file('_SUCCESS')] },
        raw.exit_reasons[1]!,
      ],
    };
    expect(planCuration(late, recordsFor(raw), 'v1').build.map((unit) => `${unit.kind} ${unit.value}`)).toEqual([
      'exits 2019-11-30',
      'exits 2019-12-01',
    ]);
    const next: RawListing = { ...raw, exit_reasons: [...raw.exit_reasons, day('2019-12-02', 'e2.parquet')] };
    expect(planCuration(next, recordsFor(raw), 'v1').build.map((unit) => `${unit.kind} ${unit.value}`)).toEqual([
      'exits 2019-12-02',
    ]);
  });

  it("changed SQL of one kind rebuilds that kind's units only", () => {
    const records = recordsFor(raw, 'v1');
    const plan = planCuration(raw, records, { requests: 'v1', exits: 'v2', usage: 'v1' });
    expect(plan.build.map((unit) => `${unit.kind} ${unit.value} ${unit.reason}`)).toEqual([
      'exits 2019-11-30 sql changed',
      'exits 2019-12-01 sql changed',
    ]);
  });

  it('tells spread requests over as many days as the units read (NEIGHBOUR_DAYS and the SQL agree)', () => {
    for (const [file, joins] of [
      ['fragments/port_requests_spread_keys.sql', 1],
      ['checks/spread_changed.sql', 2],
    ] as const) {
      const sql = readFileSync(new URL(`../../functions/sql/curated/${file}`, import.meta.url), 'utf8');
      const windows = [...sql.matchAll(/BETWEEN \w\.day_number - (\d+) AND \w\.day_number \+ (\d+)/g)];
      expect(windows, file).toHaveLength(joins);
      for (const [, before, after] of windows)
        expect([Number(before), Number(after)], file).toEqual([NEIGHBOUR_DAYS, NEIGHBOUR_DAYS]);
    }
    expect(requestsReadRange('2019-12-01', '2019-12-01')).toEqual({ from: '2019-11-24', to: '2019-12-08' });
  });

  it('batches consecutive days, at most the batch size', () => {
    const dates = Array.from({ length: 40 }, (_unused, index) =>
      new Date(Date.UTC(2019, 0, 1 + index)).toISOString().slice(0, 10),
    );
    expect(batchDates([...dates, '2019-03-01'], 31).map((batch) => [batch.from, batch.to])).toEqual([
      ['2019-01-01', '2019-01-31'],
      ['2019-02-01', '2019-02-09'],
      ['2019-03-01', '2019-03-01'],
    ]);
  });

  it('ends a batch before its raw bytes pass the limit, and builds a day above it alone', () => {
    const megabytes: Record<string, number> = {
      '2019-11-25': 5,
      '2019-11-26': 5,
      '2019-11-27': 20,
      '2019-11-28': 70,
      '2019-11-29': 20,
      '2019-11-30': 21,
      '2019-12-01': 25,
    };
    const size = { bytesOf: (date: string) => megabytes[date]! * 2 ** 20, maxBytes: 64 * 2 ** 20 };

    expect(batchDates(Object.keys(megabytes), 16, size).map((batch) => [batch.from, batch.to])).toEqual([
      ['2019-11-25', '2019-11-27'],
      ['2019-11-28', '2019-11-28'],
      ['2019-11-29', '2019-11-30'],
      ['2019-12-01', '2019-12-01'],
    ]);
  });
});
