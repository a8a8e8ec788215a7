// The curated layer in the Glue Data Catalog (docs/curated-layer.md): one table per entry of
// CURATED_TABLES, in the lake's own database, over the Parquet files under
// <curated bucket>/<prefix><table>/, with the raw tables' partition projection. Generic over
// CURATED_TABLES: a curated table added there gets its Glue table here, with no code per table.
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CURATED_TABLES, type CuratedTable, HIVE_TYPES } from '#core/curated-tables.ts';
import { partitionProjection } from './lake-catalog.ts';

export interface CuratedCatalogProps {
  /** The lake's database: the curated tables live beside the raw ones. */
  readonly database: glue.IDatabase;
  readonly bucket: s3.IBucket;
  /** The folder holding the curated table folders: '' or e.g. "curated/". */
  readonly prefix: string;
  /** Projection range of the dt partitions, the raw tables' (e.g. "2019-01-01,NOW+1DAYS"). */
  readonly dateRange: string;
}

export class CuratedCatalog extends Construct {
  readonly tables: ReadonlyMap<string, glue.S3Table>;

  constructor(scope: Construct, id: string, props: CuratedCatalogProps) {
    super(scope, id);
    this.tables = new Map(CURATED_TABLES.map((table) => [table.name, this.table(table, props)]));
  }

  private table(table: CuratedTable, props: CuratedCatalogProps): glue.S3Table {
    const column = table.partitionColumn;
    const location = `s3://${props.bucket.bucketName}/${props.prefix}${table.name}/`;
    return new glue.S3Table(this, table.name, {
      tableName: table.name,
      description: `${table.name}: curated from ${table.follows}, partitioned by ${column}; derived, rebuilt by the Curate function (docs/curated-layer.md)`,
      database: props.database,
      storage: glue.S3TableStorage.fromBucket(props.bucket),
      s3Prefix: `${props.prefix}${table.name}/`,
      dataFormat: glue.DataFormat.PARQUET,
      // Encrypted server-side (SSE-S3); this flag is for client-side encryption only.
      hasEncryptedData: false,
      columns: table.columns.map(([name, type]) => ({
        name,
        type: { inputString: HIVE_TYPES[type], isPrimitive: true },
      })),
      partitionKeys: [{ name: column, type: glue.Schema.STRING }],
      partitionProjection: { [column]: partitionProjection(column, props.dateRange) },
      parameters: {
        'storage.location.template': `${location}${column}=\${${column}}/`,
        'parquet.compression': 'SNAPPY',
      },
    });
  }
}
