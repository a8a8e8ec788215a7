// Exactly-once with the local file ledger: runs in one process sharing a folder, as two
// mnp-briefings processes on one machine would.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import type { DeliveryRecord } from '#core/delivery-ports.ts';
import { LedgerError } from '#core/errors.ts';
import { exactlyOnceScenarios } from './ledger-scenarios.ts';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-ledger-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('exactly once, with the file ledger', () => {
  exactlyOnceScenarios({ openLedger: (scenario) => new FileLedger(join(root, scenario)) });
});

const record = (fields: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  reportId: 'hq-weekly',
  periodId: '2019-W48',
  audience: 'hq',
  recipient: 'reader@example.com',
  status: 'sending',
  attempts: 0,
  messageId: '<m@example.com>',
  updatedAt: '2019-12-02T01:00:00.000Z',
  correction: false,
  possibleDuplicate: false,
  version: 1,
  ...fields,
});

describe('the file ledger', () => {
  it('creates a record once: of two creates at the same time, one wins', async () => {
    const ledger = new FileLedger(join(root, 'create'));

    const results = await Promise.all([
      ledger.create(record()),
      new FileLedger(join(root, 'create')).create(record({ messageId: '<other@example.com>' })),
    ]);

    expect(results.sort()).toEqual([false, true]);
  });

  it('replaces a record only over the version it read, keeping each version as history', async () => {
    const ledger = new FileLedger(join(root, 'replace'));
    await ledger.create(record());

    const results = await Promise.all([
      ledger.replace(record({ status: 'sent', version: 2 })),
      ledger.replace(record({ status: 'failed', version: 2 })),
    ]);
    const stale = await ledger.replace(record({ status: 'sent', version: 2 }));

    expect(results.sort()).toEqual([false, true]);
    expect(stale).toBe(false);
    expect(await readdir(join(root, 'replace', 'hq-weekly', '2019-W48', 'hq', 'reader@example.com'))).toEqual([
      '000001.json',
      '000002.json',
    ]);
    expect((await ledger.get(record()))?.version).toBe(2);
  });

  it('names a damaged record and what to do with it, rather than acting on a guess', async () => {
    const ledger = new FileLedger(join(root, 'damaged'));
    await ledger.create(record());
    const dir = join(root, 'damaged', 'hq-weekly', '2019-W48', 'hq', 'reader@example.com');

    await writeFile(join(dir, '000002.json'), ''); // what a crash between write and flush leaves
    await expect(ledger.get(record())).rejects.toThrow(LedgerError);
    await expect(ledger.list('hq-weekly', '2019-W48', 'hq')).rejects.toThrow(
      /the delivery ledger record .*reader@example.com\/000002\.json is unreadable \(empty\): .*Move it aside/,
    );
    await writeFile(join(dir, '000002.json'), '{"status":"sent"}');
    await expect(ledger.get(record())).rejects.toThrow(/000002\.json is unreadable \(no reportId\)/);
    await writeFile(join(dir, '000002.json'), JSON.stringify(record({ status: 'delivered' as 'sent', version: 2 })));
    await expect(ledger.get(record())).rejects.toThrow(/unreadable \(status delivered\)/);

    await rm(join(dir, '000002.json'));
    expect(await ledger.get(record())).toMatchObject({ status: 'sending', version: 1 });
  });

  it('files a recipient under the lower-cased address', async () => {
    const ledger = new FileLedger(join(root, 'case'));

    await ledger.create(record({ recipient: 'Reader@Example.com' }));

    expect(await ledger.get(record({ recipient: 'reader@example.com' }))).toMatchObject({ version: 1 });
  });
});
