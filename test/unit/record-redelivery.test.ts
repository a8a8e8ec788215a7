// Record after the failed audiences' second attempt (the RedeliverFailed Map, or its redrive):
// each redelivered audience's outcome replaces its failure, so a run whose last audiences went
// out on a redrive is recorded as delivered, and one still failing stays delivery-failed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { readRunStatus } from '#core/run-journal.ts';
import { recordStep } from '#handlers/steps/record-step.ts';

const silent = { info() {}, warn() {}, error() {} };
const failed = (audience: string) => ({
  audience,
  status: 'failed' as const,
  error: 'DeliveryError',
  cause: JSON.stringify({ errorType: 'DeliveryError', errorMessage: `${audience}: SES throttled` }),
});
const delivered = (audience: string) => ({ audience, status: 'delivered' as const });

function recordOf(deliveries: object[], redeliveries?: object[]) {
  return {
    request: { reportId: 'province-monthly', periodId: '2019-11' },
    startedAt: '2019-12-03T01:00:00.000Z',
    outcome: 'finished' as const,
    prepared: {
      periodId: '2019-11',
      snapshotKey: 'runs/province-monthly/2019-11/snapshot.json',
      audiences: ['11', '12', '44'],
    },
    deliveries,
    ...(redeliveries ? { redeliveries } : {}),
  } as Parameters<typeof recordStep>[0];
}

describe('recording a run after its failed audiences were delivered again', () => {
  it('records delivered when every failed audience went out on the second attempt', async () => {
    const store = new FsReportStore(mkdtempSync(join(tmpdir(), 'mnp-record-')));

    const output = await recordStep(
      recordOf([delivered('11'), failed('12'), failed('44')], [delivered('12'), delivered('44')]),
      { store, log: silent, now: () => new Date('2019-12-03T02:00:00Z') },
    );

    expect(output).toMatchObject({ state: 'delivered', failed: 0, failedAudiences: [] });
    expect((await readRunStatus(store, 'province-monthly', '2019-11'))?.message).toBe('delivered to 3 audience(s)');
  });

  it('keeps delivery-failed, naming the audience, when one is still failing', async () => {
    const store = new FsReportStore(mkdtempSync(join(tmpdir(), 'mnp-record-')));

    const output = await recordStep(
      recordOf([delivered('11'), failed('12'), failed('44')], [delivered('12'), failed('44')]),
      { store, log: silent, now: () => new Date('2019-12-03T02:00:00Z') },
    );

    expect(output).toMatchObject({ state: 'delivery-failed', failed: 1, failedAudiences: ['44'] });
  });
});
