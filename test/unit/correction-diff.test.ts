// What a correction corrects, on the provincial model of render-models.ts: a late load moves one
// CUCC -> CMCC port and one more leaver citing NETWORK into the month, and a reject reason new
// to the month appears. By hand: home port-ins 4,444 -> 4,445, net −2,345 -> −2,344; CUCC
// port-ins (to CMCC) 1,500 -> 1,501, net −600 -> −599; completed ports 15,432 -> 15,433;
// NETWORK leavers 700 -> 701; ARREARS rejections 0 -> 3, rejected 1,215 -> 1,218.
import { describe, expect, it } from 'vitest';
import { type CorrectionNote, changedFigures } from '#core/correction-diff.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { decideSend, figuresDiffer, type SentVersionWithModel } from '#core/sent-archive.ts';
import { noticeView } from '#render/mime/correction-notice.ts';
import { provinceModel } from './render-models.ts';

function corrected() {
  const model = provinceModel();
  model.headline = { ...model.headline, net: -2_344 };
  model.flows.totalCompleted = 15_433;
  model.flows.home = { ...model.flows.home, current: { ...model.flows.home.current, portIns: 4_445, net: -2_344 } };
  model.flows.withOperators = [
    { operator: 'CUCC', portIns: 1_501, portOuts: 2_100, net: -599 },
    model.flows.withOperators[1]!,
  ];
  model.dissatisfaction.categories = model.dissatisfaction.categories.map((entry) =>
    entry.category === 'NETWORK' ? { ...entry, count: 701 } : entry,
  );
  model.rejections = {
    ...model.rejections,
    rejected: 1_218,
    reasons: [...model.rejections.reasons, { reason: 'ARREARS', count: 3, share: 3 / 1_218, nationalShare: 0.1 }],
  };
  return model;
}

