// An independent recomputation of the briefing figures, for the property tests: the rows are
// read with one plain DuckDB query per table (SELECT the columns from every Parquet file of the
// table, no filters), and everything else happens here in JavaScript, written from
// data-contract.md and domain.md without looking at the product's SQL: quarantine by the
// contract's rules, latest version per port_id, then counting by Beijing calendar day.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { channels, dissatisfactionCategories, operators, provinces, rejectReasons } from '#reference/index.ts';

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3_600_000;

export interface PortRow {
  port_id: string | null; msisdn_hash: string | null; province_code: string | null; donor_operator: string | null;
  recipient_operator: string | null; status: string | null; reject_reason: string | null; requested_at: number | null;
  completed_at: number | null; updated_at: number | null; channel: string | null; tenure_months: number | null;
  plan_code: string | null; monthly_fee_cny: number | null; dt: string;
}
export interface ExitRow {
  response_id: string | null; msisdn_hash: string | null; province_code: string | null; operator_code: string | null;
  category_code: string | null; collected_at: number | null; channel: string | null; dt: string;
}
export interface UsageRow {
  msisdn_hash: string | null; province_code: string | null; operator_code: string | null; plan_code: string | null; plan_fee_cny: number | null;
  data_allowance_mb: number | null; data_used_mb: number | null; voice_allowance_min: number | null; voice_used_min: number | null; month: string;
}
export interface BaseRow { province_code: string | null; operator_code: string | null; subscribers: number | null; month: string }

export interface LakeRows {
  ports: PortRow[];
  exits: ExitRow[];
  usage: UsageRow[];
  base: BaseRow[];
}

const TIMESTAMPS = new Set(['requested_at', 'completed_at', 'updated_at', 'collected_at']);
const NUMERIC = new Set([...TIMESTAMPS, 'tenure_months', 'monthly_fee_cny', 'plan_fee_cny', 'data_allowance_mb', 'data_used_mb', 'voice_allowance_min', 'voice_used_min', 'subscribers']);

async function readTable(connection: Awaited<ReturnType<DuckDBInstance['connect']>>, lakeDir: string, table: string, columns: readonly string[], partition: string) {
  const select = columns.map((column) => (TIMESTAMPS.has(column) ? `epoch_ms("${column}") AS "${column}"` : `"${column}"`));
  const glob = join(lakeDir, table, '*', '*.parquet').replaceAll("'", "''");
  const reader = await connection.runAndReadAll(
    `SELECT ${select.join(', ')}, "${partition}" FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'${partition}': VARCHAR})`,
  );
  return reader.getRowObjectsJson().map((row) => {
    const plain: Record<string, string | number | null> = {};
    for (const [key, value] of Object.entries(row)) plain[key] = value === null ? null : NUMERIC.has(key) ? Number(value) : String(value);
    return plain;
  });
}

export async function readLakeRows(lakeDir: string): Promise<LakeRows> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    const ports = await readTable(connection, lakeDir, 'port_requests', ['port_id', 'msisdn_hash', 'province_code', 'donor_operator', 'recipient_operator', 'status', 'reject_reason', 'requested_at', 'completed_at', 'updated_at', 'channel', 'tenure_months', 'plan_code', 'monthly_fee_cny'], 'dt');
    const exits = await readTable(connection, lakeDir, 'exit_reasons', ['response_id', 'msisdn_hash', 'province_code', 'operator_code', 'category_code', 'collected_at', 'channel'], 'dt');
    const usage = await readTable(connection, lakeDir, 'usage_monthly', ['msisdn_hash', 'province_code', 'operator_code', 'plan_code', 'plan_fee_cny', 'data_allowance_mb', 'data_used_mb', 'voice_allowance_min', 'voice_used_min'], 'month');
    const base = await readTable(connection, lakeDir, 'subscriber_base', ['province_code', 'operator_code', 'subscribers'], 'month');
    return { ports: ports as unknown as PortRow[], exits: exits as unknown as ExitRow[], usage: usage as unknown as UsageRow[], base: base as unknown as BaseRow[] };
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

