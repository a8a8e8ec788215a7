// The physical names of the stateful resources, derived from the stage (and, for the buckets,
// the account and region, which make them globally unique). Both stacks compute them here: the
// stateless stack finds the data stack's resources by name, not by cross-stack reference, so
// either stack can be replaced or redeployed without touching the other's outputs.
import { Aws } from 'aws-cdk-lib';
import type { Stage } from './settings.ts';

export interface DataNames {
  readonly lakeBucket: string;
  /** True when the lake bucket exists outside this app (context lakeBucketName). */
  readonly lakeBucketIsExternal: boolean;
  readonly archiveBucket: string;
  /** The curated layer (docs/curated-layer.md): derived from the lake, never written into it (the lake may be read-only). */
  readonly curatedBucket: string;
  /** The folder of the curated table folders and their freshness records: the bucket is the layer's own. */
  readonly curatedPrefix: string;
  readonly athenaResultsBucket: string;
  readonly accessLogsBucket: string;
  readonly ledgerTable: string;
  readonly glueDatabase: string;
}

function bucketName(stage: Stage, purpose: string): string {
  return `mnp-briefings-${stage}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export function dataNames(stage: Stage, lakeBucketName?: string): DataNames {
  return {
    lakeBucket: lakeBucketName ?? bucketName(stage, 'lake'),
    lakeBucketIsExternal: lakeBucketName !== undefined,
    archiveBucket: bucketName(stage, 'archive'),
    curatedBucket: bucketName(stage, 'curated'),
    curatedPrefix: '',
    athenaResultsBucket: bucketName(stage, 'athena-results'),
    accessLogsBucket: bucketName(stage, 'access-logs'),
    ledgerTable: `mnp-briefings-${stage}-delivery-ledger`,
    glueDatabase: `mnp_lake_${stage}`,
  };
}
