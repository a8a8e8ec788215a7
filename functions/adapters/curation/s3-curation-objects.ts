// The curated layer's objects in S3: the raw lake's files listed with their ETags, the unit
// records under <curated prefix>_built_from/, and the curated partitions, replaced by copying the
// staged objects into place (S3 has no rename). One writer per curated prefix at a time.
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { CuratedUnit, FollowedTable, RawListing, RawPartitionFiles, UnitRecord } from '#core/curation.ts';
import { listFollowedTables, unitKey } from '#core/curation.ts';
import { lakeContract } from '#reference/index.ts';
import { isPartitionValue } from '../lake/fs-lake.ts';
import { RECORDS_FOLDER, recordInRange } from './curated-files.ts';
import { type CurationObjects, tracksRawFile, unitsWithPartitions } from './curation-run.ts';

export interface S3CurationObjectsOptions {
  readonly client: S3Client;
  readonly lakeBucket: string;
  /** The folder holding the raw table folders, e.g. 'lake/' ('' for the bucket's root). */
  readonly lakePrefix: string;
  readonly curatedBucket: string;
  /** The curated layer's folder, e.g. 'curated/'. */
  readonly curatedPrefix: string;
}

const RECORD_READS_AT_ONCE = 32;

const folderOf = (prefix: string) => (prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`);

interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
}

async function listObjects(client: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
    );
    for (const object of page.Contents ?? [])
      if (object.Key)
        objects.push({ key: object.Key, size: object.Size ?? 0, etag: (object.ETag ?? '').replaceAll('"', '') });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** A curated file as a unit record's outputs name it: the ETag changes with any new content. */
const outputOf = (name: string, etag: string) => `${name}:${etag}`;

async function deleteKeys(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += 1000) {
    const output = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: keys.slice(start, start + 1000).map((key) => ({ Key: key })), Quiet: true },
      }),
    );
    if (output.Errors?.length)
      throw new Error(`could not delete s3://${bucket}/${output.Errors[0]!.Key}: ${output.Errors[0]!.Message}`);
  }
}

/** A key as CopySource wants it: URL-encoded, '/' and the '=' of partition folders kept. */
const copySourceKey = (key: string) =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replaceAll('%3D', '='))
    .join('/');