const absent = (value: unknown) => value === null || value === undefined || value === '';
const unknown = (value: unknown, known: Set<string>) => !known.has(String(value));

/** The Beijing calendar day of a UTC instant, YYYY-MM-DD. */
export function beijingDay(epochMs: number): string {
  return new Date(epochMs + BEIJING_MS).toISOString().slice(0, 10);
}

const daysApart = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / DAY_MS;

export function portQuarantine(row: PortRow): string | null {
  if (
    absent(row.port_id) || absent(row.msisdn_hash) || absent(row.plan_code) ||
    [row.province_code, row.donor_operator, row.recipient_operator, row.status, row.requested_at, row.updated_at, row.channel, row.tenure_months, row.monthly_fee_cny].some((value) => value === null) ||
    (row.status === 'rejected' && row.reject_reason === null)
  ) return 'missing_key';
  if (
    unknown(row.province_code, PROVINCES) || unknown(row.donor_operator, OPERATORS) || unknown(row.recipient_operator, OPERATORS) ||
    unknown(row.status, STATUSES) || unknown(row.channel, REQUEST_CHANNELS) || (row.status === 'rejected' && unknown(row.reject_reason, REJECT_REASONS))
  ) return 'unknown_code';
  const requested = row.requested_at!;
  if (
    (row.status === 'completed' && row.completed_at === null) ||
    (row.completed_at !== null && (row.completed_at < requested || row.completed_at > requested + 7 * DAY_MS)) ||
    row.updated_at! < requested ||
    daysApart(row.dt, beijingDay(requested)) > 1
  ) return 'malformed_timestamp';
  if (row.monthly_fee_cny! < 0 || row.tenure_months! < 0) return 'negative_value';
  if (row.donor_operator === row.recipient_operator) return 'donor_equals_recipient';
  return null;
}

export function exitQuarantine(row: ExitRow): string | null {
  if (absent(row.response_id) || absent(row.msisdn_hash) || [row.province_code, row.operator_code, row.category_code, row.collected_at, row.channel].some((value) => value === null)) return 'missing_key';
  if (unknown(row.province_code, PROVINCES) || unknown(row.operator_code, OPERATORS) || unknown(row.category_code, CATEGORIES) || unknown(row.channel, EXIT_CHANNELS)) return 'unknown_code';
  if (daysApart(row.dt, beijingDay(row.collected_at!)) > 1) return 'malformed_timestamp';
  return null;
}

const USAGE_NUMBERS = ['plan_fee_cny', 'data_allowance_mb', 'data_used_mb', 'voice_allowance_min', 'voice_used_min'] as const;

export function usageQuarantine(row: UsageRow): string | null {
  if (absent(row.msisdn_hash) || absent(row.plan_code) || row.province_code === null || row.operator_code === null || USAGE_NUMBERS.some((column) => row[column] === null)) return 'missing_key';
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

// --- figures --------------------------------------------------------------------------------

const STATUS_ORDER: Record<string, number> = { pending: 1, cancelled: 2, rejected: 3, completed: 4 };

/** Clean rows only, then the latest update of each request. */
export function currentRequests(ports: readonly PortRow[]): PortRow[] {
  const latest = new Map<string, PortRow>();
  for (const row of ports) {
    if (portQuarantine(row) !== null) continue;
    const held = latest.get(row.port_id!);
    const later =
      !held ||
      row.updated_at! > held.updated_at! ||
      (row.updated_at === held.updated_at && (STATUS_ORDER[row.status!]! > STATUS_ORDER[held.status!]! || (row.status === held.status && (row.completed_at ?? 0) > (held.completed_at ?? 0))));
    if (later) latest.set(row.port_id!, row);
  }
  return [...latest.values()];
}

export interface Window {
  /** First and last Beijing day of the period. */
  readonly start: string;
  readonly end: string;
}

const inWindow = (day: string, window: Window) => day >= window.start && day <= window.end;

export interface Recomputed {
  totalCompleted: number;
  byOperator: Map<string, { ins: number; outs: number }>;
  matrix: Map<string, number>;
  byProvince: Map<string, { ins: number; outs: number }>;
  homeBase: number;
  requests: number;
  rejectedByReason: Map<string, number>;
  quarantined: Map<string, number>;
  rowsRead: number;
  superseded: number;
}

function bump<K>(map: Map<K, number>, key: K, by = 1) {
  map.set(key, (map.get(key) ?? 0) + by);
}

const addMonths = (month: string, count: number) => {
  const date = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1 + count, 1));
  return date.toISOString().slice(0, 7);
};