describe('the changed figures of a correction', () => {
  it('lists each compared figure that changed, old -> new, in reading order', () => {
    expect(changedFigures(provinceModel(), corrected())).toEqual([
      { group: 'headline', measure: 'net', format: 'signed', before: -2_345, after: -2_344 },
      { group: 'headline', measure: 'portIns', format: 'count', before: 4_444, after: 4_445 },
      { group: 'flows', measure: 'totalCompleted', format: 'count', before: 15_432, after: 15_433 },
      { group: 'operator', measure: 'portIns', subject: 'CUCC', format: 'count', before: 1_500, after: 1_501 },
      { group: 'operator', measure: 'net', subject: 'CUCC', format: 'signed', before: -600, after: -599 },
      { group: 'category', measure: 'leavers', subject: 'NETWORK', format: 'count', before: 700, after: 701 },
      { group: 'rejectReason', measure: 'rejected', format: 'count', before: 1_215, after: 1_218 },
      { group: 'rejectReason', measure: 'rejected', subject: 'ARREARS', format: 'count', before: 0, after: 3 },
    ]);
  });

  it("lists the top category's share, and where the top changed, each named category's share in both", () => {
    const sent = provinceModel();
    /** The model with these categories' shares (counts unchanged) and the largest as the headline's. */
    const withShares = (shares: Record<string, number>) => {
      const model = provinceModel();
      const categories = model.dissatisfaction.categories.map((entry) => ({
        ...entry,
        share: shares[entry.category] ?? entry.share,
      }));
      const top = [...categories].sort((a, b) => (b.share ?? 0) - (a.share ?? 0))[0]!;
      model.dissatisfaction = { ...model.dissatisfaction, categories };
      model.headline = {
        ...model.headline,
        topCategory: { ...model.headline.topCategory!, category: top.category, share: top.share! },
      };
      return model;
    };
    const shareMoved = withShares({ PRICE: 0.38 });
    const newTop = withShares({ PRICE: 0.33, NETWORK: 0.42 });

    expect(changedFigures(sent, shareMoved)).toEqual([
      { group: 'headline', measure: 'topCategoryShare', subject: 'PRICE', format: 'rate', before: 0.41, after: 0.38 },
    ]);
    // both shares exist in both versions: neither reads as "—"
    expect(changedFigures(sent, newTop)).toEqual([
      { group: 'headline', measure: 'topCategoryShare', subject: 'PRICE', format: 'rate', before: 0.41, after: 0.33 },
      { group: 'headline', measure: 'topCategoryShare', subject: 'NETWORK', format: 'rate', before: 0.35, after: 0.42 },
    ]);
    const note = {
      reason: 'r',
      correctsSentAt: '2019-12-03T01:05:00.000Z',
      changes: changedFigures(sent, shareMoved),
      otherFiguresChanged: false,
    };
    expect(noticeView('en', 'x', note).rows[0]!.label).toBe('Share of the top reason, Tariff level');
  });

  it('is empty, and the figures equal, when only the render time differs', () => {
    const again = { ...provinceModel(), generatedAt: '2019-12-05T09:00:00.000Z' };

    expect(changedFigures(provinceModel(), again)).toEqual([]);
    expect(figuresDiffer(provinceModel(), again)).toBe(false);
  });

  it('reads in both languages, with the reason and the time of the mail it corrects', () => {
    const note = {
      reason: 'late load',
      correctsSentAt: '2019-12-03T01:05:00.000Z',
      changes: changedFigures(provinceModel(), corrected()),
      otherFiguresChanged: false,
    };

    const en = noticeView('en', 'MNP monthly guidance', note);
    const zh = noticeView('zh-CN', '携号转网月度指导', note);

    expect(en.reason).toBe('Why: late load');
    expect(en.notice).toContain('sent on 3 Dec 2019, 09:05');
    expect(en.rows.slice(0, 2)).toEqual([
      { label: 'Net flow', before: '−2,345', after: '−2,344' },
      { label: 'Port-ins', before: '4,444', after: '4,445' },
    ]);
    expect(en.rows[3]).toEqual({ label: 'China Unicom: port-ins', before: '1,500', after: '1,501' });
    expect(zh.rows[2]).toEqual({ label: '全部运营商完成携转量', before: '15,432', after: '15,433' });
    expect(zh.sentence).toBeNull();
    expect(noticeView('zh-CN', 'x', { ...note, changes: [] }).sentence).toBe(
      '与2019年12月3日 09:05的邮件相比，摘要数据没有变化。',
    );
  });
});

describe('a correction of a version sent with the data-incomplete banner', () => {
  // The missing partitions' markers arrived and no figure moved: only the banner and the list of
  // missing partitions differ. The notice says so, instead of "other figures were corrected".
  const sentAt = '2019-12-03T01:05:00.000Z';
  const withBanner = () => {
    const model = provinceModel();
    return {
      ...model,
      dataIncomplete: true,
      dataQuality: { ...model.dataQuality, partitionsMissing: ['port_requests/dt=2019-11-27'] },
    };
  };
  const decide = (sent: ReturnType<typeof provinceModel>, now: ReturnType<typeof provinceModel>) =>
    decideSend(
      { model: now } as unknown as ArchivedReport,
      { record: { sentAt }, model: sent } as unknown as SentVersionWithModel,
      { resend: true, reason: 'markers arrived' },
    );

  it('says the data is now whole, and that no figure changed', () => {
    const decision = decide(withBanner(), provinceModel());

    expect(decision).toMatchObject({
      action: 'deliver',
      correctionNote: { changes: [], otherFiguresChanged: false, dataCompleted: true },
    });
    const note = (decision as { correctionNote: CorrectionNote }).correctionNote;
    expect(noticeView('en', 'x', note).sentence).toBe(
      'No figure changed since the mail of 3 Dec 2019, 09:05; the data it lacked has arrived, so this version no longer carries the "data incomplete" banner.',
    );
  });

  it('still says other figures were corrected when one outside the summary moved too', () => {
    const now = provinceModel();
    now.rejections = { ...now.rejections, rate: (now.rejections.rate ?? 0) + 0.001 };

    expect(decide(withBanner(), now)).toMatchObject({
      correctionNote: { changes: [], otherFiguresChanged: true, dataCompleted: true },
    });
  });
});
