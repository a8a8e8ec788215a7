// An independent recomputation of the briefing figures, for the property tests, written from
// data-contract.md, domain.md and the rules of issue 20 alone, never from the product's SQL or
// its choices: the rows are read with one plain DuckDB query per table (every Parquet file, no
// filters), then in JavaScript: quarantine by the contract's rules (a row belongs to the
// partition of its own Beijing date, no tolerance); a request's current state is its version
// with the latest updated_at, clean or not (a bad latest version leaves the request out); where
// the contract does not decide (two different versions with the same updated_at, two different
// copies of one answer with the same collected_at) the case is reported as ambiguous instead of
// settled by a tie-break, and the tests require that there are none; then counting by Beijing
// calendar day over every period of the report (trend and comparisons included).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { channels, dissatisfactionCategories, operators, provinces, rejectReasons } from '#reference/index.ts';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;

export interface PortRow {
  port_id: string | null;
  msisdn_hash: string | null;
  province_code: string | null;
  donor_operator: string | null;
  recipient_operator: string | null;
  status: string | null;
  reject_reason: string | null;
  requested_at: number | null;
  completed_at: number | null;
  updated_at: number | null;
  channel: string | null;
  tenure_months: number | null;
  plan_code: string | null;
  monthly_fee_cny: number | null;
  dt: string;
}
export interface ExitRow {
  response_id: string | null;
  msisdn_hash: string | null;
  province_code: string | null;
  operator_code: string | null;
  category_code: string | null;
  subcategory_code: string | null;
  collected_at: number | null;
  channel: string | null;
  dt: string;
}
export interface UsageRow {
  msisdn_hash: string | null;
  province_code: string | null;
  operator_code: string | null;
  plan_code: string | null;
  plan_fee_cny: number | null;
  data_allowance_mb: number | null;
  data_used_mb: number | null;
  voice_allowance_min: number | null;
  voice_used_min: number | null;
  month: string;
}
export interface BaseRow {
  province_code: string | null;
  operator_code: string | null;
  subscribers: number | null;
  month: string;
}

export interface LakeRows {
  ports: PortRow[];
  exits: ExitRow[];
  usage: UsageRow[];
  base: BaseRow[];
  /** The first port_requests partition folder (dt=YYYY-MM-DD): where the lake starts. */
  firstRequestDay: string | null;
}

const TIMESTAMPS = new Set(['requested_at', 'completed_at', 'updated_at', 'collected_at']);
const NUMERIC = new Set([
  ...TIMESTAMPS,
  'tenure_months',
  'monthly_fee_cny',
  'plan_fee_cny',
  'data_allowance_mb',
  'data_used_mb',
  'voice_allowance_min',
  'voice_used_min',
  'subscribers',
]);

async function readTable(
  connection: Awaited<ReturnType<DuckDBInstance['connect']>>,
  lakeDir: string,
  table: string,
  columns: readonly string[],
  partition: string,
) {
  const select = columns.map((column) =>
    TIMESTAMPS.has(column) ? `epoch_ms("${column}") AS "${column}"` : `"${column}"`,
  );
  const glob = join(lakeDir, table, '*', '*.parquet').replaceAll("'", "''");
  const reader = await connection.runAndReadAll(
    `SELECT ${select.join(', ')}, "${partition}" FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'${partition}': VARCHAR})`,
  );
  return reader.getRowObjectsJson().map((row) => {
    const plain: Record<string, string | number | null> = {};
    for (const [key, value] of Object.entries(row))
      plain[key] = value === null ? null : NUMERIC.has(key) ? Number(value) : String(value);
    return plain;
  });
}

