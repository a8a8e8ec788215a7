// A delivery ledger in memory, with the same create and compare-and-set rules as the others:
// for unit tests and for previews that must leave no trace.
import type { DeliveryKey, DeliveryLedger, DeliveryRecord } from '#core/delivery-ports.ts';

const keyOf = (key: DeliveryKey) =>
  [key.reportId, key.periodId, key.audience, key.recipient.toLowerCase()].join('\u0000');

export class MemoryLedger implements DeliveryLedger {
  readonly records = new Map<string, DeliveryRecord>();
  /** Every write, in order: the history a test can read. */
  readonly writes: DeliveryRecord[] = [];

  async get(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    return this.records.get(keyOf(key));
  }

  async list(reportId: string, periodId: string, audience: string): Promise<DeliveryRecord[]> {
    return [...this.records.values()].filter(
      (record) => record.reportId === reportId && record.periodId === periodId && record.audience === audience,
    );
  }

  async create(record: DeliveryRecord): Promise<boolean> {
    if (this.records.has(keyOf(record))) return false;
    return this.write(record);
  }

  async replace(record: DeliveryRecord): Promise<boolean> {
    if (this.records.get(keyOf(record))?.version !== record.version - 1) return false;
    return this.write(record);
  }

  private write(record: DeliveryRecord): boolean {
    const stored = { ...record, recipient: record.recipient.toLowerCase() };
    this.records.set(keyOf(record), stored);
    this.writes.push(stored);
    return true;
  }
}
