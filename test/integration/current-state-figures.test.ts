// The current state of a port request and the partition a row must be filed in, checked on the
// hand-made W48 lake (test/fixtures/hand-made-lake.ts) with a few rows added in their own files.
// Baseline figures, worked out by hand in hq-weekly-figures.test.ts: CMCC port-outs 3, completed
// ports 6, CMCC requests 6; data quality 47 rows read (every partition the figures draw on), 8 quarantined, 3 superseded
// (2 request versions, 1 copy of the exit answer E1).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDefinition } from '#core/report-definitions.ts';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import { hash, subscriberBase, w48Port, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { archiveReports, modelOf } from '../reliability/support/briefing-runs.ts';
import { type ReportSpec, readLakeRows, recompute } from '../reliability/support/independent-figures.ts';
import { readBriefingPage } from '../support/briefing-page.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

/** A W48 CMCC -> CUCC port in Guangdong (see w48Port), numbered apart from other tests'. */
const port = (id: string, extra: Partial<FixtureRow> = {}) => w48Port(id, 'cs', extra);

/** An answer of a CMCC leaver in Guangdong, its number hashed from its id. */
const surveyAnswer = (responseId: string, extra: Partial<FixtureRow>): FixtureRow => ({
  response_id: responseId,
  port_id: null,
  msisdn_hash: hash(responseId.toLowerCase()),
  province_code: '44',
  operator_code: 'CMCC',
  category_code: 'BILLING',
  subcategory_code: null,
  collected_at: '2019-11-27 05:00:00',
  channel: 'sms',
  verbatim: null,
  ...extra,
});

const lakes: string[] = [];
async function handMadeLakeWith(extra: (lakeDir: string) => Promise<void>): Promise<string> {
  const lakeDir = await mkdtemp(join(tmpdir(), 'mnp-current-state-'));
  lakes.push(lakeDir);
  await writeHandMadeLake(lakeDir);
  await extra(lakeDir);
  return lakeDir;
}

afterAll(async () => {
  await Promise.all(lakes.map((lakeDir) => rm(lakeDir, { recursive: true, force: true })));
});

/** Week 48 as configured, for the independent recomputation. */
const W48: ReportSpec = {
  kind: 'week',
  period: { start: '2019-11-25', end: '2019-12-01' },
  trend: reportDefinition('hq-weekly').trend,
};

describe('a port request whose latest version is quarantined', () => {
  let briefing: HqWeeklyBriefing;
  let lakeDir: string;

  beforeAll(async () => {
    lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(
        dir,
        'port_requests',
        '2019-11-26',
        [
          // CS1: completed, then a later version (cancelled) with an unknown channel: left out.
          port('CS1'),
          port('CS1', {
            status: 'cancelled',
            completed_at: null,
            channel: 'carrier-pigeon',
            updated_at: '2019-11-28 02:00:00',
          }),
          // CS2: completed, and a version with the same updated_at and a negative fee: the state is
          // unknown, so it is left out too.
          port('CS2'),
          port('CS2', { monthly_fee_cny: -58 }),
          // CS3: a quarantined early version, then a clean completion: counts.
          port('CS3', {
            status: 'pending',
            completed_at: null,
            channel: 'carrier-pigeon',
            updated_at: '2019-11-26 03:00:00',
          }),
          port('CS3'),
        ],
        { fileName: 'part-current-state.parquet' },
      );
    });
    briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  });

  it('is left out of every figure, not restored from an older clean version', () => {
    // Only CS3 adds a CMCC port-out, a completed port and a CMCC request.
    expect(briefing.flows.home.current.portOuts).toBe(3 + 1);
    expect(briefing.flows.totalCompleted).toBe(6 + 1);
    expect(briefing.rejections.requests).toBe(6 + 1);
    expect(briefing.valueMirror.leavers).toBe(3 + 1);
  });

  it('is counted in the data-quality line', () => {
    expect(briefing.dataQuality).toMatchObject({
      rowsRead: 47 + 6,
      quarantinedTotal: 8 + 3,
      // CS1 and CS2's clean versions are superseded by their bad latest ones; CS3 has one clean version.
      supersededVersions: 3 + 2,
      latestQuarantined: 2,
    });
    expect(briefing.dataQuality.quarantined).toEqual(
      expect.arrayContaining([
        { reason: 'unknown_code', count: 2 + 2 },
        { reason: 'negative_value', count: 3 + 1 },
      ]),
    );
  });

  it('agrees with the recomputation from the contract, which calls the tie open', async () => {
    const expected = recompute(await readLakeRows(lakeDir), W48, 'CMCC');
    expect(expected.ambiguous).toEqual(['port CS2']);
    expect(briefing.flows.home.current.portOuts).toBe(expected.home.outs);
    expect(briefing.flows.totalCompleted).toBe(expected.totalCompleted);
    expect(briefing.rejections.requests).toBe(expected.requests);
    // The open tie: the product ranks CS2's bad version first, so its clean one is superseded.
    expect(briefing.dataQuality).toMatchObject({
      rowsRead: expected.rowsRead,
      supersededVersions: expected.superseded + 1,
    });
  });
});

