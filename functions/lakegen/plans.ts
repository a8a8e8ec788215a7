// The plan ladder every operator sells in the synthetic lake: a fee ties to a plan code and to
// its allowances, so the value mirror can set what a leaver paid for against what it used.
import { weightedPicker } from './weighted.ts';

export interface PlanTier {
  readonly feeCny: number;
  readonly dataAllowanceMb: number;
  readonly voiceAllowanceMin: number;
  /** How common the tier is among leavers. */
  readonly weight: number;
  /** Chance that a leaver on this tier uses under half of both allowances. */
  readonly underUseChance: number;
}

const GB = 1024;

/** Expensive plans are more often bought far above real use, hence the rising under-use chance. */
export const PLAN_LADDER: readonly PlanTier[] = [
  { feeCny: 18, dataAllowanceMb: 1 * GB, voiceAllowanceMin: 100, weight: 0.12, underUseChance: 0.1 },
  { feeCny: 38, dataAllowanceMb: 4 * GB, voiceAllowanceMin: 200, weight: 0.22, underUseChance: 0.15 },
  { feeCny: 58, dataAllowanceMb: 10 * GB, voiceAllowanceMin: 500, weight: 0.25, underUseChance: 0.22 },
  { feeCny: 88, dataAllowanceMb: 20 * GB, voiceAllowanceMin: 700, weight: 0.18, underUseChance: 0.3 },
  { feeCny: 128, dataAllowanceMb: 30 * GB, voiceAllowanceMin: 1000, weight: 0.12, underUseChance: 0.4 },
  { feeCny: 188, dataAllowanceMb: 40 * GB, voiceAllowanceMin: 2000, weight: 0.07, underUseChance: 0.5 },
  { feeCny: 288, dataAllowanceMb: 60 * GB, voiceAllowanceMin: 3000, weight: 0.04, underUseChance: 0.6 },
];

export const planTierPicker = weightedPicker(PLAN_LADDER.map((tier) => [tier, tier.weight] as const));

/** "CMCC-58": the operator's plan at that fee. */
export function planCode(operatorCode: string, tier: PlanTier): string {
  return `${operatorCode}-${tier.feeCny}`;
}
