// The shape of the synthetic market: which operators exist when, who ports to whom, and how
// big each province is. Flow fractions reproduce the published trial shares exactly.
import { provinces } from '#reference/index.ts';

/** China Broadnet started mobile service in 2022-07: no ports and no base rows before that. */
export const CBN_START_MONTH = '2022-07';

export type OperatorCode = 'CMCC' | 'CUCC' | 'CTCC' | 'CBN';

export interface FlowPair {
  readonly donor: OperatorCode;
  readonly recipient: OperatorCode;
  /** Fraction of all completed ports. */
  readonly fraction: number;
}

/**
 * Donor -> recipient fractions of completed ports during the trial. Row sums give the
 * port-out shares (CMCC .576, CUCC .261, CTCC .163), column sums the port-in shares
 * (CMCC .281, CUCC .226, CTCC .493) of the published trial table.
 */
export const TRIAL_FLOWS: readonly FlowPair[] = [
  { donor: 'CMCC', recipient: 'CUCC', fraction: 0.15 },
  { donor: 'CMCC', recipient: 'CTCC', fraction: 0.426 },
  { donor: 'CUCC', recipient: 'CMCC', fraction: 0.194 },
  { donor: 'CUCC', recipient: 'CTCC', fraction: 0.067 },
  { donor: 'CTCC', recipient: 'CMCC', fraction: 0.087 },
  { donor: 'CTCC', recipient: 'CUCC', fraction: 0.076 },
];

/** Once China Broadnet runs a mobile network it takes a small part of the flows both ways. */
const CBN_FLOWS: readonly FlowPair[] = [
  { donor: 'CMCC', recipient: 'CBN', fraction: 0.01 },
  { donor: 'CUCC', recipient: 'CBN', fraction: 0.005 },
  { donor: 'CTCC', recipient: 'CBN', fraction: 0.005 },
  { donor: 'CBN', recipient: 'CMCC', fraction: 0.004 },
  { donor: 'CBN', recipient: 'CUCC', fraction: 0.003 },
  { donor: 'CBN', recipient: 'CTCC', fraction: 0.003 },
];

const CBN_TOTAL = CBN_FLOWS.reduce((sum, pair) => sum + pair.fraction, 0);
const BROADNET_ERA_FLOWS: readonly FlowPair[] = [
  ...TRIAL_FLOWS.map((pair) => ({ ...pair, fraction: pair.fraction * (1 - CBN_TOTAL) })),
  ...CBN_FLOWS,
];

export function hasBroadnet(month: string): boolean {
  return month >= CBN_START_MONTH;
}

export function flowsForMonth(month: string): readonly FlowPair[] {
  return hasBroadnet(month) ? BROADNET_ERA_FLOWS : TRIAL_FLOWS;
}

export function operatorsForMonth(month: string): OperatorCode[] {
  return hasBroadnet(month) ? ['CMCC', 'CUCC', 'CTCC', 'CBN'] : ['CMCC', 'CUCC', 'CTCC'];
}

/** Rough 2019 population in millions: provinces of very different sizes, as in life. */
const POPULATION_MILLIONS: Readonly<Record<string, number>> = {
  '11': 21.5,
  '12': 15.6,
  '13': 75.9,
  '14': 37.3,
  '15': 25.4,
  '21': 43.5,
  '22': 26.9,
  '23': 37.5,
  '31': 24.3,
  '32': 80.7,
  '33': 58.5,
  '34': 63.7,
  '35': 39.7,
  '36': 46.7,
  '37': 100.7,
  '41': 96.4,
  '42': 59.3,
  '43': 69.2,
  '44': 115.2,
  '45': 49.6,
  '46': 9.4,
  '50': 31.2,
  '51': 83.8,
  '52': 36.2,
  '53': 48.6,
  '54': 3.5,
  '61': 38.8,
  '62': 26.5,
  '63': 6.1,
  '64': 6.9,
  '65': 25.2,
};

/** Migrant-heavy, wealthier provinces carry more SIMs per resident. */
const SIMS_PER_RESIDENT: Readonly<Record<string, number>> = {
  '11': 1.7,
  '31': 1.6,
  '44': 1.4,
  '33': 1.4,
  '12': 1.3,
  '32': 1.2,
};

/** Relative size of each province's mobile market, keyed by GB/T 2260 code. */
export const PROVINCE_WEIGHTS: ReadonlyMap<string, number> = new Map(
  provinces.map((p) => [p.code, (POPULATION_MILLIONS[p.code] ?? 30) * (SIMS_PER_RESIDENT[p.code] ?? 1.1)]),
);

/**
 * National base shares before the regional leanings below; after them the national split is
 * close to 2019's (China Mobile about 58 %, the other two about 20 % each).
 */
const NATIONAL_BASE_SHARE: Readonly<Record<Exclude<OperatorCode, 'CBN'>, number>> = {
  CMCC: 0.62,
  CUCC: 0.18,
  CTCC: 0.2,
};

/** China Unicom is historically strong in the north, China Telecom in the south and east. */
const UNICOM_NORTH = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '37', '41']);
const TELECOM_SOUTH = new Set(['31', '32', '33', '35', '36', '42', '43', '44', '45', '46', '50', '51', '52', '53']);

/** Share of each incumbent in one province's base (before China Broadnet). */
export function incumbentShares(provinceCode: string): Record<'CMCC' | 'CUCC' | 'CTCC', number> {
  const raw = {
    CMCC: NATIONAL_BASE_SHARE.CMCC,
    CUCC: NATIONAL_BASE_SHARE.CUCC * (UNICOM_NORTH.has(provinceCode) ? 1.6 : 1),
    CTCC: NATIONAL_BASE_SHARE.CTCC * (TELECOM_SOUTH.has(provinceCode) ? 1.3 : 1),
  };
  const total = raw.CMCC + raw.CUCC + raw.CTCC;
  return { CMCC: raw.CMCC / total, CUCC: raw.CUCC / total, CTCC: raw.CTCC / total };
}

/** China Broadnet's share of a province's base: tiny at launch, growing, capped. */
export function broadnetShare(month: string): number {
  if (!hasBroadnet(month)) return 0;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const monthsLive = (y - 2022) * 12 + (m - 7);
  return Math.min(0.03, 0.002 * 1.12 ** monthsLive);
}
