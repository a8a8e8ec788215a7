// Quarantine, reason by reason (data-contract.md, "Bad input"): a row with an unknown code, a
// missing key column, a malformed timestamp, a negative fee or count, or a donor equal to its
// recipient is left out of every figure, counted under its reason in the data-quality section
// of briefing.json, and nothing else is lost.
//
// test/integration/bad-lake-input.test.ts already covers an unknown exit category (never folded
// into OTHER), a lower-case operator code and a column missing from a file; the rows below are
// the other ways a row breaks the contract, at least one table per reason.
//
// Each bad row is added to the hand-made W48 lake (test/fixtures/hand-made-lake.ts) inside the
// week's own partitions. Each comes with its clean twin, the same row without the defect: the
// twin changes the figures, so the bad row would have counted had it not been quarantined.
// Then, per reason, all its bad rows go into one lake, which is run, rendered and archived:
// briefing.json must equal the baseline's in every figure, and its data-quality section must
// count exactly those rows more, under that reason and no other.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUARANTINE_REASONS, type QuarantineReason } from '#core/data-quality.ts';
import type { Briefing } from '#core/report-model.ts';
import { hash, w48Port, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';
import { archiveReports, figuresOf, modelOf } from './support/briefing-runs.ts';
import { createTally } from './support/tally.ts';

type Table = 'port_requests' | 'exit_reasons' | 'usage_monthly' | 'subscriber_base';

interface BadRow {
  readonly name: string;
  readonly reason: QuarantineReason;
  readonly table: Table;
  /** The partition value (dt or month) the row is filed under. */
  readonly partition: string;
  readonly bad: FixtureRow;
  /** The same row without its defect (and its partition, when that was the defect). */
  readonly twin: FixtureRow;
  readonly twinPartition?: string;
}

/** A W48 CMCC -> CUCC port in Guangdong (see w48Port), numbered apart from other tests'. */
const port = (id: string, extra: Partial<FixtureRow> = {}) => w48Port(id, 'q', extra);

const rejected = (id: string, extra: Partial<FixtureRow> = {}) =>
  port(id, {
    status: 'rejected',
    reject_reason: 'ARREARS',
    completed_at: null,
    updated_at: '2019-11-26 05:00:00',
    ...extra,
  });

/** A NETWORK answer collected on Tuesday of W48. */
function answer(id: string, extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    response_id: id,
    port_id: null,
    msisdn_hash: hash(`q-${id}`),
    province_code: '44',
    operator_code: 'CMCC',
    category_code: 'NETWORK',
    subcategory_code: null,
    collected_at: '2019-11-26 03:00:00',
    channel: 'sms',
    verbatim: null,
    ...extra,
  };
}

/**
 * A November usage row of the leaver h2 (P2, CMCC-58, leaves in December Beijing time): its
 * large unused allowance would make h2 an overpaying leaver in the value mirror.
 */
function usage(extra: Partial<FixtureRow> = {}): FixtureRow {
  return {
    msisdn_hash: hash('h2'),
    province_code: '44',
    operator_code: 'CMCC',
    plan_code: 'CMCC-58-DATA',
    plan_fee_cny: 30,
    data_allowance_mb: 100_000,
    data_used_mb: 0,
    voice_allowance_min: 500,
    voice_used_min: 0,
    ...extra,
  };
}

/** November's base for Shanghai China Mobile (absent from the lake): it would change the port-out rate. */
const base = (extra: Partial<FixtureRow> = {}): FixtureRow => ({
  province_code: '31',
  operator_code: 'CMCC',
  subscribers: 600,
  ...extra,
});

const portRow = (
  name: string,
  reason: QuarantineReason,
  bad: FixtureRow,
  twin: FixtureRow,
  partition = '2019-11-26',
  twinPartition?: string,
): BadRow => ({
  name,
  reason,
  table: 'port_requests',
  partition,
  bad,
  twin,
  ...(twinPartition ? { twinPartition } : {}),
});
const exitRow = (
  name: string,
  reason: QuarantineReason,
  bad: FixtureRow,
  twin: FixtureRow,
  partition = '2019-11-26',
  twinPartition?: string,
): BadRow => ({
  name,
  reason,
  table: 'exit_reasons',
  partition,
  bad,
  twin,
  ...(twinPartition ? { twinPartition } : {}),
});
const usageRow = (name: string, reason: QuarantineReason, bad: FixtureRow): BadRow => ({
  name,
  reason,
  table: 'usage_monthly',
  partition: '2019-11',
  bad,
  twin: usage(),
});
const baseRow = (name: string, reason: QuarantineReason, bad: FixtureRow): BadRow => ({
  name,
  reason,
  table: 'subscriber_base',
  partition: '2019-11',
  bad,
  twin: base(),
});

