// The stateful stack: the Glue tables match the lake contract and the curated tables, and find
// partitions by projection; every bucket is encrypted, private and TLS-only; the lake sends its
// events to EventBridge when it is ours; the ledger honours its contract.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import { lakeContract } from '#reference/lake-schema.ts';
import { type SynthesisedApp, synthApp } from './synth-app.ts';

// Hive's names for the lake schema's physical types (a decimal keeps its own spelling).
const GLUE_TYPE: Record<string, string> = { string: 'string', timestamp: 'timestamp', int32: 'int', int64: 'bigint' };
// ... and for the curated tables' types.
const CURATED_GLUE_TYPE: Record<string, string> = {
  VARCHAR: 'string',
  TIMESTAMP: 'timestamp',
  BIGINT: 'bigint',
  'DECIMAL(12,2)': 'decimal(12,2)',
  'DECIMAL(38,2)': 'decimal(38,2)',
};
const PROJECTION_KEYS = /^projection\.|^storage\.location\.template$/;

/** The logical id of the curated layer's bucket. */
function curatedBucketId(app: SynthesisedApp): string {
  const [id] = Object.entries(app.dataTemplate.findResources('AWS::S3::Bucket')).find(([, bucket]) =>
    JSON.stringify((bucket as { Properties: Record<string, unknown> }).Properties['BucketName']).includes(
      'mnp-briefings-dev-curated-',
    ),
  )!;
  return id;
}

function tableInputDatabase(app: SynthesisedApp, name: string): unknown {
  const tables = app.dataTemplate.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: name } } });
  return (Object.values(tables)[0] as { Properties: Record<string, unknown> }).Properties['DatabaseName'];
}

function tableInput(app: SynthesisedApp, name: string) {
  const tables = app.dataTemplate.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: name } } });
  const [table] = Object.values(tables);
  return (table as { Properties: { TableInput: Record<string, any> } }).Properties.TableInput;
}