describe('two clean versions tied on updated_at, status and completion', () => {
  // CS-TIE1 and CS-TIE2 each have two versions that differ only in the recipient, CUCC in one and
  // CTCC in the other, written in opposite orders. The smaller code wins (CTCC < CUCC) whatever
  // the order in the file, so every read gives the same state. Baseline matrix (worked out by
  // hand in hq-weekly-figures.test.ts): CMCC -> CUCC 1, CMCC -> CTCC 2; completed ports 6.
  let lakeDir: string;

  beforeAll(async () => {
    lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(
        dir,
        'port_requests',
        '2019-11-26',
        [
          port('CS-TIE1', { recipient_operator: 'CUCC' }),
          port('CS-TIE1', { recipient_operator: 'CTCC' }),
          port('CS-TIE2', { recipient_operator: 'CTCC' }),
          port('CS-TIE2', { recipient_operator: 'CUCC' }),
        ],
        { fileName: 'part-tie.parquet' },
      );
    });
  });

  it('takes the version with the smaller codes as the current state, on every read', async () => {
    for (let read = 0; read < 3; read += 1) {
      const briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
      expect(briefing.flows.totalCompleted).toBe(6 + 2);
      expect(briefing.flows.matrix).toEqual(
        expect.arrayContaining([
          { donor: 'CMCC', recipient: 'CUCC', ports: 1 },
          { donor: 'CMCC', recipient: 'CTCC', ports: 2 + 2 },
        ]),
      );
      // Each request's other version is superseded.
      expect(briefing.dataQuality.supersededVersions).toBe(3 + 2);
    }
  });
});