export async function readLakeRows(lakeDir: string): Promise<LakeRows> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const ports = await readTable(
      connection,
      lakeDir,
      'port_requests',
      [
        'port_id',
        'msisdn_hash',
        'province_code',
        'donor_operator',
        'recipient_operator',
        'status',
        'reject_reason',
        'requested_at',
        'completed_at',
        'updated_at',
        'channel',
        'tenure_months',
        'plan_code',
        'monthly_fee_cny',
      ],
      'dt',
    );
    const exits = await readTable(
      connection,
      lakeDir,
      'exit_reasons',
      [
        'response_id',
        'msisdn_hash',
        'province_code',
        'operator_code',
        'category_code',
        'subcategory_code',
        'collected_at',
        'channel',
      ],
      'dt',
    );
    const usage = await readTable(
      connection,
      lakeDir,
      'usage_monthly',
      [
        'msisdn_hash',
        'province_code',
        'operator_code',
        'plan_code',
        'plan_fee_cny',
        'data_allowance_mb',
        'data_used_mb',
        'voice_allowance_min',
        'voice_used_min',
      ],
      'month',
    );
    const base = await readTable(
      connection,
      lakeDir,
      'subscriber_base',
      ['province_code', 'operator_code', 'subscribers'],
      'month',
    );
    const requestDays = (await readdir(join(lakeDir, 'port_requests'), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && /^dt=\d{4}-\d{2}-\d{2}$/.test(entry.name))
      .map((entry) => entry.name.slice(3))
      .sort();
    return {
      ports: ports as unknown as PortRow[],
      exits: exits as unknown as ExitRow[],
      usage: usage as unknown as UsageRow[],
      base: base as unknown as BaseRow[],
      firstRequestDay: requestDays[0] ?? null,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// --- the contract's quarantine rules -----------------------------------------------------

const PROVINCES = new Set(provinces.map((p) => p.code));
const OPERATORS = new Set(operators.map((o) => o.code));
const CATEGORIES = new Set(dissatisfactionCategories.map((c) => c.code));
const REJECT_REASONS = new Set(rejectReasons.map((r) => r.code));
const STATUSES = new Set(channels.statuses);
const REQUEST_CHANNELS = new Set(channels.port_requests);
const EXIT_CHANNELS = new Set(channels.exit_reasons);
/** "Subcategories refine them": a subcategory of the answer's own category. */
const SUBCATEGORIES = new Set(
  dissatisfactionCategories.flatMap((c) => c.subcategories.map((sub) => `${c.code}/${sub.code}`)),
);

const absent = (value: unknown) => value === null || value === undefined || value === '';
const unknown = (value: unknown, known: Set<string>) => !known.has(String(value));

/** The Beijing calendar day of a UTC instant, YYYY-MM-DD. */
export function beijingDay(epochMs: number): string {
  return new Date(epochMs + BEIJING_MS).toISOString().slice(0, 10);
}

export function portQuarantine(row: PortRow): string | null {
  if (
    absent(row.port_id) ||
    absent(row.msisdn_hash) ||
    absent(row.plan_code) ||
    [
      row.province_code,
      row.donor_operator,
      row.recipient_operator,
      row.status,
      row.requested_at,
      row.updated_at,
      row.channel,
      row.tenure_months,
      row.monthly_fee_cny,
    ].some((value) => value === null) ||
    (row.status === 'rejected' && absent(row.reject_reason))
  )
    return 'missing_key';
  if (
    unknown(row.province_code, PROVINCES) ||
    unknown(row.donor_operator, OPERATORS) ||
    unknown(row.recipient_operator, OPERATORS) ||
    unknown(row.status, STATUSES) ||
    unknown(row.channel, REQUEST_CHANNELS) ||
    (row.status === 'rejected' && unknown(row.reject_reason, REJECT_REASONS)) ||
    (!absent(row.reject_reason) && unknown(row.reject_reason, REJECT_REASONS))
  )
    return 'unknown_code';
  const requested = row.requested_at!;
  if (
    (row.status === 'completed' && row.completed_at === null) ||
    (row.completed_at !== null && (row.completed_at < requested || row.completed_at > requested + 7 * DAY_MS)) ||
    row.updated_at! < requested ||
    row.dt !== beijingDay(requested)
  )
    return 'malformed_timestamp';
  if (row.monthly_fee_cny! < 0 || row.tenure_months! < 0) return 'negative_value';
  if (row.donor_operator === row.recipient_operator) return 'donor_equals_recipient';
  return null;
}

export function exitQuarantine(row: ExitRow): string | null {
  if (
    absent(row.response_id) ||
    absent(row.msisdn_hash) ||
    [row.province_code, row.operator_code, row.category_code, row.collected_at, row.channel].some(
      (value) => value === null,
    )
  )
    return 'missing_key';
  if (
    unknown(row.province_code, PROVINCES) ||
    unknown(row.operator_code, OPERATORS) ||
    unknown(row.category_code, CATEGORIES) ||
    unknown(row.channel, EXIT_CHANNELS) ||
    (!absent(row.subcategory_code) && !SUBCATEGORIES.has(`${row.category_code}/${row.subcategory_code}`))
  )
    return 'unknown_code';
  if (row.dt !== beijingDay(row.collected_at!)) return 'malformed_timestamp';
  return null;
}

const USAGE_NUMBERS = [
  'plan_fee_cny',
  'data_allowance_mb',
  'data_used_mb',
  'voice_allowance_min',
  'voice_used_min',
] as const;

export function usageQuarantine(row: UsageRow): string | null {
  if (
    absent(row.msisdn_hash) ||
    absent(row.plan_code) ||
    row.province_code === null ||
    row.operator_code === null ||
    USAGE_NUMBERS.some((column) => row[column] === null)
  )
    return 'missing_key';
  if (unknown(row.province_code, PROVINCES) || unknown(row.operator_code, OPERATORS)) return 'unknown_code';
  if (USAGE_NUMBERS.some((column) => row[column]! < 0)) return 'negative_value';
  return null;
}

export function baseQuarantine(row: BaseRow): string | null {
  if (row.province_code === null || row.operator_code === null || row.subscribers === null) return 'missing_key';
  if (unknown(row.province_code, PROVINCES) || unknown(row.operator_code, OPERATORS)) return 'unknown_code';
  if (row.subscribers < 0) return 'negative_value';
  return null;
}

// --- the current state ----------------------------------------------------------------------

export interface CurrentState {
  /** Requests whose latest version is clean, one row each. */
  readonly requests: PortRow[];
  /** port_id -> its versions other than the current one (clean ones count as superseded). */
  readonly superseded: Set<PortRow>;
  /** Requests left out because their latest version is quarantined while an older one is clean. */
  readonly latestQuarantined: PortRow[];
  /** port_ids whose latest updated_at is shared by versions that differ: the contract does not decide. */
  readonly ambiguous: string[];
}

const sameVersion = (a: PortRow, b: PortRow) =>
  (
    [
      'status',
      'reject_reason',
      'completed_at',
      'donor_operator',
      'recipient_operator',
      'province_code',
      'plan_code',
      'monthly_fee_cny',
    ] as const
  ).every((column) => a[column] === b[column]) && portQuarantine(a) === portQuarantine(b);

export function currentState(ports: readonly PortRow[]): CurrentState {
  const byPort = new Map<string, PortRow[]>();
  for (const row of ports)
    if (!absent(row.port_id)) byPort.set(row.port_id!, [...(byPort.get(row.port_id!) ?? []), row]);
  const requests: PortRow[] = [];
  const superseded = new Set<PortRow>();
  const latestQuarantined: PortRow[] = [];
  const ambiguous: string[] = [];
  for (const [portId, versions] of byPort) {
    const dated = versions.filter((row) => row.updated_at !== null);
    const latestAt = Math.max(...dated.map((row) => row.updated_at!));
    const latest = dated.filter((row) => row.updated_at === latestAt);
    const current = latest[0];
    for (const row of versions) if (row !== current) superseded.add(row);
    if (current === undefined) continue;
    if (latest.some((row) => !sameVersion(row, current))) {
      ambiguous.push(portId);
      continue;
    }
    if (portQuarantine(current) === null) requests.push(current);
    else if (versions.some((row) => portQuarantine(row) === null))
      latestQuarantined.push(versions.find((row) => portQuarantine(row) === null)!);
  }
  return { requests, superseded, latestQuarantined, ambiguous };
}

/** Clean answers, one per response_id (the id is unique: further rows are copies); differing copies are ambiguous. */
export function currentAnswers(exits: readonly ExitRow[]): { answers: ExitRow[]; ambiguous: string[] } {
  const byId = new Map<string, ExitRow[]>();
  for (const row of exits)
    if (exitQuarantine(row) === null) byId.set(row.response_id!, [...(byId.get(row.response_id!) ?? []), row]);
  const answers: ExitRow[] = [];
  const ambiguous: string[] = [];
  for (const [id, copies] of byId) {
    const latestAt = Math.max(...copies.map((row) => row.collected_at!));
    const latest = copies.filter((row) => row.collected_at === latestAt);
    const differ = latest.some(
      (row) =>
        row.category_code !== latest[0]!.category_code ||
        row.operator_code !== latest[0]!.operator_code ||
        row.province_code !== latest[0]!.province_code,
    );
    if (differ) ambiguous.push(id);
    else answers.push(latest[0]!);
  }
  return { answers, ambiguous };
}

/** Base rows of one month, province and operator: copies that agree count once; disagreeing ones not at all. */
function baseVersions(base: readonly BaseRow[]) {
  const byKey = new Map<string, BaseRow[]>();
  for (const row of base)
    if (baseQuarantine(row) === null)
      byKey.set(`${row.month}|${row.province_code}|${row.operator_code}`, [
        ...(byKey.get(`${row.month}|${row.province_code}|${row.operator_code}`) ?? []),
        row,
      ]);
  const kept: BaseRow[] = [];
  const copies = new Set<BaseRow>();
  const conflicting = new Set<BaseRow>();
  for (const rows of byKey.values()) {
    if (rows.some((row) => row.subscribers !== rows[0]!.subscribers)) for (const row of rows) conflicting.add(row);
    else {
      kept.push(rows[0]!);
      for (const row of rows.slice(1)) copies.add(row);
    }
  }
  return { kept, copies, conflicting };
}

// --- periods ----------------------------------------------------------------------------------

export interface Window {
  /** First and last Beijing day of the period. */
  readonly start: string;
  readonly end: string;
}

export interface ReportSpec {
  readonly kind: 'week' | 'month';
  readonly period: Window;
  /** How many periods each comparison spans, the report period included (config/reports.json). */
  readonly trend: { readonly flows: number; readonly categories: number; readonly rejections: number };
}

const inWindow = (day: string, window: Window) => day >= window.start && day <= window.end;
const shiftDay = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const addMonths = (month: string, count: number) =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + count, 1)).toISOString().slice(0, 7);
const lastDayOf = (month: string) => shiftDay(`${addMonths(month, 1)}-01`, -1);

