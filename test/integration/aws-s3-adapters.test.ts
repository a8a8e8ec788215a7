// The S3 report store and the S3 lake inventory against a real S3 API on loopback (s3rver):
// objects written and read back byte for byte, listings paged through to the end, partitions
// found under their table folders with _SUCCESS deciding completeness.
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3LakeInventory } from '#adapters/lake/s3-lake.ts';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { ArchiveError } from '#core/errors.ts';
import { type S3Server, startS3Server } from './aws-s3rver.ts';

describe('S3 adapters on a loopback S3 server', () => {
  let server: S3Server;
  let s3: S3Client;

  beforeAll(async () => {
    server = await startS3Server(['archive', 'lake']);
    s3 = server.client();
  });

  afterAll(async () => {
    await server?.stop();
  });

  const put = (bucket: string, key: string, body = 'x') =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  describe('S3ReportStore', () => {
    it('writes an object and reads the same bytes back', async () => {
      const store = new S3ReportStore({ client: s3, bucket: 'archive' });
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);

      await store.put('hq-weekly/2019-W48/hq/chart-flows.png', png, 'image/png');
      await store.put('hq-weekly/2019-W48/hq/briefing.txt', '净流入 +1,040,000', 'text/plain; charset=utf-8');

      expect(await store.get('hq-weekly/2019-W48/hq/chart-flows.png')).toEqual(png);
      expect(new TextDecoder().decode(await store.get('hq-weekly/2019-W48/hq/briefing.txt'))).toBe('净流入 +1,040,000');
    });

    it('answers undefined for a key that does not exist', async () => {
      const store = new S3ReportStore({ client: s3, bucket: 'archive' });

      expect(await store.get('hq-weekly/2001-W01/hq/briefing.html')).toBeUndefined();
    });

    it('lists every key under a prefix across pages, sorted', async () => {
      const store = new S3ReportStore({ client: s3, bucket: 'archive', prefix: 'paged/' });
      const keys = Array.from(
        { length: 1203 },
        (_unused, index) => `province-monthly/2019-12/${String(index).padStart(4, '0')}.json`,
      );
      for (let index = 0; index < keys.length; index += 50) {
        await Promise.all(keys.slice(index, index + 50).map((key) => store.put(key, '{}', 'application/json')));
      }
      await store.put('province-monthly/2020-01/0000.json', '{}', 'application/json');

      const listed = await store.list('province-monthly/2019-12/');

      expect(listed).toEqual(keys);
      const firstPage = await s3.send(new ListObjectsV2Command({ Bucket: 'archive', Prefix: 'paged/' }));
      expect(firstPage.IsTruncated).toBe(true);
    });

    it('locates a key as an s3:// URL and refuses keys that climb out', () => {
      const store = new S3ReportStore({ client: s3, bucket: 'archive', prefix: 'reports/' });

      expect(store.locate('hq-weekly/2019-W48/hq/briefing.html')).toBe(
        's3://archive/reports/hq-weekly/2019-W48/hq/briefing.html',
      );
      expect(() => store.locate('../secrets')).toThrow(ArchiveError);
    });

    it('fails with an ArchiveError naming the object when a write fails', async () => {
      const store = new S3ReportStore({ client: s3, bucket: 'no-such-bucket' });

      await expect(store.put('runs/x/snapshot.json', '{}', 'application/json')).rejects.toThrow(
        /could not write s3:\/\/no-such-bucket\/runs\/x\/snapshot.json/,
      );
    });
  });

  describe('S3LakeInventory', () => {
    beforeAll(async () => {
      await put('lake', 'mnp/port_requests/dt=2019-11-25/part-0.parquet');
      await put('lake', 'mnp/port_requests/dt=2019-11-25/_SUCCESS', '');
      await put('lake', 'mnp/port_requests/dt=2019-11-26/part-0.parquet');
      await put('lake', 'mnp/port_requests/dt=2019-11-26/part-1.parquet');
      await put('lake', 'mnp/port_requests/dt=2019-11-24/_SUCCESS', '');
      await put('lake', 'mnp/port_requests/dt=2019-11-24/part-0.parquet');
      await put('lake', 'mnp/port_requests/stray-file.txt');
      // Not partitions (a loader's leftover, an impossible date): never listed, as Athena's projection never reads them.
      await put('lake', 'mnp/port_requests/dt=2019-11-25.tmp/part-0.parquet');
      await put('lake', 'mnp/port_requests/dt=0000-00-00/part-0.parquet');
      await put('lake', 'mnp/usage_monthly/month=2019-13/part-0.parquet');
      await put('lake', 'mnp/exit_reasons/dt=2019-11-25/part-0.parquet');
      await put('lake', 'mnp/usage_monthly/month=2019-10/part-0.parquet');
      await put('lake', 'mnp/usage_monthly/month=2019-10/_SUCCESS', '');
      await put('lake', 'other/port_requests/dt=2019-01-01/_SUCCESS', '');
    });

    it('lists the partitions of a table in order, complete when _SUCCESS is there', async () => {
      const inventory = new S3LakeInventory({ client: s3, bucket: 'lake', prefix: 'mnp/' });

      const partitions = await inventory.listPartitions('port_requests');

      expect(partitions).toEqual([
        { table: 'port_requests', value: '2019-11-24', complete: true },
        { table: 'port_requests', value: '2019-11-25', complete: true },
        { table: 'port_requests', value: '2019-11-26', complete: false },
      ]);
    });

    it('reads month partitions and tables without markers', async () => {
      const inventory = new S3LakeInventory({ client: s3, bucket: 'lake', prefix: 'mnp/' });

      expect(await inventory.listPartitions('usage_monthly')).toEqual([
        { table: 'usage_monthly', value: '2019-10', complete: true },
      ]);
      expect(await inventory.listPartitions('exit_reasons')).toEqual([
        { table: 'exit_reasons', value: '2019-11-25', complete: false },
      ]);
      expect(await inventory.listPartitions('subscriber_base')).toEqual([]);
    });

    it('lists only the range a run reads, and the first partition before it', async () => {
      const inventory = new S3LakeInventory({ client: s3, bucket: 'lake', prefix: 'mnp/' });
      const listed: { prefix?: string; startAfter?: string }[] = [];
      s3.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'ListObjectsV2Command') {
            const input = args.input as { Prefix?: string; StartAfter?: string };
            listed.push({ prefix: input.Prefix, startAfter: input.StartAfter });
          }
          return next(args);
        },
        { step: 'initialize', name: 'recordListings' },
      );

      const partitions = await inventory.listPartitions('port_requests', { from: '2019-11-25', to: '2019-11-25' });
      s3.middlewareStack.remove('recordListings');

      // 2019-11-26 lies after the range; 2019-11-24 is the table's first partition, before it.
      expect(partitions).toEqual([
        { table: 'port_requests', value: '2019-11-24', complete: true },
        { table: 'port_requests', value: '2019-11-25', complete: true },
      ]);
      expect(listed[0]).toEqual({ prefix: 'mnp/port_requests/dt=', startAfter: 'mnp/port_requests/dt=2019-11-25' });
      expect(listed.slice(1).every((listing) => listing.startAfter === undefined)).toBe(true);
    });

    it('lists a range without the first partition when the lake begins inside it', async () => {
      const inventory = new S3LakeInventory({ client: s3, bucket: 'lake', prefix: 'mnp/' });

      const partitions = await inventory.listPartitions('port_requests', { from: '2019-11-20', to: '2019-11-30' });

      expect(partitions.map((p) => p.value)).toEqual(['2019-11-24', '2019-11-25', '2019-11-26']);
    });

    it('pages through a table with more objects than one listing returns', async () => {
      const days = Array.from({ length: 400 }, (_unused, index) =>
        new Date(Date.UTC(2020, 0, 1) + index * 86_400_000).toISOString().slice(0, 10),
      );
      for (let index = 0; index < days.length; index += 50) {
        await Promise.all(
          days
            .slice(index, index + 50)
            .flatMap((day, offset) => [
              put('lake', `big/port_requests/dt=${day}/part-0.parquet`),
              put('lake', `big/port_requests/dt=${day}/part-1.parquet`),
              ...((index + offset) % 7 === 6 ? [] : [put('lake', `big/port_requests/dt=${day}/_SUCCESS`, '')]),
            ]),
        );
      }
      const inventory = new S3LakeInventory({ client: s3, bucket: 'lake', prefix: 'big/' });

      const partitions = await inventory.listPartitions('port_requests');

      expect(partitions.map((p) => p.value)).toEqual(days);
      expect(partitions.filter((p) => !p.complete)).toHaveLength(57);
    });
  });
});