const BAD_ROWS: readonly BadRow[] = [
  // missing_key
  portRow('port: no port_id', 'missing_key', port('', {}), port('Q-MK1')),
  portRow('port: empty msisdn_hash', 'missing_key', port('Q-MK2', { msisdn_hash: '' }), port('Q-MK2')),
  portRow('port: no channel', 'missing_key', port('Q-MK3', { channel: null }), port('Q-MK3')),
  portRow('port: no plan_code', 'missing_key', port('Q-MK4', { plan_code: '' }), port('Q-MK4')),
  portRow(
    'port: rejected without a reason',
    'missing_key',
    rejected('Q-MK5', { reject_reason: null }),
    rejected('Q-MK5'),
  ),
  exitRow('exit: no response_id', 'missing_key', answer('', {}), answer('Q-EMK1')),
  exitRow('exit: no category', 'missing_key', answer('Q-EMK2', { category_code: null }), answer('Q-EMK2')),
  usageRow('usage: no msisdn_hash', 'missing_key', usage({ msisdn_hash: null })),
  usageRow('usage: no data allowance', 'missing_key', usage({ data_allowance_mb: null })),
  baseRow('base: no subscribers', 'missing_key', base({ subscribers: null })),
  // unknown_code
  portRow('port: province 99', 'unknown_code', port('Q-UC1', { province_code: '99' }), port('Q-UC1')),
  portRow(
    'port: recipient with a trailing space',
    'unknown_code',
    port('Q-UC2', { recipient_operator: 'CUCC ' }),
    port('Q-UC2'),
  ),
  portRow('port: unknown donor', 'unknown_code', port('Q-UC3', { donor_operator: 'CMCC-HK' }), port('Q-UC3')),
  portRow('port: unknown status', 'unknown_code', port('Q-UC4', { status: 'lost' }), port('Q-UC4')),
  portRow('port: unknown channel', 'unknown_code', port('Q-UC5', { channel: 'fax' }), port('Q-UC5')),
  portRow(
    'port: unknown reject reason',
    'unknown_code',
    rejected('Q-UC6', { reject_reason: 'BAD_LUCK' }),
    rejected('Q-UC6'),
  ),
  portRow(
    'port: completed, with an unknown reject reason',
    'unknown_code',
    port('Q-UC7', { reject_reason: 'FOO' }),
    port('Q-UC7'),
  ),
  exitRow('exit: unknown operator', 'unknown_code', answer('Q-EUC2', { operator_code: 'XXXX' }), answer('Q-EUC2')),
  exitRow('exit: unknown channel', 'unknown_code', answer('Q-EUC3', { channel: 'email' }), answer('Q-EUC3')),
  usageRow('usage: unknown operator', 'unknown_code', usage({ operator_code: 'XXXX' })),
  baseRow('base: province 99', 'unknown_code', base({ province_code: '99' })),
  // malformed_timestamp
  portRow(
    'port: completed before requested',
    'malformed_timestamp',
    port('Q-MT1', { completed_at: '2019-11-25 02:00:00', updated_at: '2019-11-26 03:00:00' }),
    port('Q-MT1'),
  ),
  portRow(
    'port: completed without completed_at',
    'malformed_timestamp',
    port('Q-MT2', { completed_at: null }),
    port('Q-MT2'),
  ),
  portRow(
    'port: updated before requested',
    'malformed_timestamp',
    port('Q-MT3', { updated_at: '2019-11-20 00:00:00' }),
    port('Q-MT3'),
  ),
  portRow(
    'port: filed three days from its request date',
    'malformed_timestamp',
    port('Q-MT4'),
    port('Q-MT4'),
    '2019-11-29',
    '2019-11-26',
  ),
  exitRow(
    'exit: filed three days from its collection date',
    'malformed_timestamp',
    answer('Q-EMT1'),
    answer('Q-EMT1'),
    '2019-11-29',
    '2019-11-26',
  ),
  // negative_value
  portRow('port: negative fee', 'negative_value', port('Q-NV1', { monthly_fee_cny: -58 }), port('Q-NV1')),
  portRow('port: negative tenure', 'negative_value', port('Q-NV2', { tenure_months: -1 }), port('Q-NV2')),
  usageRow('usage: negative data used', 'negative_value', usage({ data_used_mb: -1 })),
  usageRow('usage: negative voice allowance', 'negative_value', usage({ voice_allowance_min: -500 })),
  usageRow('usage: negative plan fee', 'negative_value', usage({ plan_fee_cny: -30 })),
  baseRow('base: negative subscribers', 'negative_value', base({ subscribers: -600 })),
  // donor_equals_recipient
  portRow('port: CUCC to CUCC', 'donor_equals_recipient', port('Q-DR1', { donor_operator: 'CUCC' }), port('Q-DR1')),
  portRow(
    'port: CMCC to CMCC, rejected',
    'donor_equals_recipient',
    rejected('Q-DR2', { recipient_operator: 'CMCC' }),
    rejected('Q-DR2'),
  ),
];

const tally = createTally('quarantine');
const SPEC = { reportId: 'hq-weekly', periodId: '2019-W48' };
let root: string;
let baselineLake: string;
let baseline: Briefing;
let labels: Record<string, string>;