/** The `count` periods ending with the report period, oldest first. */
export function periodsEndingWith(spec: ReportSpec, count: number): Window[] {
  return Array.from({ length: count }, (_, index) => {
    const back = count - 1 - index;
    if (spec.kind === 'week')
      return { start: shiftDay(spec.period.start, -7 * back), end: shiftDay(spec.period.end, -7 * back) };
    const month = addMonths(spec.period.start.slice(0, 7), -back);
    return { start: `${month}-01`, end: lastDayOf(month) };
  });
}

// --- figures --------------------------------------------------------------------------------

export interface HomeFlow {
  ins: number;
  outs: number;
  base: number | null;
  /** Every province with a home port-out has a base above zero (else no rate: its port-outs have no base). */
  baseCoversOuts: boolean;
}

export interface Recomputed {
  totalCompleted: number;
  byOperator: Map<string, { ins: number; outs: number }>;
  matrix: Map<string, number>;
  byProvince: Map<string, { ins: number; outs: number }>;
  home: HomeFlow;
  /** Null when the lake starts after the first day of the period before. */
  previousHome: HomeFlow | null;
  /** The home operator per period of the flow trend the lake holds whole, oldest first. */
  trend: HomeFlow[];
  homeBase: number;
  requests: number;
  pending: number;
  rejected: number;
  /** Rejected over decided requests. */
  rejectionRate: number | null;
  previousRejectionRate: number | null;
  rejectedByReason: Map<string, number>;
  responses: number;
  categories: Map<string, number>;
  /** Null when no earlier period of the baseline is held whole: nothing to count. */
  previousResponses: number | null;
  previousCategories: Map<string, number>;
  valueMirror: {
    leavers: number;
    withUsage: number;
    overpaying: number;
    leaverFeeSum: number;
    joiners: number;
    joinerFeeSum: number;
  };
  quarantined: Map<string, number>;
  rowsRead: number;
  superseded: number;
  latestQuarantined: number;
  /** Cases the contract leaves open; a lake with any cannot be checked figure by figure. */
  ambiguous: string[];
}