/** The figures of one period for one scope (every province, or one). */
export function recompute(rows: LakeRows, window: Window, home: string, province?: string): Recomputed {
  const scoped = (code: string | null) => province === undefined || code === province;
  const current = currentRequests(rows.ports).filter((row) => scoped(row.province_code));
  const completed = current.filter((row) => row.status === 'completed' && inWindow(beijingDay(row.completed_at!), window));
  const byOperator = new Map<string, { ins: number; outs: number }>();
  const byProvince = new Map<string, { ins: number; outs: number }>();
  const matrix = new Map<string, number>();
  for (const row of completed) {
    const donor = row.donor_operator!;
    const recipient = row.recipient_operator!;
    byOperator.set(donor, { ins: byOperator.get(donor)?.ins ?? 0, outs: (byOperator.get(donor)?.outs ?? 0) + 1 });
    byOperator.set(recipient, { ins: (byOperator.get(recipient)?.ins ?? 0) + 1, outs: byOperator.get(recipient)?.outs ?? 0 });
    bump(matrix, `${donor}>${recipient}`);
    if (donor === home || recipient === home) {
      const entry = byProvince.get(row.province_code!) ?? { ins: 0, outs: 0 };
      if (recipient === home) entry.ins += 1;
      if (donor === home) entry.outs += 1;
      byProvince.set(row.province_code!, entry);
    }
  }
  const baseMonth = window.start.slice(0, 7);
  const homeBase = rows.base
    .filter((row) => row.month === baseMonth && baseQuarantine(row) === null && row.operator_code === home && scoped(row.province_code))
    .reduce((sum, row) => sum + row.subscribers!, 0);
  const asked = current.filter((row) => row.donor_operator === home && inWindow(beijingDay(row.requested_at!), window));
  const rejectedByReason = new Map<string, number>();
  for (const row of asked.filter((candidate) => candidate.status === 'rejected')) bump(rejectedByReason, row.reject_reason!);

  // Data quality: the rows filed in the period's own partitions.
  const quarantined = new Map<string, number>();
  let rowsRead = 0;
  const count = (reason: string | null) => {
    rowsRead += 1;
    if (reason !== null) bump(quarantined, reason);
  };
  const periodPorts = rows.ports.filter((row) => inWindow(row.dt, window) && scoped(row.province_code));
  for (const row of periodPorts) count(portQuarantine(row));
  for (const row of rows.exits.filter((candidate) => inWindow(candidate.dt, window) && scoped(candidate.province_code))) count(exitQuarantine(row));
  const usageFrom = addMonths(window.start.slice(0, 7), -3);
  const usageTo = addMonths(window.end.slice(0, 7), -1);
  for (const row of rows.usage.filter((candidate) => candidate.month >= usageFrom && candidate.month <= usageTo && scoped(candidate.province_code))) count(usageQuarantine(row));
  for (const row of rows.base.filter((candidate) => candidate.month === baseMonth && scoped(candidate.province_code))) count(baseQuarantine(row));
  const cleanPeriodPorts = periodPorts.filter((row) => portQuarantine(row) === null);
  const superseded = cleanPeriodPorts.length - new Set(cleanPeriodPorts.map((row) => row.port_id)).size;

  return { totalCompleted: completed.length, byOperator, matrix, byProvince, homeBase, requests: asked.length, rejectedByReason, quarantined, rowsRead, superseded };
}