/**
 * Adds the rows to the baseline lake as files of their own, runs `act`, then takes them out
 * again: the tests of this file run one after the other, and a copy of the lake per case costs
 * more than the case.
 */
async function withRows<T>(
  rows: readonly { table: Table; partition: string; row: FixtureRow }[],
  act: (lakeDir: string) => Promise<T>,
): Promise<T> {
  const files: string[] = [];
  try {
    for (const [index, { table, partition, row }] of rows.entries()) {
      files.push(await writePartition(baselineLake, table, partition, [row], { fileName: `part-q${index}.parquet` }));
    }
    return await act(baselineLake);
  } finally {
    for (const file of files) await rm(file, { force: true });
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-quarantine-'));
  baselineLake = join(root, 'baseline');
  await writeHandMadeLake(baselineLake);
  baseline = (await archiveReports(baselineLake, join(root, 'baseline-out'), SPEC)).archived[0]!.model;
  labels = (
    JSON.parse(await readFile('templates/locales/en.json', 'utf8')) as {
      dataQuality: { reasons: Record<string, string> };
    }
  ).dataQuality.reasons;
}, 120_000);

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

describe('the quarantine reasons of the data contract', () => {
  it('are the five reasons the product counts, each with bad rows below', () => {
    // data-contract.md: "an unknown code, a missing key column, a malformed timestamp, a
    // negative fee or count, or a donor equal to its recipient".
    expect([...QUARANTINE_REASONS].sort()).toEqual([
      'donor_equals_recipient',
      'malformed_timestamp',
      'missing_key',
      'negative_value',
      'unknown_code',
    ]);
    for (const reason of QUARANTINE_REASONS)
      expect(BAD_ROWS.filter((row) => row.reason === reason).length).toBeGreaterThan(0);
    for (const reason of QUARANTINE_REASONS) expect(labels[reason], `label of ${reason}`).toBeTruthy();
  });
});

describe.each(BAD_ROWS.map((row) => [row.name, row] as const))('without its defect, %s', (_name, row) => {
  it('would change the figures (so leaving it out is not vacuous)', async () => {
    const twin = await withRows(
      [{ table: row.table, partition: row.twinPartition ?? row.partition, row: row.twin }],
      (lakeDir) => modelOf(lakeDir, SPEC),
    );

    expect(figuresOf(twin)).not.toEqual(figuresOf(baseline));
    expect(twin.dataQuality.quarantinedTotal).toBe(baseline.dataQuality.quarantinedTotal);
  });
});

describe.each(QUARANTINE_REASONS.map((reason) => [reason] as const))('rows quarantined as %s', (reason) => {
  const rows = BAD_ROWS.filter((row) => row.reason === reason);
  let briefing: Briefing;
  let text: string;

  beforeAll(async () => {
    for (const row of rows) tally.badInput(`quarantine ${reason}: ${row.name}`);
    const bad = rows.map((row) => ({ table: row.table, partition: row.partition, row: row.bad }));
    const files = await withRows(bad, (lakeDir) => archiveReports(lakeDir, join(root, `out-${reason}`), SPEC));
    briefing = await files.json('hq');
    text = await files.text('hq');
  }, 60_000);

  it('are left out of every figure of briefing.json', () => {
    expect(figuresOf(briefing)).toEqual(figuresOf(baseline));
  });

  it(`are counted under ${reason}, and under no other reason`, () => {
    const count = (model: Briefing, which: string) =>
      model.dataQuality.quarantined.find((entry) => entry.reason === which)?.count ?? 0;
    for (const other of QUARANTINE_REASONS) {
      expect(count(briefing, other), other).toBe(count(baseline, other) + (other === reason ? rows.length : 0));
    }
    expect(briefing.dataQuality.quarantinedTotal).toBe(baseline.dataQuality.quarantinedTotal + rows.length);
  });

  it('lose nothing else: the rows used and superseded stay as they were', () => {
    expect(briefing.dataQuality.rowsRead).toBe(baseline.dataQuality.rowsRead + rows.length);
    expect(briefing.dataQuality.rowsUsed).toBe(baseline.dataQuality.rowsUsed);
    expect(briefing.dataQuality.supersededVersions).toBe(baseline.dataQuality.supersededVersions);
    for (const table of briefing.dataQuality.tables) {
      const before = baseline.dataQuality.tables.find((entry) => entry.table === table.table);
      const added = rows.filter((row) => row.table === table.table).length;
      expect(table, table.table).toEqual({
        ...before,
        table: table.table,
        rowsRead: (before?.rowsRead ?? 0) + added,
        quarantined: (before?.quarantined ?? 0) + added,
      });
    }
  });

  it('are reported in the data-quality line of the text part', () => {
    const expected =
      (baseline.dataQuality.quarantined.find((entry) => entry.reason === reason)?.count ?? 0) + rows.length;
    const line = text.split('\n').find((candidate) => candidate.includes(labels[reason]!));
    expect(line, `a line naming ${labels[reason]}`).toBeDefined();
    expect(line!.trim().endsWith(String(expected))).toBe(true);
  });
});
