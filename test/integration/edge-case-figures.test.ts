// Edge cases an audit found where a reader could be misled (issue 20), on the hand-made W48 lake
// (test/fixtures/hand-made-lake.ts) with a few rows added. Baseline figures, derived by hand in
// hq-weekly-figures.test.ts: CMCC W48 ins 2 (P4 P5) outs 3 (P1 P2 P14); W47 ins 1, outs 2;
// requests from CMCC in W48 6 (2 rejected, ARREARS and CONTRACT_ACTIVE, none pending), W47 3;
// W48 answers NETWORK 2, PRICE 1, BILLING 1, earlier shares NETWORK 0.25, PRICE 0.5.
//
// Added: PEND1-2, CMCC requests of Saturday 30 Nov still pending (an immature week); T1-T2,
// CMCC -> CUCC ports completed in Tianjin (12) in W48 and T3-T4 in W47 (Tianjin has no clean
// base row, and its net -2 both weeks); one more PRICE answer in W48 (a tie with NETWORK).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import { createBriefingRenderer } from '#render/briefing-renderer.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { archiveReports } from '../reliability/support/briefing-runs.ts';
import { type BriefingPage, readBriefingPage } from '../support/briefing-page.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';

function port(id: string, extra: Partial<FixtureRow>): FixtureRow {
  return {
    port_id: id,
    msisdn_hash: hash(`edge-${id}`),
    province_code: '44',
    donor_operator: 'CMCC',
    recipient_operator: 'CUCC',
    status: 'completed',
    reject_reason: null,
    channel: 'app',
    tenure_months: 30,
    plan_code: 'CMCC-58',
    monthly_fee_cny: 58,
    requested_at: '2019-11-26 02:00:00',
    completed_at: '2019-11-27 02:00:00',
    updated_at: '2019-11-27 02:00:00',
    ...extra,
  };
}
const pending = (id: string) =>
  port(id, {
    status: 'pending',
    requested_at: '2019-11-30 04:00:00',
    completed_at: null,
    updated_at: '2019-11-30 05:00:00',
  });
const tianjinW47 = (id: string) =>
  port(id, {
    province_code: '12',
    requested_at: '2019-11-19 03:00:00',
    completed_at: '2019-11-20 03:00:00',
    updated_at: '2019-11-20 03:00:00',
  });

let lakeDir: string;
let outDir: string;
let briefing: HqWeeklyBriefing;
let page: BriefingPage;
let zhPage: BriefingPage;

