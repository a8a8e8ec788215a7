// Synthetic subscribers: an 11-digit number made up from a counter (never a real one), and
// its salted SHA-256, which is all the lake ever holds. The same subscriber hashes the same
// in every table.
import { hash } from 'node:crypto';
import { mixSeed } from './prng.ts';

/** Number-range prefixes per operator; the 8 digits after them come from the counter. */
const PREFIXES: Readonly<Record<string, readonly string[]>> = {
  CMCC: ['139', '138', '135', '150'],
  CUCC: ['186', '185', '130', '155'],
  CTCC: ['189', '180', '133', '153'],
  CBN: ['192'],
};
const FALLBACK_PREFIXES = ['170'];

const SUFFIX_SPACE = 100_000_000;
/** Prime, so coprime with 10^8: counter -> suffix is a bijection and numbers never repeat. */
const SUFFIX_STRIDE = 48_271;

export class SubscriberFactory {
  private counter = 0;
  private readonly offset: number;
  private readonly salt: string;

  constructor(seed: number) {
    this.offset = mixSeed(seed, 0x5ab) % SUFFIX_SPACE;
    this.salt = `mnp-lakegen:${seed}:`;
  }

  /** The hash of a new, never used number on the operator's ranges. */
  nextHash(operatorCode: string): string {
    const index = this.counter++;
    const suffix = (index * SUFFIX_STRIDE + this.offset) % SUFFIX_SPACE;
    const prefixes = PREFIXES[operatorCode] ?? FALLBACK_PREFIXES;
    const prefix = prefixes[index % prefixes.length] as string;
    return hash('sha256', `${this.salt}${prefix}${String(suffix).padStart(8, '0')}`, 'hex');
  }
}
