// Exactly-once with the local file ledger: runs in one process sharing a folder, as two
// mnp-briefings processes on one machine would.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import type { DeliveryRecord } from '#core/delivery-ports.ts';
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

  it('files a recipient under the lower-cased address', async () => {
    const ledger = new FileLedger(join(root, 'case'));

    await ledger.create(record({ recipient: 'Reader@Example.com' }));

    expect(await ledger.get(record({ recipient: 'reader@example.com' }))).toMatchObject({ version: 1 });
  });
});
