// The lake's partition inventory in S3 (the twin of fs-lake.ts): which partition folders exist
// under <prefix><table>/<column>=<value>/ and which carry the loader's _SUCCESS marker. Athena
// finds partitions by projection, so only this inventory says whether one is whole. Given the
// range a run reads, it lists only that range (StartAfter, stopping past its end) and the
// table's first partition, not every key since the lake began: a held run checks every few
// minutes for hours.
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '#core/errors.ts';
import type { LakeInventory, LakeTable, PartitionRange, PartitionState } from '#core/ports.ts';
import { lakeContract } from '#reference/index.ts';
import { isPartitionValue, SUCCESS_MARKER } from './fs-lake.ts';

export interface S3LakeInventoryOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** The folder holding the table folders, e.g. "lake/"; '' for the bucket root. @default '' */
  readonly prefix?: string;
}

export class S3LakeInventory implements LakeInventory {
  private readonly prefix: string;

  constructor(private readonly options: S3LakeInventoryOptions) {
    this.prefix = options.prefix ?? '';
    if (this.prefix !== '' && !this.prefix.endsWith('/'))
      throw new LakeError(`lake prefix ${this.prefix} must end with "/"`);
  }

  tablePrefix(table: LakeTable): string {
    return `${this.prefix}${table}/${lakeContract[table].partition.column}=`;
  }

  async listPartitions(table: LakeTable, within?: PartitionRange): Promise<PartitionState[]> {
    const tablePrefix = this.tablePrefix(table);
    if (!within) return this.statesOf(table, tablePrefix, this.keysUnder(tablePrefix));
    // Keys sort as their partition values do (ISO dates and months): the range starts right
    // after "<table prefix><from>", and a key past "<to>/" ends it.
    const end = `${tablePrefix}${within.to}/\uffff`;
    const inRange = await this.statesOf(
      table,
      tablePrefix,
      this.keysUnder(tablePrefix, `${tablePrefix}${within.from}`, (key) => key > end),
    );
    const first = await this.firstValue(table, tablePrefix);
    if (first === undefined || first >= within.from) return inRange;
    const [firstState] = await this.statesOf(table, tablePrefix, this.keysUnder(`${tablePrefix}${first}/`));
    return firstState ? [firstState, ...inRange] : inRange;
  }

  private async statesOf(
    table: LakeTable,
    tablePrefix: string,
    keys: AsyncIterable<string>,
  ): Promise<PartitionState[]> {
    const complete = new Map<string, boolean>();
    for await (const key of keys) {
      const value = this.valueOf(table, tablePrefix, key);
      if (value === undefined) continue; // not inside a partition folder
      const fileName = key.slice(tablePrefix.length + value.length + 1);
      complete.set(value, (complete.get(value) ?? false) || fileName === SUCCESS_MARKER);
    }
    return [...complete.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, isComplete]) => ({ table, value, complete: isComplete }));
  }

  /** The partition value of a key, if it lies in a folder whose value is a partition's (isPartitionValue). */
  private valueOf(table: LakeTable, tablePrefix: string, key: string): string | undefined {
    const rest = key.slice(tablePrefix.length);
    const slash = rest.indexOf('/');
    const value = slash > 0 ? rest.slice(0, slash) : undefined;
    return value !== undefined && isPartitionValue(table, value) ? value : undefined;
  }

  /** The value of the table's first partition folder, from one short listing. */
  private async firstValue(table: LakeTable, tablePrefix: string): Promise<string | undefined> {
    for await (const key of this.keysUnder(tablePrefix)) {
      const value = this.valueOf(table, tablePrefix, key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  private async *keysUnder(
    prefix: string,
    startAfter?: string,
    isPastEnd?: (key: string) => boolean,
  ): AsyncGenerator<string> {
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.options.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.bucket,
            Prefix: prefix,
            ContinuationToken: continuationToken,
            ...(startAfter ? { StartAfter: startAfter } : {}),
          }),
        );
      } catch (error) {
        throw new LakeError(`could not list s3://${this.options.bucket}/${prefix}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        if (isPastEnd?.(object.Key)) return;
        yield object.Key;
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }
}
