// s3CurationObjects against a real S3 API on loopback: the raw listing (ETags as versions,
// _SUCCESS kept, other markers and deeper keys left out), unit records, and a curated partition
// replaced by its staged objects and removed.
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CurationObjects, runCuration } from '#adapters/curation/curation-run.ts';
import { s3CurationObjects } from '#adapters/curation/s3-curation-objects.ts';
import { type S3Server, startS3Server } from './aws-s3rver.ts';

const LAKE = 'mnp-lake';
const CURATED = 'mnp-curated';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('s3CurationObjects', () => {
  let server: S3Server;
  let client: S3Client;
  let objects: CurationObjects;
  const put = (bucket: string, key: string, body: string) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const keysUnder = async (bucket: string, prefix: string) =>
    ((await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
      .map((object) => object.Key!)
      .sort();

  beforeAll(async () => {
    server = await startS3Server([LAKE, CURATED]);
    client = server.client();
    objects = s3CurationObjects({
      client,
      lakeBucket: LAKE,
      lakePrefix: 'lake',
      curatedBucket: CURATED,
      curatedPrefix: 'layer/curated/',
    });
    await put(LAKE, 'lake/port_requests/dt=2019-11-26/part-1.parquet', 'second day');
    await put(LAKE, 'lake/port_requests/dt=2019-11-25/part-0.parquet', 'first day, first file');
    await put(LAKE, 'lake/port_requests/dt=2019-11-25/_SUCCESS', '');
    await put(LAKE, 'lake/port_requests/dt=2019-11-25/_temporary', 'a writer marker');
    await put(LAKE, 'lake/port_requests/dt=2019-11-25/nested/x.parquet', 'not of the partition');
    await put(LAKE, 'lake/usage_monthly/month=2019-10/u.parquet', 'usage');
    await put(LAKE, 'lake/exit_reasons/dt=2019-11-25/e.parquet', 'answers');
    await put(LAKE, 'elsewhere/port_requests/dt=2019-11-27/p.parquet', 'another prefix');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('lists the raw partitions with sizes and ETags, in order', async () => {
    expect(await objects.listRaw()).toEqual({
      port_requests: [
        {
          value: '2019-11-25',
          files: [
            { name: '_SUCCESS', size: 0, version: md5('') },
            { name: 'part-0.parquet', size: 21, version: md5('first day, first file') },
          ],
        },
        { value: '2019-11-26', files: [{ name: 'part-1.parquet', size: 10, version: md5('second day') }] },
      ],
      exit_reasons: [{ value: '2019-11-25', files: [{ name: 'e.parquet', size: 7, version: md5('answers') }] }],
      usage_monthly: [{ value: '2019-10', files: [{ name: 'u.parquet', size: 5, version: md5('usage') }] }],
    });
  });

  it('writes, reads and removes unit records in the _built_from layout', async () => {
    const record = {
      unit: { kind: 'requests' as const, value: '2019-11-25' },
      sqlVersion: 'abc',
      inputs: { 'port_requests/dt=2019-11-25': [{ name: 'part-0.parquet', size: 21, version: 'e' }] },
      builtAt: '2026-01-01T00:00:00.000Z',
    };
    await objects.writeRecord(record);
    await put(CURATED, 'layer/curated/_built_from/usage/month=2019-10.json', '{ not json');
    expect(await keysUnder(CURATED, 'layer/curated/_built_from/requests/')).toEqual([
      'layer/curated/_built_from/requests/dt=2019-11-25.json',
    ]);
    const records = await objects.readRecords();
    expect([...records.keys()]).toEqual(['requests/dt=2019-11-25']);
    expect(records.get('requests/dt=2019-11-25')).toEqual(record);
    await objects.removeRecord(record.unit);
    expect(await keysUnder(CURATED, 'layer/curated/_built_from/requests/')).toEqual([]);
  });

  it('replaces a partition by its staged objects, then removes it', async () => {
    await put(CURATED, 'layer/curated/flows_daily/dt=2019-11-25/old-file', 'old rows');
    await put(CURATED, 'layer/curated/flows_daily/dt=2019-11-26/other-day', 'kept');
    await put(CURATED, 'layer/curated/_staging/r1/flows_daily/dt=2019-11-25/new-a', 'new rows a');
    await put(CURATED, 'layer/curated/_staging/r1/flows_daily/dt=2019-11-25/new b', 'new rows b');
    await objects.replacePartition('_staging/r1', 'flows_daily', 'dt=2019-11-25');
    expect(await keysUnder(CURATED, 'layer/curated/flows_daily/')).toEqual([
      'layer/curated/flows_daily/dt=2019-11-25/new b',
      'layer/curated/flows_daily/dt=2019-11-25/new-a',
      'layer/curated/flows_daily/dt=2019-11-26/other-day',
    ]);
    const body = await client.send(
      new GetObjectCommand({ Bucket: CURATED, Key: 'layer/curated/flows_daily/dt=2019-11-25/new-a' }),
    );
    expect(await body.Body!.transformToString()).toBe('new rows a');
    expect(await keysUnder(CURATED, 'layer/curated/_staging/')).toEqual([]);

    // Nothing staged: the partition is left absent.
    await objects.replacePartition('_staging/r1', 'flows_daily', 'dt=2019-11-26');
    expect(await keysUnder(CURATED, 'layer/curated/flows_daily/dt=2019-11-26/')).toEqual([]);

    await objects.removePartition('flows_daily', 'dt=2019-11-25');
    expect(await keysUnder(CURATED, 'layer/curated/flows_daily/')).toEqual([]);
  });

  it('removes a staging folder and all under it', async () => {
    await put(CURATED, 'layer/curated/_staging/r2/usage_quality/month=2019-10/f', 'x');
    await put(CURATED, 'layer/curated/usage_quality/month=2019-10/f', 'kept');
    await objects.removeStaging('_staging/r2');
    expect(await keysUnder(CURATED, 'layer/curated/_staging/')).toEqual([]);
    expect(await keysUnder(CURATED, 'layer/curated/usage_quality/')).toEqual([
      'layer/curated/usage_quality/month=2019-10/f',
    ]);
  });

  it('lists the units that hold a curated partition, record or not, by kind and within a range', async () => {
    await put(CURATED, 'layer/curated/flows_daily/dt=2019-11-20/f', 'a request day');
    await put(CURATED, 'layer/curated/port_requests_current/dt=2019-11-20/g', 'the same day');
    await put(CURATED, 'layer/curated/exit_answers_daily/dt=2019-11-21/h', 'an exit day');
    await put(CURATED, 'layer/curated/_staging/r3/flows_daily/dt=2019-11-22/i', 'staged, not a unit');

    const all = await objects.curatedUnits();
    const inRange = await objects.curatedUnits({ from: '2019-11-21', to: '2019-11-30' });

    expect(all).toEqual(
      expect.arrayContaining([
        { kind: 'requests', value: '2019-11-20' },
        { kind: 'exits', value: '2019-11-21' },
        { kind: 'usage', value: '2019-10' },
      ]),
    );
    expect(all.filter((unit) => unit.kind === 'requests')).toEqual([{ kind: 'requests', value: '2019-11-20' }]);
    expect(inRange.filter((unit) => unit.kind !== 'usage')).toEqual([{ kind: 'exits', value: '2019-11-21' }]);
  });
});

// What a unit's partitions held when it was built, by name and ETag: a curated object deleted or
// rewritten by hand in S3 makes its unit stale, as a file does locally, instead of being read without it.
describe('a curated object changed by hand in S3', () => {
  let server: S3Server;
  let client: S3Client;
  const curatedKey = 'layer/usage_quality/month=2019-10/part-0.parquet';
  const put = (bucket: string, key: string, body: string) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  const curate = () =>
    runCuration({
      objects: s3CurationObjects({
        client,
        lakeBucket: LAKE,
        lakePrefix: 'lake/',
        curatedBucket: CURATED,
        curatedPrefix: 'layer/',
      }),
      staging: '_staging/t',
      // stands in for Athena: stages one object for each unit it is asked to build
      openWriter: async () => ({
        build: async (batch, staging) => {
          for (const value of batch.values)
            await put(CURATED, `layer/${staging}/usage_quality/month=${value}/part-0.parquet`, `rows of ${value}`);
        },
        close: async () => {},
      }),
    });

  beforeAll(async () => {
    server = await startS3Server([LAKE, CURATED]);
    client = server.client();
    await put(LAKE, 'lake/usage_monthly/month=2019-10/u.parquet', 'usage');
    await put(LAKE, 'lake/usage_monthly/month=2019-10/_SUCCESS', '');
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is built again when deleted or rewritten, and left alone otherwise', async () => {
    expect((await curate()).built.usage).toBe(1);
    expect((await curate()).built.usage).toBe(0);

    await client.send(new DeleteObjectCommand({ Bucket: CURATED, Key: curatedKey }));
    expect((await curate()).built.usage).toBe(1);
    expect((await curate()).built.usage).toBe(0);

    await put(CURATED, curatedKey, 'rows of 2019-1X'); // the same size, other content
    expect((await curate()).built.usage).toBe(1);
    expect((await curate()).built.usage).toBe(0);
    const body = await client.send(new GetObjectCommand({ Bucket: CURATED, Key: curatedKey }));
    expect(await body.Body!.transformToString()).toBe('rows of 2019-10');
  });
});