function bump<K>(map: Map<K, number>, key: K, by = 1) {
  map.set(key, (map.get(key) ?? 0) + by);
}

const ratioOf = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** What every scope shares, worked out once per lake: current states, answers, base, usage by number. */
const settledCache = new WeakMap<LakeRows, ReturnType<typeof settle>>();
function settle(rows: LakeRows) {
  // One row per subscriber and month (data-contract.md): a row that repeats another in every
  // column is a re-delivered copy, counted once.
  const usageByNumber = new Map<string, UsageRow[]>();
  const seenUsage = new Set<string>();
  for (const row of rows.usage) {
    if (usageQuarantine(row) !== null) continue;
    const key = JSON.stringify(row);
    if (seenUsage.has(key)) continue;
    seenUsage.add(key);
    usageByNumber.set(row.msisdn_hash!, [...(usageByNumber.get(row.msisdn_hash!) ?? []), row]);
  }
  return {
    state: currentState(rows.ports),
    answers: currentAnswers(rows.exits),
    base: baseVersions(rows.base),
    usageByNumber,
  };
}
function settled(rows: LakeRows) {
  let value = settledCache.get(rows);
  if (!value) {
    value = settle(rows);
    settledCache.set(rows, value);
  }
  return value;
}

/** The figures of one report for one scope (every province, or one). */
export function recompute(rows: LakeRows, spec: ReportSpec, home: string, province?: string): Recomputed {
  const scoped = (code: string | null) => province === undefined || code === province;
  const { state, answers: current_, base, usageByNumber } = settled(rows);
  const { answers, ambiguous: ambiguousAnswers } = current_;
  const requests = state.requests.filter((row) => scoped(row.province_code));
  const window = spec.period;
  const completedIn = (period: Window) =>
    requests.filter((row) => row.status === 'completed' && inWindow(beijingDay(row.completed_at!), period));
  const baseOf = (period: Window): number | null => {
    const matching = base.kept.filter(
      (row) => row.month === period.start.slice(0, 7) && row.operator_code === home && scoped(row.province_code),
    );
    return matching.length === 0 ? null : matching.reduce((sum, row) => sum + row.subscribers!, 0);
  };
  const homeFlowOf = (period: Window): HomeFlow => {
    const completed = completedIn(period);
    const month = period.start.slice(0, 7);
    const based = new Set(
      base.kept
        .filter((row) => row.month === month && row.operator_code === home && row.subscribers! > 0)
        .map((row) => row.province_code),
    );
    return {
      ins: completed.filter((row) => row.recipient_operator === home).length,
      outs: completed.filter((row) => row.donor_operator === home).length,
      base: baseOf(period),
      baseCoversOuts: completed.every((row) => row.donor_operator !== home || based.has(row.province_code)),
    };
  };

  const completed = completedIn(window);
  const byOperator = new Map<string, { ins: number; outs: number }>();
  const byProvince = new Map<string, { ins: number; outs: number }>();
  const matrix = new Map<string, number>();
  for (const row of completed) {
    const donor = row.donor_operator!;
    const recipient = row.recipient_operator!;
    byOperator.set(donor, { ins: byOperator.get(donor)?.ins ?? 0, outs: (byOperator.get(donor)?.outs ?? 0) + 1 });
    byOperator.set(recipient, {
      ins: (byOperator.get(recipient)?.ins ?? 0) + 1,
      outs: byOperator.get(recipient)?.outs ?? 0,
    });
    bump(matrix, `${donor}>${recipient}`);
    if (donor === home || recipient === home) {
      const entry = byProvince.get(row.province_code!) ?? { ins: 0, outs: 0 };
      if (recipient === home) entry.ins += 1;
      if (donor === home) entry.outs += 1;
      byProvince.set(row.province_code!, entry);
    }
  }
  // A period that starts before the lake's first day is neither compared with nor on the trend.
  const held = (period: Window) => rows.firstRequestDay === null || period.start >= rows.firstRequestDay;
  const flowPeriods = periodsEndingWith(spec, spec.trend.flows);
  const trend = flowPeriods.filter((period, index) => held(period) || index === flowPeriods.length - 1).map(homeFlowOf);
  const previousFlowWindow = flowPeriods.at(-2)!;

  const [previousRejectionWindow] = periodsEndingWith(spec, spec.trend.rejections).slice(-2);
  const asked = (period: Window) =>
    requests.filter((row) => row.donor_operator === home && inWindow(beijingDay(row.requested_at!), period));
  const decidedRate = (rowsOf: PortRow[]) =>
    ratioOf(
      rowsOf.filter((row) => row.status === 'rejected').length,
      rowsOf.filter((row) => row.status !== 'pending').length,
    );
  const current = asked(window);
  const rejectedByReason = new Map<string, number>();
  for (const row of current.filter((candidate) => candidate.status === 'rejected'))
    bump(rejectedByReason, row.reject_reason!);

  const categoryPeriods = periodsEndingWith(spec, spec.trend.categories);
  const leaving = answers.filter((row) => row.operator_code === home && scoped(row.province_code));
  const categoriesIn = (periods: Window[]) => {
    const counts = new Map<string, number>();
    for (const row of leaving.filter((answer) =>
      periods.some((period) => inWindow(beijingDay(answer.collected_at!), period)),
    ))
      bump(counts, row.category_code!);
    return counts;
  };
  const categories = categoriesIn([window]);
  const heldEarlierCategoryPeriods = categoryPeriods.slice(0, -1).filter(held);
  const previousCategories = categoriesIn(heldEarlierCategoryPeriods);
  const total = (map: Map<string, number>) => [...map.values()].reduce((sum, count) => sum + count, 0);

  // The value mirror (domain.md): a leaver's usage over the three months before the month of leaving.
  const leavers = completed.filter((row) => row.donor_operator === home);
  let withUsage = 0;
  let overpaying = 0;
  for (const leaver of leavers) {
    const leaveMonth = beijingDay(leaver.completed_at!).slice(0, 7);
    const months = (usageByNumber.get(leaver.msisdn_hash!) ?? []).filter(
      (row) => row.operator_code === home && row.month >= addMonths(leaveMonth, -3) && row.month < leaveMonth,
    );
    if (months.length === 0) continue;
    withUsage += 1;
    const used = (column: 'data_used_mb' | 'voice_used_min') => months.reduce((sum, row) => sum + row[column]!, 0);
    const allowed = (column: 'data_allowance_mb' | 'voice_allowance_min') =>
      months.reduce((sum, row) => sum + row[column]!, 0);
    if (
      used('data_used_mb') * 2 < allowed('data_allowance_mb') &&
      used('voice_used_min') * 2 < allowed('voice_allowance_min')
    )
      overpaying += 1;
  }
  const joiners = completed.filter((row) => row.recipient_operator === home);
  const feeSum = (list: PortRow[]) => list.reduce((sum, row) => sum + row.monthly_fee_cny!, 0);

  // Data quality: every row the report's figures could have drawn on, i.e. every partition of
  // its periods (trend and comparisons), with the 7-day completion lookback and the usage months.
  const firstPeriod = (count: number) => periodsEndingWith(spec, count)[0]!;
  const portFrom = [
    shiftDay(firstPeriod(spec.trend.flows).start, -7),
    firstPeriod(spec.trend.rejections).start,
  ].sort()[0]!;
  const exitFrom = firstPeriod(spec.trend.categories).start;
  const usageFrom = addMonths(window.start.slice(0, 7), -3);
  const usageTo = addMonths(window.end.slice(0, 7), -1);
  const baseFrom = firstPeriod(spec.trend.flows).start.slice(0, 7);
  const quarantined = new Map<string, number>();
  let rowsRead = 0;
  const count = (reason: string | null) => {
    rowsRead += 1;
    if (reason !== null) bump(quarantined, reason);
  };
  const spannedPorts = rows.ports.filter(
    (row) => row.dt >= portFrom && row.dt <= window.end && scoped(row.province_code),
  );
  for (const row of spannedPorts) count(portQuarantine(row));
  const spannedExits = rows.exits.filter((candidate) => candidate.dt >= exitFrom && candidate.dt <= window.end);
  for (const row of spannedExits.filter((candidate) => scoped(candidate.province_code))) count(exitQuarantine(row));
  // Re-delivered answers: of the clean copies the window holds of one response_id, the latest is
  // kept and the others are superseded, each under its own province.
  const exitCopies = new Map<string, ExitRow[]>();
  for (const row of spannedExits)
    if (exitQuarantine(row) === null)
      exitCopies.set(row.response_id!, [...(exitCopies.get(row.response_id!) ?? []), row]);
  let supersededAnswers = 0;
  for (const copies of exitCopies.values()) {
    const latestAt = Math.max(...copies.map((row) => row.collected_at!));
    const kept = copies.find((row) => row.collected_at === latestAt)!;
    supersededAnswers += copies.filter((row) => row !== kept && scoped(row.province_code)).length;
  }
  for (const row of rows.usage.filter(
    (candidate) => candidate.month >= usageFrom && candidate.month <= usageTo && scoped(candidate.province_code),
  ))
    count(usageQuarantine(row));
  const spannedBase = rows.base.filter(
    (candidate) =>
      candidate.month >= baseFrom && candidate.month <= window.start.slice(0, 7) && scoped(candidate.province_code),
  );
  for (const row of spannedBase)
    count(baseQuarantine(row) ?? (base.conflicting.has(row) ? 'conflicting_versions' : null));
  const superseded =
    spannedPorts.filter((row) => portQuarantine(row) === null && state.superseded.has(row)).length +
    spannedBase.filter((row) => base.copies.has(row)).length +
    supersededAnswers;
  const latestQuarantined = state.latestQuarantined.filter(
    (row) => row.dt >= portFrom && row.dt <= window.end && scoped(row.province_code),
  ).length;

  const home_ = homeFlowOf(window);
  return {
    totalCompleted: completed.length,
    byOperator,
    matrix,
    byProvince,
    home: home_,
    previousHome: held(previousFlowWindow) ? homeFlowOf(previousFlowWindow) : null,
    trend,
    homeBase: home_.base ?? 0,
    requests: current.length,
    pending: current.filter((row) => row.status === 'pending').length,
    rejected: current.filter((row) => row.status === 'rejected').length,
    rejectionRate: decidedRate(current),
    previousRejectionRate: held(previousRejectionWindow!) ? decidedRate(asked(previousRejectionWindow!)) : null,
    rejectedByReason,
    responses: total(categories),
    categories,
    previousResponses: heldEarlierCategoryPeriods.length === 0 ? null : total(previousCategories),
    previousCategories,
    valueMirror: {
      leavers: leavers.length,
      withUsage,
      overpaying,
      leaverFeeSum: feeSum(leavers),
      joiners: joiners.length,
      joinerFeeSum: feeSum(joiners),
    },
    quarantined,
    rowsRead,
    superseded,
    latestQuarantined,
    ambiguous: [...state.ambiguous.map((id) => `port ${id}`), ...ambiguousAnswers.map((id) => `answer ${id}`)],
  };
}
