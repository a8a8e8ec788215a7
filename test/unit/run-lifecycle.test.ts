// The run lifecycle both drivers share: the period check, the hold and its journal entry, the
// final state, and the snapshot read back through its schema.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { DeliveryRecord } from '#core/delivery-ports.ts';
import { ArchiveError, ConfigurationError } from '#core/errors.ts';
import { parsePeriod } from '#core/period.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { readRunStatus } from '#core/run-journal.ts';
import { audienceOutcomeFromLedger, decideHold, finalRunState, reportPeriod } from '#core/run-lifecycle.ts';
import { parseRunSnapshot } from '#core/run-snapshot.ts';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function record(recipient: string, status: DeliveryRecord['status'], error?: string): DeliveryRecord {
  return {
    reportId: 'hq-weekly',
    periodId: '2019-W50',
    audience: 'hq',
    recipient,
    status,
    attempts: 1,
    messageId: '<m@x>',
    updatedAt: '2019-12-16T01:00:00Z',
    correction: false,
    possibleDuplicate: false,
    version: 2,
    ...(error ? { error } : {}),
  };
}

describe('run lifecycle', () => {
  it('refuses a period of the wrong kind for the report', () => {
    expect(() => reportPeriod(reportDefinition('hq-weekly'), '2019-12')).toThrow(ConfigurationError);
    expect(reportPeriod(reportDefinition('province-monthly'), '2019-12').id).toBe('2019-12');
  });

  it('holds within the grace window, writes the journal, and says when it tries again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifecycle-'));
    dirs.push(dir);
    const store = new FsReportStore(dir);
    const definition = reportDefinition('hq-weekly');
    const now = new Date('2019-12-16T01:00:00Z');
    const question = {
      definition,
      period: parsePeriod('2019-W50'),
      audiences: ['hq'],
      missing: ['port_requests/dt=2019-12-15'],
      firstAttemptAt: now,
      now,
      allowIncomplete: false,
      hint: 'HINT',
      journal: true,
    };

    const held = await decideHold(question, { store, log: quiet });

    expect(held).toMatchObject({
      held: true,
      retryAt: new Date(now.getTime() + definition.dataIncomplete.retryEveryMinutes * 60_000),
    });
    expect(held.held && held.message).toMatch(
      /^1 partition\(s\) missing or without a _SUCCESS marker, e\.g\. port_requests\/dt=2019-12-15; try again after .*; HINT$/,
    );
    expect(await readRunStatus(store, 'hq-weekly', '2019-W50')).toMatchObject({
      state: 'held',
      attempts: 1,
      partitionsMissing: ['port_requests/dt=2019-12-15'],
    });
    expect(await decideHold({ ...question, allowIncomplete: true }, { store, log: quiet })).toMatchObject({
      held: false,
    });
    expect(
      await decideHold(
        { ...question, journal: false, missing: ['x'] },
        { store: new FsReportStore(join(dir, 'none')), log: quiet },
      ),
    ).toMatchObject({ held: true });
    expect(await readRunStatus(new FsReportStore(join(dir, 'none')), 'hq-weekly', '2019-W50')).toBeUndefined();
  });

  it('keeps a week with no day of requests held past its grace window, instead of mailing zeros', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifecycle-'));
    dirs.push(dir);
    const definition = reportDefinition('hq-weekly');
    const period = parsePeriod('2019-W50');
    const days = ['09', '10', '11', '12', '13', '14', '15'].map((day) => `port_requests/dt=2019-12-${day}`);
    const firstAttemptAt = new Date('2019-12-16T01:00:00Z');
    const question = {
      definition,
      period,
      audiences: ['hq'],
      missing: days,
      firstAttemptAt,
      now: new Date(firstAttemptAt.getTime() + (definition.dataIncomplete.graceHours + 1) * 3_600_000),
      allowIncomplete: false,
      hint: 'HINT',
      journal: false,
    };
    const store = new FsReportStore(dir);

    const held = await decideHold(question, { store, log: quiet });
    // One day of the week in the lake: the grace window sends it with the banner, as before.
    const partly = await decideHold({ ...question, missing: days.slice(1) }, { store, log: quiet });

    expect(definition.dataIncomplete.whenGraceEnds).toBe('send-with-banner');
    expect(held).toMatchObject({ held: true, readiness: { action: 'stay-held' } });
    expect(held.held && held.message).toContain('with no day of the period in the lake this report stays held');
    expect(partly).toMatchObject({ held: false, readiness: { action: 'send-with-banner' } });
  });

  it('derives an audience outcome from its ledger records: a claim in flight is not delivered', () => {
    const to = ['a@example.com', 'B@example.com'];
    expect(
      audienceOutcomeFromLedger('hq', to, [record('a@example.com', 'sent'), record('b@example.com', 'sent')]).status,
    ).toBe('delivered');
    expect(audienceOutcomeFromLedger('hq', to, []).status).toBe('archived');
    const inFlight = audienceOutcomeFromLedger('hq', to, [
      record('a@example.com', 'sent'),
      record('b@example.com', 'sending'),
    ]);
    expect(inFlight).toMatchObject({
      status: 'failed',
      recipients: { expected: 2, sent: 1, notDelivered: ['B@example.com'] },
    });
  });

  it('ends a run in one state for both drivers', () => {
    const delivered = { audience: '11', status: 'delivered' as const };
    expect(
      finalRunState({ outcome: 'finished', audiences: [delivered, { audience: '12', status: 'delivered' }] }).state,
    ).toBe('delivered');
    expect(finalRunState({ outcome: 'finished', audiences: [{ audience: '11', status: 'archived' }] }).state).toBe(
      'archived',
    );
    // A run of province 44 alone: it says how far the period is, not that it archived 2 audiences.
    expect(
      finalRunState({ outcome: 'finished', audiences: [delivered, { audience: '11', status: 'archived' }] }).message,
    ).toMatch(/(^|; )1 of 2 audience\(s\) not sent yet$/);
    const failed = finalRunState({
      outcome: 'finished',
      audiences: [delivered, { audience: '44', status: 'failed', reason: 'SMTP 550' }],
    });
    expect(failed).toEqual({
      state: 'delivery-failed',
      message: 'not delivered to 44 (of 2), e.g. 44: SMTP 550; run again: the ledger skips what was sent',
    });
    expect(finalRunState({ outcome: 'failed', error: { name: 'QueryError', message: 'boom\nstack' } })).toEqual({
      state: 'failed',
      message: 'QueryError: boom',
    });
    expect(finalRunState({ outcome: 'held', hint: 'HINT' }).state).toBe('held');
  });

  it('reads a snapshot through its schema and names what does not match', () => {
    const snapshot = {
      reportId: 'hq-weekly',
      periodId: '2019-W50',
      homeOperator: 'CMCC',
      generatedAt: '2019-12-16T01:00:00.000Z',
      audiences: ['hq'],
      queryCount: 6,
      partitionsMissing: [],
      rows: { flows: [], requests: [], categories: [], base: [], valueMirror: [], dataQuality: [] },
    };
    expect(parseRunSnapshot(JSON.stringify(snapshot), 's3://x').periodId).toBe('2019-W50');
    const broken = {
      ...snapshot,
      rows: {
        ...snapshot.rows,
        flows: [{ periodStart: '2019-12-09', provinceCode: '11', donor: 'CMCC', recipient: 'CTCC', ports: '3' }],
      },
    };
    expect(() => parseRunSnapshot(JSON.stringify(broken), 's3://x')).toThrow(ArchiveError);
    expect(() => parseRunSnapshot(JSON.stringify(broken), 's3://x')).toThrow(/rows\.flows\.0\.ports/);
    expect(() => parseRunSnapshot('{', 's3://x')).toThrow(/not JSON/);
  });
});