beforeAll(async () => {
  lakeDir = await mkdtemp(join(tmpdir(), 'mnp-edge-lake-'));
  outDir = await mkdtemp(join(tmpdir(), 'mnp-edge-out-'));
  await writeHandMadeLake(lakeDir);
  await writePartition(lakeDir, 'port_requests', '2019-11-30', [pending('PEND1'), pending('PEND2')], {
    fileName: 'part-edge.parquet',
  });
  await writePartition(
    lakeDir,
    'port_requests',
    '2019-11-26',
    [port('T1', { province_code: '12' }), port('T2', { province_code: '12' })],
    { fileName: 'part-edge.parquet' },
  );
  await writePartition(lakeDir, 'port_requests', '2019-11-19', [tianjinW47('T3'), tianjinW47('T4')], {
    fileName: 'part-edge.parquet',
  });
  await writePartition(
    lakeDir,
    'exit_reasons',
    '2019-11-27',
    [
      {
        response_id: 'EDGE-E1',
        port_id: null,
        msisdn_hash: hash('edge-e1'),
        province_code: '44',
        operator_code: 'CMCC',
        category_code: 'PRICE',
        subcategory_code: null,
        collected_at: '2019-11-27 04:00:00',
        channel: 'app',
        verbatim: null,
      },
    ],
    { fileName: 'part-edge.parquet' },
  );
  const files = await archiveReports(lakeDir, outDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
  briefing = (await files.json('hq')) as HqWeeklyBriefing;
  page = readBriefingPage(await files.html('hq'));
  zhPage = readBriefingPage((await createBriefingRenderer({ locale: 'zh-CN' }).render(briefing)).pageHtml);
});

afterAll(async () => {
  await rm(lakeDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe('an immature week (requests still pending)', () => {
  // W48: 6 + 2 pending + T1 T2 = 10 requests, 8 decided, 2 rejected: 2/8. W47: 3 + T3 T4 = 5, none rejected.
  it('computes the rejection rate over decided requests and counts the pending ones', () => {
    expect(briefing.rejections).toMatchObject({
      requests: 10,
      pending: 2,
      rejected: 2,
      rate: 2 / 8,
      previousPending: 0,
      previousRate: 0,
      rateChange: 2 / 8,
    });
  });

  it('shows the pending requests in their row and says the week is not complete', () => {
    const rows = page.rows('Port-out requests and rejections');
    expect(rows.get('Port-out requests')).toEqual(['10']);
    expect(rows.get('Still awaiting an outcome')).toEqual(['2']);
    expect(rows.get('Rejection rate (of decided requests)')).toEqual(['25.0%']);
    expect(page.lead('Eligibility checks')).toMatch(
      /^2 of 8 decided port-out requests .*; 2 more requests are still awaiting an outcome, so this period is not yet complete/,
    );
    expect(zhPage.lead('携出资格校验')).toContain('另有 2 个申请尚待处理');
  });
});

describe('a province whose signed figures cancel', () => {
  it('stays in the province table (Tianjin: 2 port-outs, no base, net -2 both weeks)', () => {
    expect(briefing.flows.byProvince.find((flow) => flow.provinceCode === '12')).toEqual({
      provinceCode: '12',
      portIns: 0,
      portOuts: 2,
      net: -2,
      previousNet: -2,
      netChange: 0,
      portOutRate: null,
    });
    expect(page.cell('China Mobile flows per province', 'Tianjin', 'Port-outs')).toBe('2');
  });

  it('has province rows that add up to the national figures', () => {
    const sum = (pick: (flow: HqWeeklyBriefing['flows']['byProvince'][number]) => number | null) =>
      briefing.flows.byProvince.reduce((total, flow) => total + pick(flow)!, 0);
    // National: ins 2, outs 3 + T1 T2 = 5; W47 net 1 - (2 + T3 T4) = -3.
    expect(briefing.flows.home.current).toMatchObject({ portIns: 2, portOuts: 5 });
    expect(sum((flow) => flow.portIns)).toBe(briefing.flows.home.current.portIns);
    expect(sum((flow) => flow.portOuts)).toBe(briefing.flows.home.current.portOuts);
    expect(sum((flow) => flow.previousNet)).toBe(briefing.flows.home.previous?.net);
    expect(briefing.flows.home.previous?.net).toBe(-3);
  });
});

describe('tied reasons', () => {
  // NETWORK 2, PRICE 2 of 5 answers; PRICE first (its earlier share is larger), NETWORK tied.
  it('names every tied category in the headline', () => {
    expect(briefing.headline.topCategory).toEqual({
      category: 'PRICE',
      share: 0.4,
      shareChange: 0.4 - 0.5,
      tiedWith: ['NETWORK'],
    });
    expect(page.kpi('Main reason for leaving')).toEqual(['Tariff level, Network coverage and quality (tied) 40.0%']);
  });

  it('says the categories are tied, in both languages', () => {
    expect(page.lead('Reasons for leaving')).toBe(
      'Leavers gave 5 reasons this week; “Tariff level”, “Network coverage and quality” are tied as the largest categories, at 40.0% each.',
    );
    expect(zhPage.lead('离网原因')).toBe(
      '本周共有 5 份离网原因答复，其中“资费水平”、“网络覆盖与质量”并列占比最大，各为 40.0%。',
    );
  });

  it('says the rejection reasons are tied (ARREARS 1, CONTRACT_ACTIVE 1)', () => {
    expect(page.lead('Eligibility checks')).toContain(
      '; the most frequent reasons were tied: “Arrears”, “Active contract”, at 50.0% each',
    );
    expect(zhPage.lead('携出资格校验')).toContain('；最常见的原因并列为“欠费”、“合约未到期”，各占 50.0%');
  });
});
