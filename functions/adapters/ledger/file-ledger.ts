// The delivery ledger as a local folder, safe for concurrent runs on one machine. Each record
// is a series of versions, one file each, never rewritten:
//   <dir>/<report>/<period>/<audience>/<recipient>/000001.json, 000002.json, ...
// Every write creates the next version's file exclusively (written aside, then link()ed into
// place, which fails if the name exists), so of two runs writing over the same version only one
// succeeds: create and compare-and-set without a lock. The versions are also the history of
// what was sent to whom.
import { link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliveryKey, DeliveryLedger, DeliveryRecord } from '#core/delivery-ports.ts';
import { DeliveryError, LedgerError } from '#core/errors.ts';
import { parseJsonText } from '#core/json-text.ts';

const VERSION_FILE = /^(\d{6,})\.json$/;

function safeName(part: string): string {
  const name = encodeURIComponent(part).replace(/%40/g, '@');
  if (name === '.' || name === '..' || name === '') throw new DeliveryError(`invalid ledger key part "${part}"`);
  return name;
}

const STATUSES: ReadonlySet<string> = new Set(['queued', 'sending', 'sent', 'failed', 'unconfirmed']);

/** What keeps a parsed version from being a record the delivery rules can act on, if anything. */
function problemOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return 'not a record';
  const fields = record as Record<string, unknown>;
  for (const name of ['reportId', 'periodId', 'audience', 'recipient', 'messageId', 'updatedAt'])
    if (typeof fields[name] !== 'string') return `no ${name}`;
  if (typeof fields['status'] !== 'string' || !STATUSES.has(fields['status']))
    return `status ${String(fields['status'])}`;
  for (const name of ['version', 'attempts']) if (typeof fields[name] !== 'number') return `no ${name}`;
  for (const name of ['correction', 'possibleDuplicate']) if (typeof fields[name] !== 'boolean') return `no ${name}`;
  return undefined;
}

/** The rules cannot guess what a damaged version said: the operator moves it aside, and the one before it holds. */
const unreadable = (path: string, why: string) =>
  new LedgerError(
    `the delivery ledger record ${path} is unreadable (${why}): a crash while it was written, or an edit? ` +
      'Move it aside (the version before it then holds; a send it was about may go again, marked as a possible duplicate) and run again',
  );

export class FileLedger implements DeliveryLedger {
  constructor(readonly dir: string) {}

  private audienceDir(reportId: string, periodId: string, audience: string): string {
    return join(this.dir, safeName(reportId), safeName(periodId), safeName(audience));
  }

  private recordDir(key: DeliveryKey): string {
    return join(this.audienceDir(key.reportId, key.periodId, key.audience), safeName(key.recipient.toLowerCase()));
  }

  /** The versions present, highest last. */
  private async versions(dir: string): Promise<number[]> {
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names
      .map((name) => VERSION_FILE.exec(name)?.[1])
      .filter((version): version is string => version !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
  }

  private async readLatest(dir: string): Promise<DeliveryRecord | undefined> {
    const latest = (await this.versions(dir)).at(-1);
    if (latest === undefined) return undefined;
    const path = join(dir, `${String(latest).padStart(6, '0')}.json`);
    const json = parseJsonText(await readFile(path, 'utf8'));
    if (!json.ok) throw unreadable(path, json.problem);
    const problem = problemOf(json.value);
    if (problem) throw unreadable(path, problem);
    return json.value as DeliveryRecord;
  }

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    return this.readLatest(this.recordDir(key));
  }

  async list(reportId: string, periodId: string, audience: string): Promise<DeliveryRecord[]> {
    const dir = this.audienceDir(reportId, periodId, audience);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const records = await Promise.all(
      entries.filter((entry) => entry.isDirectory()).map((entry) => this.readLatest(join(dir, entry.name))),
    );
    return records.filter((record): record is DeliveryRecord => record !== undefined);
  }

  async create(record: DeliveryRecord): Promise<boolean> {
    if (record.version !== 1) throw new DeliveryError(`a new ledger record has version 1, not ${record.version}`);
    return this.writeVersion(record);
  }

  async replace(record: DeliveryRecord): Promise<boolean> {
    const dir = this.recordDir(record);
    const latest = (await this.versions(dir)).at(-1);
    if (latest !== record.version - 1) return false;
    return this.writeVersion(record);
  }

  /** Creates the file of record.version; false if it exists (another writer was first). */
  private async writeVersion(record: DeliveryRecord): Promise<boolean> {
    const dir = this.recordDir(record);
    const path = join(dir, `${String(record.version).padStart(6, '0')}.json`);
    const temporary = join(dir, `.${record.version}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      await mkdir(dir, { recursive: true });
      // on disk before it is linked in: a crash must not leave the name with an empty file
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(`${JSON.stringify({ ...record, recipient: record.recipient.toLowerCase() }, null, 2)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await link(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new LedgerError(`could not write the delivery ledger at ${dir}: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }
}
