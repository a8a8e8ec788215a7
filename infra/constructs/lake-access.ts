// Read access to the lake, in one place for every function that reads it (Prepare through
// Athena today, a curation function beside it): the objects under the four table folders
// only, and, for an external lake encrypted with SSE-KMS, decrypt with its key. Athena reads
// the data with the caller's permissions, so the caller needs both.
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { LakeTable } from '#core/ports.ts';

export interface LakeReadAccess {
  readonly bucket: s3.IBucket;
  /** The folder holding the table folders: '' or e.g. "lake/". */
  readonly prefix: string;
  readonly tableNames: readonly LakeTable[];
  /** The key of an SSE-KMS lake. @default - none (SSE-S3) */
  readonly key?: kms.IKey;
}

/** The object key patterns a lake reader may read: one per table folder. */
export function lakeTablePrefixes(lake: Pick<LakeReadAccess, 'prefix' | 'tableNames'>): string[] {
  return lake.tableNames.map((table) => `${lake.prefix}${table}/`);
}

/** Lets the grantee read the lake's table folders (and decrypt them, when the lake has a key). */
export function grantLakeRead(grantee: iam.IGrantable, lake: LakeReadAccess): void {
  for (const tablePrefix of lakeTablePrefixes(lake)) lake.bucket.grantRead(grantee, `${tablePrefix}*`);
  lake.key?.grantDecrypt(grantee);
}
