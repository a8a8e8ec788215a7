// Which provinces the headquarters briefing names for attention: the largest net outflows and
// net declines, never a ranking, so provinces tied at the cut are named alike.
import { describe, expect, it } from 'vitest';
import { ATTENTION_PROVINCES, attentionOf } from '#core/hq-weekly.ts';
import type { ProvinceFlow } from '#core/report-model.ts';

function flow(provinceCode: string, net: number, netChange: number | null): ProvinceFlow {
  return {
    provinceCode,
    portIns: 0,
    portOuts: 0,
    net,
    previousNet: netChange === null ? null : net - netChange,
    netChange,
    portOutRate: null,
  };
}

const named = (flows: ProvinceFlow[], reason: string) =>
  attentionOf(flows)
    .filter((item) => item.reason === reason)
    .map((item) => item.provinceCode);

describe('the provinces to look at', () => {
  it('names the three largest declines, and every province tied with the third', () => {
    // 2019-W48 on a generated lake: 37 −21, 44 −20, 33 −10, 41 −10; 33 was named and 41 was not.
    const flows = [flow('37', 0, -21), flow('44', 0, -20), flow('33', 0, -10), flow('41', 0, -10), flow('11', 0, -9)];
    expect(ATTENTION_PROVINCES).toBe(3);
    expect(named(flows, 'largest_net_decline')).toEqual(['33', '37', '41', '44']);
  });

  it('names only the three largest outflows when none ties with the third', () => {
    const flows = [flow('11', -5, 0), flow('12', -4, 0), flow('13', -3, 0), flow('14', -2, 0), flow('15', 1, 0)];
    expect(named(flows, 'largest_net_outflow')).toEqual(['11', '12', '13']);
  });

  it('names no decline where there is no comparison, and no province whose figure is not negative', () => {
    const flows = [flow('11', -1, null), flow('12', 0, 0), flow('13', 2, 3)];
    expect(named(flows, 'largest_net_decline')).toEqual([]);
    expect(named(flows, 'largest_net_outflow')).toEqual(['11']);
  });
});
