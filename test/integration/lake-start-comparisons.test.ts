// A lake that starts inside the weeks a briefing compares with (its first weeks in service). The
// hand-made W48 lake (test/fixtures/hand-made-lake.ts) holds port_requests from Monday 30 Sep;
// here its port_requests partitions before a later first day are taken away. Starting on
// Wednesday 20 Nov, W47 (18-24 Nov) is held for five days of seven: set against W48 it read as
// a change of hundreds of per cent, and the trend's earlier weeks as nets of zero. Starting on
// Monday 18 Nov, W47 is held whole and is compared with as before.
//
// By hand, from the fixture: CMCC W48 ins 2 (P4 P5) outs 3 (P1 P2 P14), net -1, whatever the
// lake's start; W47 ins 1, outs 2, net -1 (all on or after 18 Nov).
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HqWeeklyBriefing, ProvinceMonthlyBriefing } from '#core/report-model.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { archiveReports, modelOf } from '../reliability/support/briefing-runs.ts';
import { readBriefingPage } from '../support/briefing-page.ts';

let workDir: string;
let wholeLake: string;

/** The hand-made lake without its port_requests partitions before `firstDay`. */
async function lakeStartingOn(firstDay: string): Promise<string> {
  const lakeDir = join(workDir, `lake-from-${firstDay}`);
  await cp(wholeLake, lakeDir, { recursive: true });
  const table = join(lakeDir, 'port_requests');
  for (const folder of await readdir(table))
    if (folder.startsWith('dt=') && folder.slice(3) < firstDay)
      await rm(join(table, folder), { recursive: true, force: true });
  return lakeDir;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-lake-start-'));
  wholeLake = join(workDir, 'whole');
  await writeHandMadeLake(wholeLake);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('a lake starting on a Wednesday, inside the week before the report', () => {
  let briefing: HqWeeklyBriefing;
  let whole: HqWeeklyBriefing;
  let lakeDir: string;

  beforeAll(async () => {
    lakeDir = await lakeStartingOn('2019-11-20');
    briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    whole = (await modelOf(wholeLake, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
  }, 120_000);

  it("keeps the week's own figures", () => {
    expect(briefing.flows.home.current).toMatchObject({ portIns: 2, portOuts: 3, net: -1 });
    expect(briefing.headline).toMatchObject({ net: -1, portOuts: 3 });
    expect(briefing.flows.home.current).toEqual(whole.flows.home.current);
    expect(briefing.flows.byOperator).toEqual(whole.flows.byOperator);
    expect(briefing.flows.matrix).toEqual(whole.flows.matrix);
    // the same counts and shares; ties are no longer ordered by an earlier share
    const ofWeek = (model: HqWeeklyBriefing) =>
      model.dissatisfaction.categories
        .filter((entry) => entry.count > 0)
        .map(({ category, count, share }) => ({ category, count, share }))
        .sort((a, b) => a.category.localeCompare(b.category));
    expect(ofWeek(briefing)).toEqual(ofWeek(whole));
    expect(briefing.dissatisfaction.responses).toBe(4);
    expect(briefing.dataIncomplete).toBe(false);
  });

  it('makes no comparison with the week the lake holds in part', () => {
    expect(briefing.lakeStartsOn).toBe('2019-11-20');
    expect(briefing.flows.home.previous).toBeNull();
    expect(briefing.headline).toMatchObject({ netChange: null, portOutsChange: null, portOutRateChange: null });
    expect(briefing.flows.home).toMatchObject({ netChange: null, portInsChange: null });
    expect(briefing.flows.byProvince.length).toBeGreaterThan(0);
    for (const flow of briefing.flows.byProvince) expect(flow).toMatchObject({ previousNet: null, netChange: null });
    expect(briefing.flows.attention.map((item) => item.reason)).not.toContain('largest_net_decline');
    expect(briefing.rejections).toMatchObject({ previousRate: null, previousPending: null, rateChange: null });
    // every earlier week of the categories' baseline starts before 20 Nov: no count, not zero
    expect(briefing.dissatisfaction.previousResponses).toBeNull();
    for (const category of briefing.dissatisfaction.categories) expect(category.previousShare).toBeNull();
  });

  it('draws the trend from the first week the lake holds whole', () => {
    expect(briefing.flows.trend.map((point) => point.period)).toEqual(['2019-W48']);
    expect(briefing.flows.trend[0]).toMatchObject({ portIns: 2, portOuts: 3, net: -1 });
  });

  it('says so in the notes, and shows dashes where the changes were', async () => {
    const files = await archiveReports(lakeDir, join(workDir, 'out-wednesday'), {
      reportId: 'hq-weekly',
      periodId: '2019-W48',
    });
    const text = await files.text('hq');
    expect(text.replace(/\s+/g, ' ')).toContain(
      'The lake holds port requests from 2019-11-20: a period that starts before that day is not compared with',
    );
    const page = readBriefingPage(await files.html('hq'));
    expect(page.kpi('Net flow')[1]).toMatch(/—$/);
    expect(page.cell('China Mobile: this week and last week', 'Net flow', 'Last week')).toBe('—');
    expect(page.cell('China Mobile: this week and last week', 'Net flow', 'This week')).toBe('−1');
    expect(text.replace(/\s+/g, ' ')).toContain('(4 answers this week, — in earlier periods)');
    // one week on the trend is no history: not "in every week"
    expect(text.replace(/\s+/g, ' ')).toContain(
      'The trend holds this week alone (the lake starts within the trend): the net flow of China Mobile this week is −1.',
    );
    expect(text).not.toContain('in every week');
  });
});

describe('a lake starting on the Monday of the week before the report', () => {
  it('compares with that week as the whole lake does, and notes where the trend starts', async () => {
    const lakeDir = await lakeStartingOn('2019-11-18');
    const briefing = (await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;
    const whole = (await modelOf(wholeLake, { reportId: 'hq-weekly', periodId: '2019-W48' })) as HqWeeklyBriefing;

    expect(briefing.flows.home.previous).toMatchObject({ portIns: 1, portOuts: 2, net: -1 });
    expect(briefing.flows.home).toEqual(whole.flows.home);
    expect(briefing.headline.netChange).toBe(0);
    expect(briefing.flows.byProvince).toEqual(whole.flows.byProvince);
    expect(briefing.flows.trend.map((point) => point.period)).toEqual(['2019-W47', '2019-W48']);
    expect(briefing.flows.trend).toEqual(whole.flows.trend.slice(-2));
    expect(briefing.lakeStartsOn).toBe('2019-11-18');
    expect(whole.lakeStartsOn).toBeNull();
  }, 120_000);
});

describe('a province report in the lake’s first month', () => {
  it('makes no comparison with October when the lake starts on 20 November', async () => {
    const lakeDir = await lakeStartingOn('2019-11-20');
    const briefing = (await modelOf(lakeDir, {
      reportId: 'province-monthly',
      periodId: '2019-11',
      audience: '44',
    })) as ProvinceMonthlyBriefing;

    expect(briefing.lakeStartsOn).toBe('2019-11-20');
    expect(briefing.flows.home.previous).toBeNull();
    expect(briefing.headline.netChange).toBeNull();
    expect(briefing.flows.trend.map((point) => point.period)).toEqual(['2019-11']);
    expect(briefing.rejections.previousRate).toBeNull();
    // November itself starts before the lake: its own days before 20 November are missing
    expect(briefing.dataIncomplete).toBe(true);
  }, 120_000);
});
