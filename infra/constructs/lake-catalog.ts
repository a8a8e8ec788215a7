// The lake in the Glue Data Catalog: one database, one table per contract table, each over the
// Parquet files under <prefix><table>/ with PARTITION PROJECTION on its partition column, so
// that Athena computes the partitions of a query from its WHERE clause. No crawler, no MSCK
// REPAIR: a new day is queryable as soon as its folder exists (and complete once _SUCCESS is).
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { LakeTable } from '#core/ports.ts';
import { decimalOf, lakeContract, lakeTables, type PhysicalType } from '#reference/lake-schema.ts';

export const LAKE_TABLES: readonly LakeTable[] = lakeTables;

export interface LakeCatalogProps {
  readonly databaseName: string;
  readonly bucket: s3.IBucket;
  /** The folder holding the table folders: '' or e.g. "lake/". */
  readonly prefix: string;
  /** Projection range of the dt partitions, e.g. "2019-01-01,NOW+1DAYS". */
  readonly dateRange: string;
}

/** The Glue (Hive) column type of a physical type of the lake schema. */
function glueType(type: PhysicalType): glue.Type {
  switch (type) {
    case 'string':
      return glue.Schema.STRING;
    case 'timestamp':
      return glue.Schema.TIMESTAMP;
    case 'int32':
      return glue.Schema.INTEGER;
    case 'int64':
      return glue.Schema.BIG_INT;
    default: {
      const { precision, scale } = decimalOf(type)!;
      return glue.Schema.decimal(precision, scale);
    }
  }
}

/** The month range that matches a day range: "2019-01-01,NOW+1DAYS" -> "2019-01,NOW". */
export function monthRangeOf(dateRange: string): string {
  const [first, last] = dateRange.split(',') as [string, string];
  return `${first.slice(0, 7)},${last.startsWith('NOW') ? 'NOW' : last.slice(0, 7)}`;
}

/**
 * The projection of a `dt` (Beijing date) or `month` partition column over the lake's date range:
 * the raw tables and the curated ones (curated-catalog.ts) find their partitions the same way.
 */
export function partitionProjection(column: 'dt' | 'month', dateRange: string): glue.PartitionProjectionConfiguration {
  return column === 'dt'
    ? glue.PartitionProjectionConfiguration.date({ format: 'yyyy-MM-dd', ...rangeOf(dateRange) })
    : glue.PartitionProjectionConfiguration.date({
        format: 'yyyy-MM',
        step: { interval: 1, intervalUnit: glue.DateIntervalUnit.MONTHS },
        ...rangeOf(monthRangeOf(dateRange)),
      });
}

export class LakeCatalog extends Construct {
  readonly database: glue.Database;
  readonly tables: Readonly<Record<LakeTable, glue.S3Table>>;

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    this.database = new glue.Database(this, 'Database', {
      databaseName: props.databaseName,
      description: 'The porting lake (mnp-briefings): Parquet tables of the data contract, partitions by projection',
    });
    const entries = LAKE_TABLES.map((table) => [table, this.table(table, props)] as const);
    this.tables = Object.fromEntries(entries) as Record<LakeTable, glue.S3Table>;
  }

  private table(name: LakeTable, props: LakeCatalogProps): glue.S3Table {
    const { columns, partition } = lakeContract[name];
    const column = partition.column;
    const location = `s3://${props.bucket.bucketName}/${props.prefix}${name}/`;
    const projection = partitionProjection(column, props.dateRange);
    return new glue.S3Table(this, name, {
      tableName: name,
      description: `${name} of the porting lake; partitioned by ${column} (Beijing date), see data-contract.md`,
      database: this.database,
      storage: glue.S3TableStorage.fromBucket(props.bucket),
      s3Prefix: `${props.prefix}${name}/`,
      dataFormat: glue.DataFormat.PARQUET,
      // The lake is encrypted server-side (SSE-S3); this flag is for client-side encryption only.
      hasEncryptedData: false,
      columns: columns.map((c) => ({ name: c.name, type: glueType(c.type) })),
      // `month` is partition-column text in the folder names; the SQL compares it as a string.
      partitionKeys: [{ name: column, type: glue.Schema.STRING }],
      partitionProjection: { [column]: projection },
      parameters: {
        'storage.location.template': `${location}${column}=\${${column}}/`,
        'parquet.compression': 'SNAPPY',
      },
    });
  }
}

function rangeOf(range: string): { min: string; max: string } {
  const [min, max] = range.split(',') as [string, string];
  return { min, max };
}