describe('data stack', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synthApp({ context: { lakeDateRange: '2019-01-01,NOW+1DAYS' } });
  });

  describe('lake catalog', () => {
    it('declares one Glue table per contract table and per curated table, and no crawler', () => {
      // The four raw tables of the contract and the curated tables beside them, in the same database.
      app.dataTemplate.resourceCountIs('AWS::Glue::Table', 4 + CURATED_TABLES.length);
      app.dataTemplate.resourceCountIs('AWS::Glue::Database', 1);
      app.dataTemplate.resourceCountIs('AWS::Glue::Crawler', 0);
      app.dataTemplate.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'mnp_lake_dev' } });
    });

    it.each(Object.keys(lakeContract))('gives %s the contract columns with their Glue types', (name) => {
      const input = tableInput(app, name);
      const expected = lakeContract[name as keyof typeof lakeContract].columns.map((column) => ({
        Name: column.name,
        Type: GLUE_TYPE[column.type] ?? column.type,
      }));
      expect(input['StorageDescriptor'].Columns).toEqual(expected);
      expect(input['StorageDescriptor'].SerdeInfo.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
    });

    it.each(['port_requests', 'exit_reasons'])('projects the dt partitions of %s as Beijing dates', (name) => {
      const input = tableInput(app, name);
      expect(input['PartitionKeys']).toEqual([{ Name: 'dt', Type: 'string' }]);
      expect(input['Parameters']).toMatchObject({
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2019-01-01,NOW+1DAYS',
      });
      expect(JSON.stringify(input['Parameters']['storage.location.template'])).toContain(`/${name}/dt=\${dt}/`);
    });

    it.each(['usage_monthly', 'subscriber_base'])('projects the month partitions of %s', (name) => {
      const input = tableInput(app, name);
      expect(input['PartitionKeys']).toEqual([{ Name: 'month', Type: 'string' }]);
      expect(input['Parameters']).toMatchObject({
        'projection.enabled': 'true',
        'projection.month.type': 'date',
        'projection.month.format': 'yyyy-MM',
        'projection.month.range': '2019-01,NOW',
        'projection.month.interval': '1',
        'projection.month.interval.unit': 'MONTHS',
      });
      expect(JSON.stringify(input['Parameters']['storage.location.template'])).toContain(`/${name}/month=\${month}/`);
    });
  });

  describe('curated catalog', () => {
    it.each(CURATED_TABLES.map((table) => [table.name, table] as const))(
      'gives %s the columns of CURATED_TABLES as Parquet, in the lake database',
      (name, table) => {
        const input = tableInput(app, name);
        const [glueTable] = Object.values(
          app.dataTemplate.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: name } } }),
        ) as { Properties: Record<string, any> }[];

        expect(input['StorageDescriptor'].Columns).toEqual(
          table.columns.map(([column, type]) => ({ Name: column, Type: CURATED_GLUE_TYPE[type] })),
        );
        expect(input['PartitionKeys']).toEqual([{ Name: table.partitionColumn, Type: 'string' }]);
        expect(input['StorageDescriptor'].SerdeInfo.SerializationLibrary).toBe(
          'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        );
        expect(glueTable!.Properties['DatabaseName']).toEqual(tableInputDatabase(app, 'port_requests'));
      },
    );

    it.each(CURATED_TABLES.map((table) => [table.name, table] as const))(
      'projects the partitions of %s as the raw table it follows does, in the curated bucket',
      (name, table) => {
        const curated = tableInput(app, name)['Parameters'] as Record<string, unknown>;
        const raw = tableInput(app, table.follows)['Parameters'] as Record<string, unknown>;
        const projection = (parameters: Record<string, unknown>) =>
          Object.fromEntries(
            Object.entries(parameters).filter(
              ([key]) => PROJECTION_KEYS.test(key) && key !== 'storage.location.template',
            ),
          );

        expect(projection(curated)).toEqual(projection(raw));
        const template = JSON.stringify(curated['storage.location.template']);
        expect(template).toContain(`{"Ref":"${curatedBucketId(app)}"}`);
        expect(template).toContain(`/${name}/${table.partitionColumn}=\${${table.partitionColumn}}/`);
      },
    );

    it('keeps the curated tables in their own bucket when the lake is external, never in the lake', () => {
      const existing = synthApp({ context: { lakeBucketName: 'operator-porting-lake', lakePrefix: 'mnp/' } });

      for (const table of CURATED_TABLES) {
        const location = JSON.stringify(tableInput(existing, table.name)['StorageDescriptor'].Location);
        expect(location).toContain(`{"Ref":"${curatedBucketId(existing)}"}`);
        expect(location).not.toContain('operator-porting-lake');
      }
    });
  });

  describe('buckets', () => {
    it('encrypts every bucket and blocks all public access', () => {
      const buckets = Object.values(app.dataTemplate.findResources('AWS::S3::Bucket'));
      // The lake, the curated layer, the archive, the Athena results and the access logs.
      expect(buckets).toHaveLength(5);
      for (const bucket of buckets as { Properties: Record<string, any> }[]) {
        expect(
          bucket.Properties['BucketEncryption'].ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
            .SSEAlgorithm,
        ).toBe('AES256');
        expect(bucket.Properties['PublicAccessBlockConfiguration']).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
    });

    it('denies every request without TLS, on every bucket', () => {
      const policies = Object.values(app.dataTemplate.findResources('AWS::S3::BucketPolicy')) as {
        Properties: { PolicyDocument: { Statement: any[] } };
      }[];
      expect(policies).toHaveLength(5);
      for (const policy of policies) {
        expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
      }
    });

    it('keeps versions of the lake and the archive, expires the replaced ones, and expires query results', () => {
      app.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['mnp-briefings-dev-lake-'])] }),
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'expire-noncurrent-versions', NoncurrentVersionExpiration: { NoncurrentDays: 90 } }),
          ]),
        },
      });
      app.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['mnp-briefings-dev-archive-'])] }),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({
              Id: 'expire-noncurrent-versions',
              NoncurrentVersionExpiration: { NoncurrentDays: 365 },
            }),
          ]),
        },
      });
      app.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['mnp-briefings-dev-archive-'])] }),
        VersioningConfiguration: { Status: 'Enabled' },
      });
      app.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['mnp-briefings-dev-athena-results-'])] }),
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Id: 'expire-query-results', ExpirationInDays: 7, Status: 'Enabled' }),
          ]),
        },
      });
    });

    it('keeps no versions of the curated layer: it is derived, and rebuilt from the lake at will', () => {
      app.dataTemplate.hasResourceProperties('AWS::S3::Bucket', {
        BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['mnp-briefings-dev-curated-'])] }),
        VersioningConfiguration: Match.absent(),
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'curated/' }),
      });
    });

    it("sends the lake's events to EventBridge (a _SUCCESS marker starts the curation), and no other bucket's", () => {
      const withEvents = Object.values(
        app.dataTemplate.findResources('AWS::S3::Bucket', {
          Properties: { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } },
        }),
      ) as { Properties: Record<string, any> }[];

      expect(withEvents.map((bucket) => JSON.stringify(bucket.Properties['BucketName']))).toEqual([
        expect.stringContaining('mnp-briefings-dev-lake-'),
      ]);
      // Set on the bucket itself: no notifications custom resource, no function of its own.
      app.dataTemplate.resourceCountIs('AWS::Lambda::Function', 0);
    });

    it('uses an existing lake bucket by name when given one', () => {
      const existing = synthApp({ context: { lakeBucketName: 'operator-porting-lake', lakePrefix: 'mnp/' } });
      // The curated layer, the archive, the Athena results and the access logs: no lake bucket.
      existing.dataTemplate.resourceCountIs('AWS::S3::Bucket', 4);
      const input = tableInput(existing, 'port_requests');
      expect(input['StorageDescriptor'].Location).toBe('s3://operator-porting-lake/mnp/port_requests/');
      expect(input['Parameters']['storage.location.template']).toBe(
        's3://operator-porting-lake/mnp/port_requests/dt=${dt}/',
      );
    });
  });

  it('keeps the delivery ledger by pk/sk, on demand, with point-in-time recovery, encrypted', () => {
    app.dataTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'mnp-briefings-dev-delivery-ledger',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]),
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: Match.objectLike({ SSEEnabled: true }),
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
  });

  it('declares the SES sending identity for the configured domain', () => {
    app.dataTemplate.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
  });

  it('gives the three DKIM records of the identity as stack outputs, to publish in DNS', () => {
    const outputs = app.dataTemplate.findOutputs('*');

    const values = Object.entries(outputs)
      .filter(([id]) => id.startsWith('DkimRecord'))
      .map(([, output]) => JSON.stringify(output['Value']));

    expect(values).toHaveLength(3);
    for (const [index, value] of values.entries()) {
      expect(value).toContain(`DkimDNSTokenName${index + 1}`);
      expect(value).toContain(' CNAME ');
      expect(value).toContain(`DkimDNSTokenValue${index + 1}`);
    }
  });
});
