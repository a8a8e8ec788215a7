// The lake's partition inventory in S3 (the twin of fs-lake.ts): which partition folders exist
// under <prefix><table>/<column>=<value>/ and which carry the loader's _SUCCESS marker. Athena
// finds partitions by projection, so only this inventory says whether one is whole.
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '#core/errors.ts';
import type { LakeInventory, LakeTable, PartitionState } from '#core/ports.ts';
import { lakeContract } from '#reference/index.ts';
import { SUCCESS_MARKER } from './fs-lake.ts';

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
    if (this.prefix !== '' && !this.prefix.endsWith('/')) throw new LakeError(`lake prefix ${this.prefix} must end with "/"`);
  }

  tablePrefix(table: LakeTable): string {
    return `${this.prefix}${table}/${lakeContract[table].partition.column}=`;
  }

  async listPartitions(table: LakeTable): Promise<PartitionState[]> {
    const tablePrefix = this.tablePrefix(table);
    const complete = new Map<string, boolean>();
    for await (const key of this.keysUnder(tablePrefix)) {
      const rest = key.slice(tablePrefix.length);
      const slash = rest.indexOf('/');
      if (slash <= 0) continue; // not inside a partition folder
      const value = rest.slice(0, slash);
      const fileName = rest.slice(slash + 1);
      complete.set(value, (complete.get(value) ?? false) || fileName === SUCCESS_MARKER);
    }
    return [...complete.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, isComplete]) => ({ table, value, complete: isComplete }));
  }

  private async *keysUnder(prefix: string): AsyncGenerator<string> {
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.options.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: continuationToken }));
      } catch (error) {
        throw new LakeError(`could not list s3://${this.options.bucket}/${prefix}: ${(error as Error).message}`, { cause: error });
      }
      for (const object of page.Contents ?? []) if (object.Key) yield object.Key;
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }
}
