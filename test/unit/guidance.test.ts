// The guidance rules: which playbook entries a province sees.
import { describe, expect, it } from 'vitest';
import { guidanceFor, type Playbook, playbook } from '#core/guidance.ts';
import type { ProvinceCategoryFigure } from '#core/report-model.ts';

function figure(category: string, count: number, share: number, nationalShare: number): ProvinceCategoryFigure {
  return {
    category,
    count,
    share,
    previousShare: null,
    shareChange: null,
    nationalShare,
    overIndex: share - nationalShare,
  };
}

const overIndexOnly: Playbook = { ...playbook, defaultRule: { overIndexPoints: 0.03, topCategories: 0 } };

describe('guidance rules', () => {
  it('brings the entry of a category that over-indexes by the threshold', () => {
    const entries = guidanceFor([figure('NETWORK', 40, 0.4, 0.3), figure('PRICE', 30, 0.3, 0.3)], 'en', overIndexOnly);
    expect(entries.map((entry) => entry.category)).toEqual(['NETWORK']);
    expect(entries[0]!.reasons).toEqual(['over_index']);
  });

  it('leaves out a category that does not over-index and is not in the top categories', () => {
    const categories = [
      figure('PRICE', 50, 0.5, 0.5),
      figure('NETWORK', 30, 0.3, 0.3),
      figure('SERVICE', 10, 0.1, 0.1),
      figure('BILLING', 9, 0.09, 0.1),
    ];
    expect(guidanceFor(categories, 'en').map((entry) => entry.category)).toEqual(['PRICE', 'NETWORK', 'SERVICE']);
  });

  it('guides every category tied with the third largest, not the one that sorts first', () => {
    // Province 11: NETWORK 5, PRICE 3, BILLING 2, SERVICE 2 of 12; none above the national mix.
    const categories = [
      figure('NETWORK', 5, 5 / 12, 0.5),
      figure('PRICE', 3, 3 / 12, 0.3),
      figure('BILLING', 2, 2 / 12, 0.2),
      figure('SERVICE', 2, 2 / 12, 0.2),
      figure('OFFER', 0, 0, 0.1),
    ];
    const entries = guidanceFor(categories, 'en');
    expect(entries.map((entry) => [entry.category, entry.reasons])).toEqual([
      ['NETWORK', ['top_category']],
      ['PRICE', ['top_category']],
      ['BILLING', ['top_category']],
      ['SERVICE', ['top_category']],
    ]);
  });

  it('counts a category exactly at the threshold as over-indexing, whatever the rounding of its shares', () => {
    // 1 of 12 against 4 of 75: 8.333 % - 5.333 % = 3 points, 0.029999999999999992 in doubles
    const offer = figure('OFFER', 1, 1 / 12, 4 / 75);
    expect(offer.overIndex).toBeLessThan(0.03);
    expect(guidanceFor([offer], 'en', overIndexOnly).map((entry) => entry.reasons)).toEqual([['over_index']]);
    expect(guidanceFor([figure('OFFER', 1, 0.0829, 0.053)], 'en', overIndexOnly)).toEqual([]);
  });

  it('shows nothing for a category nobody named this month', () => {
    expect(guidanceFor([figure('RELOCATION', 0, 0, 0)], 'en')).toEqual([]);
  });

  it('speaks the report language', () => {
    const [zh] = guidanceFor([figure('CONTRACT', 5, 0.5, 0.1)], 'zh-CN');
    const [en] = guidanceFor([figure('CONTRACT', 5, 0.5, 0.1)], 'en');
    expect(zh!.title).toBe('协议条款与合约限制');
    expect(en!.title).toBe('Agreement terms and lock-in');
  });

  it('has one reviewed entry per dissatisfaction category, in both languages', () => {
    expect(playbook.entries).toHaveLength(10);
    expect(playbook.reviewedBy).not.toBe('');
  });
});