describe('the partition a row is filed in', () => {
  // A row belongs to the partition of its request's (an answer's collection's) Beijing date.
  // These are filed a day early, under Sunday 24 Nov (week 47), for events of Monday 25 Nov
  // 01:00 Beijing (24 Nov 17:00 UTC): malformed, in every report alike.
  const earlyRequest = port('CS-EARLY', {
    requested_at: '2019-11-24 17:00:00',
    completed_at: '2019-11-25 02:00:00',
    updated_at: '2019-11-25 02:00:00',
  });
  const earlyAnswer = surveyAnswer('CS-EARLY-E', { category_code: 'RELOCATION', collected_at: '2019-11-24 17:00:00' });
  let lakeDir: string;

  beforeAll(async () => {
    lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(dir, 'port_requests', '2019-11-24', [earlyRequest], { fileName: 'part-early.parquet' });
      await writePartition(dir, 'exit_reasons', '2019-11-24', [earlyAnswer], { fileName: 'part-early.parquet' });
    });
  });

  it('leaves a row filed under another date out of the figures', async () => {
    const w48 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    expect(w48.flows.home.current.portOuts).toBe(3);
    expect(w48.rejections.requests).toBe(6);
    expect(w48.dissatisfaction.categories.map((figure) => figure.category)).not.toContain('RELOCATION');
  });

  it('agrees with the recomputation from the contract', async () => {
    const w48 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    const expected = recompute(await readLakeRows(lakeDir), W48, 'CMCC');
    expect(w48.flows.home.current.portOuts).toBe(expected.home.outs);
    expect(w48.dissatisfaction.responses).toBe(expected.responses);
    expect(w48.dataQuality.rowsRead).toBe(expected.rowsRead);
    expect(w48.dataQuality.quarantined.find((entry) => entry.reason === 'malformed_timestamp')?.count).toBe(
      expected.quarantined.get('malformed_timestamp'),
    );
  });

  it('quarantines it as a malformed timestamp', async () => {
    // Week 47's own partitions hold both rows; its baseline has no malformed timestamp.
    const w47 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W47' })) as HqWeeklyBriefing;
    expect(w47.dataQuality.quarantined).toContainEqual({ reason: 'malformed_timestamp', count: 2 });
  });

  it('is counted by every report whose figures could have drawn on it', async () => {
    // Week 48's flows read back to 30 Sep: both rows, besides B3 of the hand-made lake.
    const w48 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    expect(w48.dataQuality.quarantined).toContainEqual({ reason: 'malformed_timestamp', count: 1 + 2 });
  });
});

describe('a status update filed under the day it was made, not the day of its request', () => {
  // CS-LATE was requested Tuesday 26 Nov (pending, filed under 26 Nov, clean); its completion on
  // Friday 29 Nov was filed under 29 Nov by a loader that files updates by their own date: that
  // row is malformed (filed under another date), and it is the request's latest version, so the
  // request is left out whole: the pending version does not count either. Worked out by hand on
  // the W48 baseline: CMCC requests 6, port-outs 3, completed 6; 47 rows read, 8 quarantined,
  // 3 superseded, 0 latest quarantined.
  let briefing: HqWeeklyBriefing;

  beforeAll(async () => {
    const lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(
        dir,
        'port_requests',
        '2019-11-26',
        [port('CS-LATE', { status: 'pending', completed_at: null, updated_at: '2019-11-26 03:00:00' })],
        { fileName: 'part-late.parquet' },
      );
      await writePartition(
        dir,
        'port_requests',
        '2019-11-29',
        [port('CS-LATE', { completed_at: '2019-11-29 02:00:00', updated_at: '2019-11-29 02:00:00' })],
        { fileName: 'part-late.parquet' },
      );
    });
    briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  });

  it('leaves the request out of every figure, its pending version included', () => {
    expect(briefing.rejections.requests).toBe(6);
    expect(briefing.flows.home.current.portOuts).toBe(3);
    expect(briefing.flows.totalCompleted).toBe(6);
  });

  it('counts both rows read, the misfiled one quarantined, and the request as latest-quarantined', () => {
    expect(briefing.dataQuality).toMatchObject({
      rowsRead: 47 + 2,
      quarantinedTotal: 8 + 1,
      supersededVersions: 3 + 1,
      latestQuarantined: 1,
    });
    expect(briefing.dataQuality.quarantined).toContainEqual({ reason: 'malformed_timestamp', count: 1 + 1 });
  });
});

