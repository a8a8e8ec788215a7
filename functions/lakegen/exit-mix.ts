// Why leavers leave, by province: a national mix of dissatisfaction categories, tilted per
// province so that some provinces clearly over-index on a category (remote provinces on
// network coverage, Guangdong on competitors' offers, Hainan on relocation, ...).
import { dissatisfactionCategories, provinces } from '#reference/index.ts';
import { type WeightedPicker, weightedPicker, weightsForCodes } from './weighted.ts';

/** Network and price lead nationally. */
const NATIONAL_MIX: Readonly<Record<string, number>> = {
  NETWORK: 0.22,
  PRICE: 0.19,
  OFFER: 0.12,
  SERVICE: 0.09,
  BILLING: 0.08,
  CONTRACT: 0.08,
  BUNDLE: 0.08,
  RELATION: 0.06,
  RELOCATION: 0.05,
  OTHER: 0.03,
};

/** Deliberate regional stories, stable across seeds so that briefings stay comparable. */
const PROVINCE_TILTS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  '54': { NETWORK: 2.2 },
  '63': { NETWORK: 2.0 },
  '65': { NETWORK: 1.8 },
  '15': { NETWORK: 1.6 },
  '62': { NETWORK: 1.6 },
  '52': { NETWORK: 1.5 },
  '44': { OFFER: 1.9, PRICE: 1.3 },
  '33': { OFFER: 1.6 },
  '31': { BUNDLE: 1.9 },
  '11': { BUNDLE: 1.7, SERVICE: 1.3 },
  '46': { RELOCATION: 2.6 },
  '32': { CONTRACT: 1.9 },
  '37': { BILLING: 1.9 },
  '43': { BILLING: 1.6 },
  '41': { PRICE: 1.6 },
  '51': { SERVICE: 1.7 },
  '50': { RELATION: 1.9 },
};

/** A milder lean for the other provinces, derived from the code so it never changes. */
function defaultTilt(provinceCode: string): Record<string, number> {
  const codes = Object.keys(NATIONAL_MIX);
  const leaning = codes[(Number(provinceCode) * 7) % codes.length] as string;
  return { [leaning]: 1.4 };
}

export function categoryMix(provinceCode: string): [string, number][] {
  const tilt = PROVINCE_TILTS[provinceCode] ?? defaultTilt(provinceCode);
  return weightsForCodes(
    dissatisfactionCategories.map((c) => c.code),
    NATIONAL_MIX,
  ).map(([code, weight]) => [code, weight * (tilt[code] ?? 1)]);
}

/** One picker per province code. */
export const categoryPickers: ReadonlyMap<string, WeightedPicker<string>> = new Map(
  provinces.map((p) => [p.code, weightedPicker(categoryMix(p.code))]),
);
