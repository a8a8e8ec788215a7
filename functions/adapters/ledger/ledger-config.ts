// The ledger configuration and the factory: a folder locally, a DynamoDB table in AWS.
import type { DeliveryLedger } from '#core/delivery-ports.ts';
import { FileLedger } from './file-ledger.ts';

export type LedgerConfig =
  | { readonly kind: 'file'; readonly dir: string }
  | { readonly kind: 'dynamodb'; readonly tableName: string; readonly region?: string; readonly endpoint?: string };

export async function createLedger(config: LedgerConfig): Promise<DeliveryLedger> {
  if (config.kind === 'file') return new FileLedger(config.dir);
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDbLedger } = await import('./dynamodb-ledger.ts');
  const client = new DynamoDBClient({
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
  });
  return new DynamoDbLedger({ client, tableName: config.tableName });
}
