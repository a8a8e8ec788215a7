// Exactly-once with the DynamoDB ledger, against dynalite on loopback (it honours conditional
// puts), on a table made to the contract the stateful stack creates: pk and sk, both strings.
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger, partitionKeyOf } from '#adapters/ledger/dynamodb-ledger.ts';
import { deliverAudienceReport } from '#core/delivery.ts';
import { addresses, FAST_RETRY, handMadeArchivedReport, memoryPorts, recipientsFor } from '../unit/delivery-fixtures.ts';
import { exactlyOnceScenarios } from './ledger-scenarios.ts';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs?: number }) => Server;

let server: Server;
let client: DynamoDBClient;
let tables = 0;

async function createLedgerTable(name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

const scenarioTables = new Map<string, string>();

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  client = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'cn-north-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  for (const scenario of ['half', 'together', 'resend', 'crash', 'contract']) {
    tables += 1;
    const name = `mnp-delivery-ledger-${tables}`;
    await createLedgerTable(name);
    scenarioTables.set(scenario, name);
  }
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const ledgerFor = (scenario: string) => new DynamoDbLedger({ client, tableName: scenarioTables.get(scenario)! });

describe('exactly once, with the DynamoDB ledger', () => {
  exactlyOnceScenarios({ openLedger: ledgerFor });
});

describe('the ledger table', () => {
  it('holds one item per recipient under the agreed keys and attributes', async () => {
    const ledger = ledgerFor('contract');
    await deliverAudienceReport(handMadeArchivedReport(), recipientsFor(['Reader-1@Example.com']), memoryPorts({ ledger }), FAST_RETRY);

    const { Item } = await client.send(
      new GetItemCommand({ TableName: scenarioTables.get('contract')!, Key: { pk: { S: 'hq-weekly#2019-W48#hq' }, sk: { S: 'reader-1@example.com' } } }),
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
      version: { N: '2' },
    });
    expect(Item).not.toHaveProperty('error');
    expect(Item).not.toHaveProperty('leaseUntil');
  });

  it('lets only one of two runs claim a recipient (conditional put)', async () => {
    const ledger = ledgerFor('contract');
    const claim = { reportId: 'hq-weekly', periodId: '2019-W49', audience: 'hq', recipient: addresses(1)[0]!, status: 'sending' as const, attempts: 0, messageId: '<m@example.com>', updatedAt: '2019-12-09T01:00:00.000Z', correction: false, possibleDuplicate: false, version: 1 };

    const created = await Promise.all([ledger.create(claim), ledgerFor('contract').create({ ...claim, messageId: '<n@example.com>' })]);
    const replaced = await Promise.all([ledger.replace({ ...claim, status: 'sent', version: 2 }), ledger.replace({ ...claim, status: 'failed', version: 2 })]);

    expect(created.sort()).toEqual([false, true]);
    expect(replaced.sort()).toEqual([false, true]);
  });
});