/** The raw lake and the curated layer in S3 as CurationObjects. */
export function s3CurationObjects(options: S3CurationObjectsOptions): CurationObjects {
  const { client, lakeBucket, curatedBucket } = options;
  const lakePrefix = folderOf(options.lakePrefix);
  const curatedPrefix = folderOf(options.curatedPrefix);
  const recordKey = (unit: CuratedUnit) => `${curatedPrefix}${RECORDS_FOLDER}/${unit.kind}/${unitKey(unit)}.json`;

  async function listRawTable(table: FollowedTable): Promise<RawPartitionFiles[]> {
    const column = lakeContract[table].partition.column;
    const tablePrefix = `${lakePrefix}${table}/`;
    const partitions = new Map<string, RawPartitionFiles['files'][number][]>();
    for (const object of await listObjects(client, lakeBucket, tablePrefix)) {
      const [folder, name, ...deeper] = object.key.slice(tablePrefix.length).split('/');
      if (!folder?.startsWith(`${column}=`) || !name || deeper.length > 0) continue;
      if (!tracksRawFile(name)) continue;
      const value = folder.slice(column.length + 1);
      if (!isPartitionValue(table, value)) continue; // not a partition: Athena's projection never reads it
      const files = partitions.get(value) ?? [];
      files.push({ name, size: object.size, version: object.etag });
      partitions.set(value, files);
    }
    return [...partitions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, files]) => ({
        value,
        files: files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      }));
  }

  // Each curated table's objects by partition ("dt=2019-11-26" -> ["name:etag", ...]), listed once a
  // curate (reading the records starts one: a handler's store outlives its invocations) and kept in
  // step with what this writer replaces and removes, so a unit's outputs cost no request of their own.
  let tableListings = new Map<string, Promise<Map<string, string[]>>>();
  async function listTablePartitions(table: string): Promise<Map<string, string[]>> {
    const tablePrefix = `${curatedPrefix}${table}/`;
    const partitions = new Map<string, string[]>();
    for (const object of await listObjects(client, curatedBucket, tablePrefix)) {
      const [partition, name, ...deeper] = object.key.slice(tablePrefix.length).split('/');
      if (!partition || !name) continue;
      const files = partitions.get(partition) ?? [];
      if (deeper.length === 0) files.push(outputOf(name, object.etag));
      partitions.set(partition, files);
    }
    for (const files of partitions.values()) files.sort();
    return partitions;
  }
  function partitionsOf(table: string): Promise<Map<string, string[]>> {
    let listing = tableListings.get(table);
    if (!listing) {
      listing = listTablePartitions(table);
      tableListings.set(table, listing);
    }
    return listing;
  }
  /** What a partition holds now, in a table listing already read (one not read yet is read whole later). */
  async function noteListed(table: string, partition: string, files: readonly string[]): Promise<void> {
    const listing = tableListings.get(table);
    if (!listing) return;
    const partitions = await listing;
    if (files.length > 0) partitions.set(partition, [...files].sort());
    else partitions.delete(partition);
  }

  const removeUnder = async (prefix: string) =>
    deleteKeys(
      client,
      curatedBucket,
      (await listObjects(client, curatedBucket, prefix)).map((object) => object.key),
    );

  return {
    listRaw: (): Promise<RawListing> => listFollowedTables(listRawTable),
    async readRecords(range) {
      tableListings = new Map();
      const records = new Map<string, UnitRecord>();
      const folder = `${curatedPrefix}${RECORDS_FOLDER}/`;
      const keys = (await listObjects(client, curatedBucket, folder))
        .map((object) => object.key)
        .filter((key) => key.endsWith('.json') && (!range || recordInRange(key.slice(folder.length), range)));
      const read = async (key: string) => {
        try {
          const output = await client.send(new GetObjectCommand({ Bucket: curatedBucket, Key: key }));
          return JSON.parse((await output.Body?.transformToString('utf8')) ?? '') as UnitRecord;
        } catch {
          return undefined; // an unreadable record is no record: the unit is rebuilt
        }
      };
      // A year is about a thousand records: read them RECORD_READS_AT_ONCE at a time, not one by one.
      for (let start = 0; start < keys.length; start += RECORD_READS_AT_ONCE) {
        for (const record of await Promise.all(keys.slice(start, start + RECORD_READS_AT_ONCE).map(read)))
          if (record) records.set(`${record.unit.kind}/${unitKey(record.unit)}`, record);
      }
      return records;
    },
    async writeRecord(record) {
      await client.send(
        new PutObjectCommand({
          Bucket: curatedBucket,
          Key: recordKey(record.unit),
          Body: `${JSON.stringify(record, null, 1)}\n`,
          ContentType: 'application/json',
        }),
      );
    },
    async removeRecord(unit) {
      await deleteKeys(client, curatedBucket, [recordKey(unit)]);
    },
    async removePartition(table, partition) {
      await removeUnder(`${curatedPrefix}${table}/${partition}/`);
      await noteListed(table, partition, []);
    },
    async replacePartition(staging, table, partition) {
      const target = `${curatedPrefix}${table}/${partition}/`;
      await removeUnder(target);
      const stagedPrefix = `${curatedPrefix}${folderOf(staging)}${table}/${partition}/`;
      const staged = await listObjects(client, curatedBucket, stagedPrefix);
      const placed: string[] = [];
      for (const object of staged) {
        const name = object.key.slice(stagedPrefix.length);
        const copied = await client.send(
          new CopyObjectCommand({
            Bucket: curatedBucket,
            Key: `${target}${name}`,
            CopySource: `${curatedBucket}/${copySourceKey(object.key)}`,
          }),
        );
        // the copy's own ETag: with SSE-KMS it is not the staged object's
        const etag = copied.CopyObjectResult?.ETag?.replaceAll('"', '');
        if (!name.includes('/')) placed.push(outputOf(name, etag ?? object.etag));
      }
      await noteListed(table, partition, placed);
      await deleteKeys(
        client,
        curatedBucket,
        staged.map((object) => object.key),
      );
    },
    async removeStaging(staging) {
      await removeUnder(`${curatedPrefix}${folderOf(staging)}`);
    },
    async ensureFolders() {
      // S3 has no folders: a key's prefix is there as soon as an object is.
    },
    curatedUnits: (range) => unitsWithPartitions(async (table) => [...(await partitionsOf(table)).keys()], range),
    async outputsOf(unit, tables) {
      const outputs: Record<string, string[]> = {};
      for (const table of tables) outputs[table] = [...((await partitionsOf(table)).get(unitKey(unit)) ?? [])];
      return outputs;
    },
  };
}
