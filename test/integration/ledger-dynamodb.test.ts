// Exactly-once with the DynamoDB ledger, against dynalite on loopback (it honours conditional
// puts), on tables made to the contract the stateful stack creates.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger, partitionKeyOf } from '#adapters/ledger/dynamodb-ledger.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import { type LoopbackDynamoDb, startLoopbackDynamoDb } from '../support/loopback-dynamodb.ts';
import {
  addresses,
  FAST_RETRY,
  handMadeArchivedReport,
  memoryPorts,
  recipientsFor,
} from '../unit/delivery-fixtures.ts';
import { exactlyOnceScenarios } from './ledger-scenarios.ts';

let dynamo: LoopbackDynamoDb;
let tables = 0;

const scenarioTables = new Map<string, string>();

beforeAll(async () => {
  dynamo = await startLoopbackDynamoDb('cn-north-1');
  for (const scenario of ['half', 'together', 'resend', 'crash', 'contract']) {
    tables += 1;
    const name = `mnp-delivery-ledger-${tables}`;
    await dynamo.createLedgerTable(name);
    scenarioTables.set(scenario, name);
  }
});

afterAll(async () => {
  await dynamo?.close();
});

const ledgerFor = (scenario: string) =>
  new DynamoDbLedger({ client: dynamo.client, tableName: scenarioTables.get(scenario)! });

describe('exactly once, with the DynamoDB ledger', () => {
  exactlyOnceScenarios({ openLedger: ledgerFor });
});

describe('the ledger table', () => {
  it('holds one item per recipient under the agreed keys and attributes', async () => {
    const ledger = ledgerFor('contract');
    await deliverAudienceReport(
      handMadeArchivedReport(),
      recipientsFor(['Reader-1@Example.com']),
      memoryPorts({ ledger }),
      FAST_RETRY,
    );

    const { Item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: scenarioTables.get('contract')!,
        Key: { pk: { S: 'hq-weekly#2019-W48#hq' }, sk: { S: 'reader-1@example.com' } },
      }),
    );

    expect(partitionKeyOf('hq-weekly', '2019-W48', 'hq')).toBe('hq-weekly#2019-W48#hq');
    expect(Item).toMatchObject({
      pk: { S: 'hq-weekly#2019-W48#hq' },
      sk: { S: 'reader-1@example.com' },
      status: { S: 'sent' },
      attempts: { N: '1' },
      messageId: { S: expect.stringMatching(/^<hq-weekly\.2019-W48\.hq\.[0-9a-f]{16}@example\.com>$/) },
      updatedAt: { S: '2019-12-02T01:00:00.000Z' },
      correction: { BOOL: false },
      possibleDuplicate: { BOOL: false },
      // Three writes: the claim, its hand-over to the transport, the send.
      version: { N: '3' },
    });
    expect(Item).not.toHaveProperty('error');
    expect(Item).not.toHaveProperty('leaseUntil');
    expect(Item).not.toHaveProperty('dispatched');
  });

  it('lets only one of two runs claim a recipient (conditional put)', async () => {
    const ledger = ledgerFor('contract');
    const claim = {
      reportId: 'hq-weekly',
      periodId: '2019-W49',
      audience: 'hq',
      recipient: addresses(1)[0]!,
      status: 'sending' as const,
      attempts: 0,
      messageId: '<m@example.com>',
      updatedAt: '2019-12-09T01:00:00.000Z',
      correction: false,
      possibleDuplicate: false,
      version: 1,
    };

    const created = await Promise.all([
      ledger.create(claim),
      ledgerFor('contract').create({ ...claim, messageId: '<n@example.com>' }),
    ]);
    const replaced = await Promise.all([
      ledger.replace({ ...claim, status: 'sent', version: 2 }),
      ledger.replace({ ...claim, status: 'failed', version: 2 }),
    ]);

    expect(created.sort()).toEqual([false, true]);
    expect(replaced.sort()).toEqual([false, true]);
  });
});
