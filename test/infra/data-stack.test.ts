// The stateful stack: the Glue tables match the lake contract and find partitions by
// projection; every bucket is encrypted, private and TLS-only; the ledger honours its contract.
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lakeContract } from '#reference/lake-schema.ts';
import { type SynthesisedApp, synthApp } from './synth-app.ts';

// Hive's names for the lake schema's physical types (a decimal keeps its own spelling).
const GLUE_TYPE: Record<string, string> = { string: 'string', timestamp: 'timestamp', int32: 'int', int64: 'bigint' };

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
    it('declares one Glue table per contract table and no crawler', () => {
      app.dataTemplate.resourceCountIs('AWS::Glue::Table', 4);
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

  describe('buckets', () => {
    it('encrypts every bucket and blocks all public access', () => {
      const buckets = Object.values(app.dataTemplate.findResources('AWS::S3::Bucket'));
      expect(buckets).toHaveLength(4);
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
      expect(policies).toHaveLength(4);
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

    it('uses an existing lake bucket by name when given one', () => {
      const existing = synthApp({ context: { lakeBucketName: 'operator-porting-lake', lakePrefix: 'mnp/' } });
      existing.dataTemplate.resourceCountIs('AWS::S3::Bucket', 3);
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