describe('a newer version misfiled just outside the partitions one query counts', () => {
  // Each request below has a clean version filed under its request's day and a newer one filed a
  // day off, quarantined as filed under another date: its latest version is bad, so it is left out
  // of every figure, whichever query counts it. Worked out by hand on the W48 baseline (CMCC
  // port-outs 3, completed 6, value-mirror leavers 3; 47 rows read, 8 quarantined, 3 superseded,
  // 0 latest quarantined).
  // - CS-UTC: requested Monday 18 Nov 00:30 Beijing, completed Monday 25 Nov 00:20 Beijing, the
  //   newer version filed under 17 Nov (the UTC date of the request). The value mirror counts the
  //   leavers of W48 from the partitions of 18 Nov on; the flows read back to 30 Sep.
  // - CS-AFTER: requested and completed Sunday 1 Dec, the newer version filed under Monday 2 Dec
  //   (the day it was made), after the week's last partition.
  // Both rows of each are read; the data-quality line counts the rows of the partitions the
  // figures draw on (30 Sep to 1 Dec: three of the four, not CS-AFTER's of 2 Dec), the clean
  // versions as superseded and both requests as latest-quarantined.
  let w48: HqWeeklyBriefing;
  let w49: HqWeeklyBriefing;

  beforeAll(async () => {
    const lakeDir = await handMadeLakeWith(async (dir) => {
      const utc = {
        requested_at: '2019-11-17 16:30:00',
        completed_at: '2019-11-24 16:20:00',
        updated_at: '2019-11-24 16:20:00',
      };
      await writePartition(dir, 'port_requests', '2019-11-18', [port('CS-UTC', utc)], { fileName: 'part-cs.parquet' });
      await writePartition(
        dir,
        'port_requests',
        '2019-11-17',
        [port('CS-UTC', { ...utc, updated_at: '2019-11-25 01:00:00' })],
        { fileName: 'part-cs.parquet' },
      );
      const after = {
        requested_at: '2019-12-01 02:00:00',
        completed_at: '2019-12-01 05:00:00',
        updated_at: '2019-12-01 05:00:00',
      };
      await writePartition(dir, 'port_requests', '2019-12-01', [port('CS-AFTER', after)], {
        fileName: 'part-cs.parquet',
      });
      await writePartition(
        dir,
        'port_requests',
        '2019-12-02',
        [port('CS-AFTER', { ...after, updated_at: '2019-12-02 01:00:00' })],
        { fileName: 'part-cs.parquet' },
      );
    });
    w48 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    w49 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W49' })) as HqWeeklyBriefing;
  });

  it('leaves both requests out of the flows and the value mirror alike', () => {
    expect(w48.flows.home.current.portOuts).toBe(3);
    expect(w48.flows.totalCompleted).toBe(6);
    expect(w48.valueMirror.leavers).toBe(3);
    expect(w48.valueMirror.joiners).toBe(2);
  });

  it('gives week 48 the same figures in the week after it', () => {
    expect(w49.flows.home.previous).toEqual(w48.flows.home.current);
  });

  it('counts the rows of the partitions counted, and both requests as left out', () => {
    expect(w48.dataQuality).toMatchObject({
      rowsRead: 47 + 3,
      quarantinedTotal: 8 + 1,
      supersededVersions: 3 + 2,
      latestQuarantined: 2,
    });
    expect(w48.dataQuality.quarantined).toContainEqual({ reason: 'malformed_timestamp', count: 1 + 1 });
  });
});

