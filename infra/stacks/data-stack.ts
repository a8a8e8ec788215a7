// The stateful stack: what must outlive any deployment of the code. The lake (created, or an
// existing bucket by name) and its Glue catalog, the curated layer's bucket and tables, the archive of rendered reports and run
// snapshots, the delivery ledger, the Athena results bucket, the access-log bucket, and the
// SES sending identity (its DKIM records live in DNS). Names come from data-names.ts, so the
// stateless stack finds these resources without cross-stack references and can be replaced freely.
import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { CuratedCatalog } from '../constructs/curated-catalog.ts';
import { DeliveryLedger } from '../constructs/delivery-ledger.ts';
import { LakeCatalog } from '../constructs/lake-catalog.ts';
import { SecureBucket } from '../constructs/secure-bucket.ts';
import type { DataNames } from '../data-names.ts';
import type { Stage } from '../settings.ts';

export interface DataStackProps extends StackProps {
  readonly stage: Stage;
  readonly names: DataNames;
  readonly lakePrefix: string;
  readonly lakeDateRange: string;
  readonly sesDomain: string;
  readonly athenaResultsRetentionDays: number;
}

export class DataStack extends Stack {
  readonly lakeBucket: s3.IBucket;
  readonly catalog: LakeCatalog;
  readonly curatedBucket: s3.Bucket;
  readonly curatedCatalog: CuratedCatalog;
  readonly archiveBucket: s3.Bucket;
  readonly athenaResultsBucket: s3.Bucket;
  readonly ledger: DeliveryLedger;
  readonly sendingIdentity: ses.EmailIdentity;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { names } = props;
    const accessLogs = new SecureBucket(this, 'AccessLogs', {
      bucketName: names.accessLogsBucket,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
    }).bucket;
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the server access log bucket of the other buckets; logging its own accesses into itself would loop.',
    });

    this.lakeBucket = names.lakeBucketIsExternal
      ? s3.Bucket.fromBucketName(this, 'ExistingLake', names.lakeBucket)
      : new SecureBucket(this, 'Lake', {
          bucketName: names.lakeBucket,
          versioned: true,
          // A reloaded partition replaces its files; the replaced versions are kept 90 days, for a recovery.
          noncurrentVersionExpiration: Duration.days(90),
          accessLogs: { bucket: accessLogs, prefix: 'lake/' },
          // A partition's _SUCCESS marker starts the Curate function (an external lake's owner turns this on: docs/aws.md).
          eventBridgeEnabled: true,
        }).bucket;
    this.catalog = new LakeCatalog(this, 'LakeCatalog', {
      databaseName: names.glueDatabase,
      bucket: this.lakeBucket,
      prefix: props.lakePrefix,
      dateRange: props.lakeDateRange,
    });

    // The curated layer is derived from the lake and rebuilt from it at will (curate --rebuild):
    // no versions to keep, and its own bucket, since an external lake may be read-only to us.
    this.curatedBucket = new SecureBucket(this, 'Curated', {
      bucketName: names.curatedBucket,
      accessLogs: { bucket: accessLogs, prefix: 'curated/' },
    }).bucket;
    this.curatedCatalog = new CuratedCatalog(this, 'CuratedCatalog', {
      database: this.catalog.database,
      bucket: this.curatedBucket,
      prefix: names.curatedPrefix,
      dateRange: props.lakeDateRange,
    });

    this.archiveBucket = new SecureBucket(this, 'Archive', {
      bucketName: names.archiveBucket,
      versioned: true,
      // Reports are re-rendered on a rerun; the versions they replace are kept a year.
      noncurrentVersionExpiration: Duration.days(365),
      accessLogs: { bucket: accessLogs, prefix: 'archive/' },
    }).bucket;

    this.athenaResultsBucket = new SecureBucket(this, 'AthenaResults', {
      bucketName: names.athenaResultsBucket,
      accessLogs: { bucket: accessLogs, prefix: 'athena-results/' },
      // Query results are a cache (result reuse) and a debugging aid, not a record.
      lifecycleRules: [{ id: 'expire-query-results', expiration: Duration.days(props.athenaResultsRetentionDays) }],
    }).bucket;

    this.ledger = new DeliveryLedger(this, 'DeliveryLedger', {
      tableName: names.ledgerTable,
      deletionProtection: props.stage === 'prod',
    });

    this.sendingIdentity = new ses.EmailIdentity(this, 'SendingIdentity', {
      identity: ses.Identity.domain(props.sesDomain),
    });
    // Easy DKIM: three CNAME records the deployer publishes in the domain's DNS (docs/aws.md).
    this.sendingIdentity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `DkimRecord${index + 1}`, {
        description: `DKIM CNAME ${index + 1} of 3 for ${props.sesDomain}: publish "<name> CNAME <value>"`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
  }
}
