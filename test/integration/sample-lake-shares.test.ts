// The default sample lake reproduces the published trial shares of domain.md, read through the
// product's own flow query (quarantine and dedup included), within 0.1 point.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbEngine } from '#adapters/engine/duckdb.ts';
import { beijingMidnightUtc } from '#core/period.ts';
import { readBaseRows, readFlowRows, type BaseRow, type FlowRow } from '#core/rows.ts';
import { DEFAULT_LAKE_RANGE, generateLake } from '#lakegen/generate-lake.ts';

const TRIAL = {
  CMCC: { outs: 0.576, ins: 0.281 },
  CUCC: { outs: 0.261, ins: 0.226 },
  CTCC: { outs: 0.163, ins: 0.493 },
};

let lakeDir: string;
let flows: FlowRow[];
let base: BaseRow[];

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-sample-'));
  await generateLake({ lakeDir, ...DEFAULT_LAKE_RANGE, seed: 20191127, scale: 0.5 });
  const engine = await DuckDbEngine.open({ lakeDir });
  try {
    flows = readFlowRows(
      await engine.runMetric('flows', {
        requests_from_dt: '2000-01-01',
        requests_to_dt: '2100-01-01',
        from_ts: beijingMidnightUtc('2000-01-01'),
        to_ts: beijingMidnightUtc('2100-01-01'),
      }),
    );
    base = readBaseRows(await engine.runMetric('subscriber_base', { base_from_month: '2019-06', base_to_month: '2019-06' }));
  } finally {
    await engine.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
});

describe('the sample lake', () => {
  it.each(Object.entries(TRIAL))('gives %s its trial share of port-outs and port-ins within 0.1 point', (operator, share) => {
    const total = flows.reduce((sum, row) => sum + row.ports, 0);
    const outs = flows.filter((row) => row.donor === operator).reduce((sum, row) => sum + row.ports, 0);
    const ins = flows.filter((row) => row.recipient === operator).reduce((sum, row) => sum + row.ports, 0);
    expect(Math.abs(outs / total - share.outs)).toBeLessThan(0.001);
    expect(Math.abs(ins / total - share.ins)).toBeLessThan(0.001);
  });

  it('ports 1.8 % of the subscriber base over its range', () => {
    const total = flows.reduce((sum, row) => sum + row.ports, 0);
    const subscribers = base.reduce((sum, row) => sum + row.subscribers, 0);
    expect(Math.abs(total / subscribers - 0.018)).toBeLessThan(0.0005);
  });

  it('spreads ports over the 31 provinces', () => {
    expect(new Set(flows.map((row) => row.provinceCode)).size).toBe(31);
  });
});