describe('a re-delivered subscriber-base file', () => {
  let briefing: HqWeeklyBriefing;

  beforeAll(async () => {
    const november = subscriberBase.filter((row) => row['month'] === '2019-11').map(({ month: _month, ...row }) => row);
    const lakeDir = await handMadeLakeWith(async (dir) => {
      // The whole of November delivered again, and a third file disagreeing on Beijing CMCC.
      await writePartition(dir, 'subscriber_base', '2019-11', november, { fileName: 'part-1.parquet' });
      await writePartition(
        dir,
        'subscriber_base',
        '2019-11',
        [{ province_code: '11', operator_code: 'CMCC', subscribers: 600 }],
        { fileName: 'part-2.parquet' },
      );
    });
    briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  });

  it('counts agreeing copies once and leaves conflicting ones out', () => {
    // CMCC base: 44 1000 (twice, once counted); 11 500, 500 and 600 disagree: quarantined.
    expect(briefing.flows.home.current.subscriberBase).toBe(1000);
    expect(briefing.flows.byProvince.find((flow) => flow.provinceCode === '11')?.portOutRate).toBeNull();
    expect(briefing.flows.byProvince.find((flow) => flow.provinceCode === '44')?.portOutRate).toBe(2 / 1000);
  });

  it('gives no national rate while a province with port-outs has no base', () => {
    // Of CMCC's 3 port-outs, Beijing's 1 has no base left: 3 / 1000 would set it against Guangdong's
    // subscribers alone. The week before has one in Beijing too (P10), so no rate and no change.
    expect(briefing.flows.home.current.portOutRate).toBeNull();
    expect(briefing.headline.portOutRate).toBeNull();
    expect(briefing.flows.home.previous).toMatchObject({ portOuts: 2, subscriberBase: 1000, portOutRate: null });
    expect(briefing.headline.portOutRateChange).toBeNull();
  });

  it('reports the copies and the conflict in the data-quality line', () => {
    // November base read 5 + 5 + 1: -5 twice (negative), 11/CMCC three times (conflicting), and
    // 44/CMCC, 44/CUCC, 11/CTCC twice each (one copy each superseded).
    expect(briefing.dataQuality).toMatchObject({
      rowsRead: 47 + 6,
      quarantinedTotal: 8 + 1 + 3,
      supersededVersions: 3 + 3,
    });
    expect(briefing.dataQuality.quarantined).toEqual(
      expect.arrayContaining([
        { reason: 'negative_value', count: 3 + 1 },
        { reason: 'conflicting_versions', count: 3 },
      ]),
    );
  });
});

describe('a survey answer delivered twice with the same collected_at', () => {
  it('keeps the version with the smaller category code, whatever the file order', async () => {
    const answer = (category_code: string) => surveyAnswer('CS-DUP', { category_code, channel: 'call' });
    const lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(dir, 'exit_reasons', '2019-11-27', [answer('PRICE')], { fileName: 'part-a.parquet' });
      await writePartition(dir, 'exit_reasons', '2019-11-27', [answer('NETWORK')], { fileName: 'part-z.parquet' });
    });
    const briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    // Baseline NETWORK 2, PRICE 1 of 4: NETWORK (smaller than PRICE) is kept.
    expect(briefing.dissatisfaction.responses).toBe(5);
    expect(briefing.dissatisfaction.categories.slice(0, 2)).toMatchObject([
      { category: 'NETWORK', count: 3 },
      { category: 'PRICE', count: 1 },
    ]);
  });
});

describe('a survey answer delivered again, in its partition and in a later one', () => {
  it('counts the answer once and its two copies as superseded in the data-quality line', async () => {
    const answer = (collected_at: string) => surveyAnswer('CS-COPIES', { collected_at });
    const lakeDir = await handMadeLakeWith(async (dir) => {
      // Tuesday 26 Nov twice (two files of one partition), then again on Thursday 28 Nov.
      for (const fileName of ['part-copy-a.parquet', 'part-copy-b.parquet'])
        await writePartition(dir, 'exit_reasons', '2019-11-26', [answer('2019-11-26 05:00:00')], { fileName });
      await writePartition(dir, 'exit_reasons', '2019-11-28', [answer('2019-11-28 05:00:00')], {
        fileName: 'part-copy.parquet',
      });
    });
    const briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    // Baseline (hq-weekly-figures.test.ts): 4 answers, 47 rows read, 3 superseded.
    expect(briefing.dissatisfaction.responses).toBe(4 + 1);
    expect(briefing.dataQuality).toMatchObject({ rowsRead: 47 + 3, supersededVersions: 3 + 2 });
    const expected = recompute(await readLakeRows(lakeDir), W48, 'CMCC');
    expect(briefing.dataQuality.supersededVersions).toBe(expected.superseded);
  });
});

