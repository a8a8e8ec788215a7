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
      figure('BILLING', 10, 0.1, 0.11),
    ];
    expect(guidanceFor(categories, 'en').map((entry) => entry.category)).toEqual(['PRICE', 'NETWORK', 'SERVICE']);
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
