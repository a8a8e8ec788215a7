// The report archive as an S3 bucket (the twin of fs-store.ts): rendered reports, run
// snapshots and run status records, each under a key such as hq-weekly/2019-W48/hq/briefing.html.
// A PutObject is atomic, so a reader never sees half a report.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ArchiveError } from '#core/errors.ts';
import type { ReportStore } from '#core/ports.ts';

export interface S3ReportStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /**
   * A folder inside the bucket that the store's keys are relative to, e.g. "archive/".
   * @default '' (the bucket root)
   */
  readonly prefix?: string;
}

function isMissing(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    candidate?.name === 'NoSuchKey' || candidate?.name === 'NotFound' || candidate?.$metadata?.httpStatusCode === 404
  );
}

export class S3ReportStore implements ReportStore {
  private readonly prefix: string;

  constructor(private readonly options: S3ReportStoreOptions) {
    this.prefix = options.prefix ?? '';
    if (this.prefix !== '' && !this.prefix.endsWith('/'))
      throw new ArchiveError(`archive prefix ${this.prefix} must end with "/"`);
  }

  private objectKey(key: string): string {
    if (key.split('/').some((part) => part === '..' || part === '' || part === '.'))
      throw new ArchiveError(`invalid archive key ${key}`);
    return `${this.prefix}${key}`;
  }

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    const objectKey = this.objectKey(key);
    try {
      await this.options.client.send(
        new PutObjectCommand({ Bucket: this.options.bucket, Key: objectKey, Body: body, ContentType: contentType }),
      );
    } catch (error) {
      throw new ArchiveError(`could not write ${this.locate(key)}: ${(error as Error).message}`, { cause: error });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const output = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }),
      );
      return output.Body ? await output.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new ArchiveError(`could not read ${this.locate(key)}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Every key under a prefix (relative to the store's own prefix), sorted, across all pages. */
  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let continuationToken: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: `${this.prefix}${prefix}`,
          ContinuationToken: continuationToken,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key.slice(this.prefix.length));
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
    return keys.sort();
  }

  locate(key: string): string {
    return `s3://${this.options.bucket}/${this.objectKey(key)}`;
  }
}
