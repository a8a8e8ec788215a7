// The delivery ledger as a DynamoDB table (created by the stateful stack). The contract:
//   pk (S) = <reportId>#<periodId>#<audience>, sk (S) = the recipient address, lower-cased;
//   status, attempts, messageId, updatedAt (ISO), error, correction, possibleDuplicate;
// and beside them version (N, the optimistic lock), leaseUntil (ISO, while sending), dispatched
// (BOOL, while sending: whether the message was handed to the transport), replaces
// (the Message-ID a correction corrects), reason (why a correction was sent), and reportId, periodId, audience, recipient for readers. A new record is a put conditioned on
// attribute_not_exists(pk); every later write is a put conditioned on the version it read, so
// two concurrent runs cannot both claim a send.
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryKey, DeliveryLedger, DeliveryRecord, DeliveryStatus } from '#core/delivery-ports.ts';
import { DeliveryError } from '#core/errors.ts';

export interface DynamoDbLedgerProps {
  /** A DynamoDBClient, already built. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export function partitionKeyOf(reportId: string, periodId: string, audience: string): string {
  return `${reportId}#${periodId}#${audience}`;
}

type Item = Record<string, unknown>;

function itemOf(record: DeliveryRecord): Item {
  return {
    pk: partitionKeyOf(record.reportId, record.periodId, record.audience),
    sk: record.recipient.toLowerCase(),
    ...record,
    recipient: record.recipient.toLowerCase(),
  };
}

function recordOf(item: Item): DeliveryRecord {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  return {
    reportId: text('reportId') ?? String(item.pk).split('#')[0]!,
    periodId: text('periodId') ?? String(item.pk).split('#')[1]!,
    audience: text('audience') ?? String(item.pk).split('#')[2]!,
    recipient: String(item.sk),
    status: item.status as DeliveryStatus,
    attempts: Number(item.attempts ?? 0),
    messageId: text('messageId') ?? '',
    updatedAt: text('updatedAt') ?? '',
    ...(text('leaseUntil') ? { leaseUntil: text('leaseUntil') } : {}),
    ...(text('error') ? { error: text('error') } : {}),
    ...(text('replaces') ? { replaces: text('replaces') } : {}),
    ...(text('reason') ? { reason: text('reason') } : {}),
    correction: item.correction === true,
    possibleDuplicate: item.possibleDuplicate === true,
    ...(typeof item.dispatched === 'boolean' ? { dispatched: item.dispatched } : {}),
    version: Number(item.version ?? 0),
  };
}

export class DynamoDbLedger implements DeliveryLedger {
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly props: DynamoDbLedgerProps) {
    this.documents = DynamoDBDocumentClient.from(props.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private failure(action: string, error: unknown): DeliveryError {
    return new DeliveryError(`delivery ledger ${this.props.tableName}: ${action} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    try {
      const output = await this.documents.send(
        new GetCommand({
          TableName: this.props.tableName,
          Key: { pk: partitionKeyOf(key.reportId, key.periodId, key.audience), sk: key.recipient.toLowerCase() },
          ConsistentRead: true,
        }),
      );
      return output.Item ? recordOf(output.Item) : undefined;
    } catch (error) {
      throw this.failure('get', error);
    }
  }

  async list(reportId: string, periodId: string, audience: string): Promise<DeliveryRecord[]> {
    const records: DeliveryRecord[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const output = await this.documents.send(
          new QueryCommand({
            TableName: this.props.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': partitionKeyOf(reportId, periodId, audience) },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        records.push(...(output.Items ?? []).map(recordOf));
        start = output.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      throw this.failure('query', error);
    }
    return records;
  }

  async create(record: DeliveryRecord): Promise<boolean> {
    return this.conditionalPut(record, { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  async replace(record: DeliveryRecord): Promise<boolean> {
    return this.conditionalPut(record, {
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': record.version - 1 },
    });
  }

  private async conditionalPut(record: DeliveryRecord, condition: Partial<PutCommand['input']>): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.props.tableName, Item: itemOf(record), ...condition }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      )
        return false;
      throw this.failure('put', error);
    }
  }
}
