// Which partitions make a report's data incomplete.
import { describe, expect, it } from 'vitest';
import { missingPartitions } from '#core/data-quality.ts';
import type { LakeTable, PartitionState } from '#core/ports.ts';

const none = { port_requests: [], exit_reasons: [], usage_monthly: [], subscriber_base: [] };
const column = (table: LakeTable) => (table === 'port_requests' || table === 'exit_reasons' ? 'dt' : 'month');

function lake(values: [string, boolean][]): Record<LakeTable, PartitionState[]> {
  return { ...none, port_requests: values.map(([value, complete]) => ({ table: 'port_requests', value, complete })) };
}

const plan = {
  partitionsRead: { ...none, port_requests: ['2019-11-01', '2019-11-02', '2019-11-03', '2019-11-04'] },
  periodPartitions: { ...none, port_requests: ['2019-11-03', '2019-11-04'] },
};

describe('missing partitions', () => {
  it('names a period partition without its _SUCCESS marker (still loading)', () => {
    expect(
      missingPartitions(
        plan,
        lake([
          ['2019-11-01', true],
          ['2019-11-02', true],
          ['2019-11-03', true],
          ['2019-11-04', false],
        ]),
        column,
      ),
    ).toEqual(['port_requests/dt=2019-11-04']);
  });

  it('names a period partition that is absent', () => {
    expect(
      missingPartitions(
        plan,
        lake([
          ['2019-11-01', true],
          ['2019-11-02', true],
          ['2019-11-03', true],
        ]),
        column,
      ),
    ).toEqual(['port_requests/dt=2019-11-04']);
  });

  it('names a gap in the history, but not history before the lake begins', () => {
    expect(
      missingPartitions(
        plan,
        lake([
          ['2019-11-02', true],
          ['2019-11-04', true],
        ]),
        column,
      ),
    ).toEqual(['port_requests/dt=2019-11-03']);
    expect(
      missingPartitions(
        plan,
        lake([
          ['2019-11-03', true],
          ['2019-11-04', true],
        ]),
        column,
      ),
    ).toEqual([]);
  });

  it('names every period partition of a table that has none', () => {
    expect(missingPartitions(plan, lake([]), column)).toEqual([
      'port_requests/dt=2019-11-03',
      'port_requests/dt=2019-11-04',
    ]);
  });

  describe('the usage, which the value mirror sums over the months it finds', () => {
    const usagePlan = {
      partitionsRead: {
        ...none,
        port_requests: ['2019-11-03', '2019-11-04'],
        usage_monthly: ['2019-08', '2019-09', '2019-10'],
      },
      periodPartitions: { ...none, port_requests: ['2019-11-03', '2019-11-04'] },
    };
    const months = (values: string[]): PartitionState[] =>
      values.map((value) => ({ table: 'usage_monthly', value, complete: true }));
    const requests = (first: string) =>
      lake([
        [first, true],
        ['2019-11-03', true],
        ['2019-11-04', true],
      ]).port_requests;

    it('misses its months from the month the lake starts in, also when the table is absent', () => {
      const present = { ...none, port_requests: requests('2019-09-20') };
      expect(missingPartitions(usagePlan, { ...present, usage_monthly: months(['2019-10']) }, column)).toEqual([
        'usage_monthly/month=2019-09',
      ]);
      expect(missingPartitions(usagePlan, present, column)).toEqual([
        'usage_monthly/month=2019-09',
        'usage_monthly/month=2019-10',
      ]);
    });

    it('does not miss months before the lake, nor before its own first when it starts earlier', () => {
      expect(missingPartitions(usagePlan, { ...none, port_requests: requests('2019-11-01') }, column)).toEqual([]);
      expect(
        missingPartitions(
          usagePlan,
          { ...none, port_requests: requests('2019-11-01'), usage_monthly: months(['2019-09', '2019-10']) },
          column,
        ),
      ).toEqual([]);
      expect(
        missingPartitions(
          usagePlan,
          { ...none, port_requests: requests('2019-11-01'), usage_monthly: months(['2019-08', '2019-10']) },
          column,
        ),
      ).toEqual(['usage_monthly/month=2019-09']);
    });
  });
});