describe('a survey answer delivered again in the week after its own', () => {
  // CS-NEXT, BILLING, collected Wednesday 27 Nov and again (clean) on Tuesday 3 Dec: its latest
  // copy is week 49's, so it counts there and not in week 48, in week 48's own report as in week
  // 49's baseline. Baseline (hq-weekly-figures.test.ts): week 48 has 4 answers, 47 rows read, 3
  // superseded; week 49 has no answer of its own.
  let w48: HqWeeklyBriefing;
  let w49: HqWeeklyBriefing;

  beforeAll(async () => {
    const answer = (collected_at: string) => surveyAnswer('CS-NEXT', { collected_at });
    const lakeDir = await handMadeLakeWith(async (dir) => {
      await writePartition(dir, 'exit_reasons', '2019-11-27', [answer('2019-11-27 05:00:00')], {
        fileName: 'part-next.parquet',
      });
      await writePartition(dir, 'exit_reasons', '2019-12-03', [answer('2019-12-03 05:00:00')], {
        fileName: 'part-next.parquet',
      });
    });
    w48 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    w49 = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W49' })) as HqWeeklyBriefing;
  });

  it('counts it in the week of its latest copy only', () => {
    expect(w48.dissatisfaction.responses).toBe(4);
    expect(w49.dissatisfaction.responses).toBe(1);
    expect(w49.dissatisfaction.categories.find((entry) => entry.category === 'BILLING')?.count).toBe(1);
  });

  it("leaves week 49's baseline (weeks 45 to 48) as the hand-made lake alone gives it", async () => {
    const plain = await handMadeLakeWith(async () => {});
    const plainW49 = (await modelOf(plain, { reportId: 'hq-weekly', periodId: '2019-W49' })) as HqWeeklyBriefing;
    expect(w49.dissatisfaction.previousResponses).toBe(plainW49.dissatisfaction.previousResponses);
  });

  it('counts the copy of week 48 as read and superseded there, not the copy of week 49', () => {
    expect(w48.dataQuality).toMatchObject({ rowsRead: 47 + 1, supersededVersions: 3 + 1 });
  });
});

describe('a rerun after the lake changed', () => {
  it('reads the new rows: a late status update moves the figures', async () => {
    // P14 (Beijing, CMCC -> CTCC, completed 29 Nov) is one of W48's 3 CMCC port-outs.
    const lakeDir = await handMadeLakeWith(async () => {});
    const outDir = await mkdtemp(join(tmpdir(), 'mnp-rerun-out-'));
    lakes.push(outDir);
    const first = await archiveReports(lakeDir, outDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
    const before = (await first.json('hq')) as HqWeeklyBriefing;
    // The correction arrives: P14 (requested 28 Nov 09:00 Beijing) is cancelled in a later version.
    await writePartition(
      lakeDir,
      'port_requests',
      '2019-11-28',
      [
        port('P14', {
          province_code: '11',
          requested_at: '2019-11-28 01:00:00',
          status: 'cancelled',
          completed_at: null,
          plan_code: 'CMCC-128',
          monthly_fee_cny: 128,
          msisdn_hash: hash('h14'),
          recipient_operator: 'CTCC',
          channel: 'store',
          tenure_months: 36,
          updated_at: '2019-12-01 08:00:00',
        }),
      ],
      { fileName: 'part-correction.parquet' },
    );
    const second = await archiveReports(lakeDir, outDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
    const after = (await second.json('hq')) as HqWeeklyBriefing;
    expect(before.flows.home.current.portOuts).toBe(3);
    expect(after.flows.home.current.portOuts).toBe(3 - 1);
    expect(after.flows.totalCompleted).toBe(6 - 1);
    // P14 is still a W48 request from CMCC, now decided as cancelled: 6 requests, 2 rejected.
    expect(after.rejections).toMatchObject({ requests: 6, rejected: 2 });
    expect(after.dataQuality.supersededVersions).toBe(before.dataQuality.supersededVersions + 1);
    expect(readBriefingPage(await second.html('hq')).kpi('Port-outs')[0]).toBe('2');
  });
});
