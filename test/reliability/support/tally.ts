// What the reliability tests count as they go: the kinds of bad input tried, the faults the
// failing fakes injected, the duplicate messages seen in mailboxes, the leaks found by the
// scans. Each test file writes its own tally to test/.artifacts/reliability/<file>.json and then
// merges every tally there into test/.artifacts/reliability/summary.json, which
// docs/reliability.md quotes.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const TALLY_DIR = resolve('test/.artifacts/reliability');

export interface TallyFigures {
  /** Distinct kinds of bad input tried (a quarantine case, an injection string, ...). */
  badInputKinds: string[];
  /** Failures thrown by the failing fakes at the adapter boundaries. */
  faultsInjected: number;
  /** A recipient holding more than one copy of one message, without the duplicate flag. */
  duplicatesSeen: number;
  /** Extra copies that carried X-MNP-Possible-Duplicate: yes (allowed: at most one each). */
  flaggedDuplicates: number;
  /** Seeded values found where they must not be (outputs, logs, mails, another province). */
  leaksSeen: number;
  /** Places scanned for leaks: files, decoded mail parts, log lines. */
  placesScanned: number;
  /** Generated lakes checked against the independent recomputation. */
  lakesChecked: number;
}

export interface Tally {
  readonly figures: TallyFigures;
  badInput(kind: string): void;
  fault(count?: number): void;
  /** Adds what a mailbox count found: copies per recipient, and how many of the extra were flagged. */
  mailboxes(copies: readonly { recipient: string; total: number; flagged: number }[]): void;
  leaks(found: number, scanned: number): void;
  lake(): void;
  write(): Promise<void>;
}

function empty(): TallyFigures {
  return {
    badInputKinds: [],
    faultsInjected: 0,
    duplicatesSeen: 0,
    flaggedDuplicates: 0,
    leaksSeen: 0,
    placesScanned: 0,
    lakesChecked: 0,
  };
}

export function createTally(name: string): Tally {
  const figures = empty();
  return {
    figures,
    badInput(kind) {
      if (!figures.badInputKinds.includes(kind)) figures.badInputKinds.push(kind);
    },
    fault(count = 1) {
      figures.faultsInjected += count;
    },
    mailboxes(copies) {
      for (const { total, flagged } of copies) {
        const extra = Math.max(0, total - 1);
        const flaggedExtra = Math.min(extra, flagged);
        figures.flaggedDuplicates += flaggedExtra;
        figures.duplicatesSeen += extra - flaggedExtra;
      }
    },
    leaks(found, scanned) {
      figures.leaksSeen += found;
      figures.placesScanned += scanned;
    },
    lake() {
      figures.lakesChecked += 1;
    },
    async write() {
      await mkdir(TALLY_DIR, { recursive: true });
      await writeAtomically(join(TALLY_DIR, `${name}.json`), figures);
      await writeAtomically(join(TALLY_DIR, 'summary.json'), await mergeTallies());
    },
  };
}

async function writeAtomically(path: string, value: unknown): Promise<void> {
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

/** Every file's tally, summed; the bad-input kinds are listed once each. */
export async function mergeTallies(): Promise<TallyFigures & { files: string[]; badInputKindCount: number }> {
  const names = (await readdir(TALLY_DIR)).filter((file) => file.endsWith('.json') && file !== 'summary.json').sort();
  const total = empty();
  for (const file of names) {
    const part = JSON.parse(await readFile(join(TALLY_DIR, file), 'utf8')) as TallyFigures;
    for (const kind of part.badInputKinds) if (!total.badInputKinds.includes(kind)) total.badInputKinds.push(kind);
    total.faultsInjected += part.faultsInjected;
    total.duplicatesSeen += part.duplicatesSeen;
    total.flaggedDuplicates += part.flaggedDuplicates;
    total.leaksSeen += part.leaksSeen;
    total.placesScanned += part.placesScanned;
    total.lakesChecked += part.lakesChecked;
  }
  return {
    files: names.map((file) => file.replace(/\.json$/, '')),
    ...total,
    badInputKindCount: total.badInputKinds.length,
  };
}
