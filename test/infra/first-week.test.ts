// What a fresh AWS account would have found in the first week, checked on the synthesized
// templates of both stages, with and without an external lake: alarms that CloudWatch may
// publish, sends that SES authorizes from the sending domain only, a sender checked against
// that domain at synth, Deliver's concurrency from the SES rate, an SSE-KMS lake readable, and
// the curated layer started by the lake's markers.
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverConcurrency } from '../../infra/constructs/deliver-function.ts';
import { readSettings } from '../../infra/settings.ts';
import { prodContext, type SynthesisedApp, synthApp } from './synth-app.ts';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Sid?: string;
  Condition?: Record<string, any>;
  Principal?: unknown;
};
type Resource = { Type: string; Properties: Record<string, any> };
const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

const LAKE_KEY = 'arn:aws:kms:ap-southeast-1:444455556666:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789';

const VARIANTS = {
  dev: {},
  'dev, external lake': { lakeBucketName: 'operator-porting-lake', lakePrefix: 'mnp/' },
  prod: prodContext(),
  'prod, external SSE-KMS lake': prodContext('mail.operator.example', {
    lakeBucketName: 'operator-porting-lake',
    lakeKmsKeyArn: LAKE_KEY,
  }),
} as const;

function roleStatements(app: SynthesisedApp, rolePrefix: string): Statement[] {
  const policies = app.briefingsTemplate.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  const entry = Object.entries(policies).find(([id]) => id.startsWith(`${rolePrefix}RoleDefaultPolicy`));
  if (!entry) throw new Error(`no policy for ${rolePrefix}`);
  return entry[1].Properties['PolicyDocument'].Statement as Statement[];
}

function logicalIdsOf(app: SynthesisedApp, type: string): string[] {
  return Object.keys(app.briefingsTemplate.findResources(type));
}

describe.each(Object.entries(VARIANTS))('first week in a fresh account (%s)', (_name, context) => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synthApp({ context });
  });

  it("lets CloudWatch publish exactly this stack's alarms to the alarm topic, from this account", () => {
    const policies = Object.values(app.briefingsTemplate.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    const alarmTopicPolicy = policies.find((policy) =>
      JSON.stringify(policy.Properties['Topics']).includes('AlarmTopic'),
    )!;

    const statement = (alarmTopicPolicy.Properties['PolicyDocument'].Statement as Statement[]).find(
      (s) => s.Sid === 'CloudWatchAlarmsPublish',
    )!;

    expect(statement).toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
    });
    expect(statement.Condition!['StringEquals']).toEqual({ 'aws:SourceAccount': '111122223333' });
    const sourceArns = asArray(statement.Condition!['ArnEquals']['aws:SourceArn'])
      .map((arn: any) => arn['Fn::GetAtt'][0])
      .sort();
    expect(sourceArns).toEqual(logicalIdsOf(app, 'AWS::CloudWatch::Alarm').sort());
  });

  it('lets Deliver send from the sending domain only, through every identity SES checks', () => {
    const domain = app.briefings.node.tryGetContext('sesDomain') ?? 'example.com';
    const send = roleStatements(app, 'Deliver').find((s) => asArray(s.Action).includes('ses:SendRawEmail'))!;

    expect(send.Condition).toEqual({ StringLike: { 'ses:FromAddress': `*@${domain}` } });
    expect(JSON.stringify(send.Resource)).toContain(':identity/*');
  });

  it("reserves Deliver's concurrency from the SES rate and runs the Map at the same width", () => {
    const settings = readSettings((key) => app.app.node.tryGetContext(key));
    const expected = Math.floor(settings.sesMaxSendRate / 1);

    const deliver = Object.values(app.briefingsTemplate.findResources('AWS::Lambda::Function')).find(
      (fn: any) => fn.Properties.MemorySize === 1024,
    ) as Resource;

    expect(deliver.Properties['ReservedConcurrentExecutions']).toBe(expected);
    expect(app.briefings.deliver.concurrency).toBe(expected);
    for (const machine of app.briefings.machines.values()) {
      const definition = JSON.stringify(
        app.briefingsTemplate.toJSON().Resources[
          app.briefings.getLogicalId(machine.stateMachine.node.defaultChild as never)
        ].Properties.DefinitionString,
      );
      expect(definition).toContain(`\\"MaxConcurrency\\":${expected}`);
    }
  });

  it('offers operators a managed policy with exactly what the --target aws commands call', () => {
    const policies = Object.values(app.briefingsTemplate.findResources('AWS::IAM::ManagedPolicy')) as Resource[];
    const stage = (context as { stage?: string }).stage ?? 'dev';

    expect(policies.map((policy) => policy.Properties['ManagedPolicyName'])).toEqual([
      `mnp-briefings-${stage}-operator`,
    ]);
    const statements = policies[0]!.Properties['PolicyDocument'].Statement as Statement[];
    const actions = statements.flatMap((statement) => asArray(statement.Action)).sort();
    // aws-target.ts: ListStateMachines (by name), StartExecution; S3ReportStore: ListObjectsV2
    // (s3:ListBucket) and GetObject, also behind the signed links; DynamoDbLedger: Query, GetItem.
    expect(actions).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      's3:GetObject',
      's3:ListBucket',
      'states:ListStateMachines',
      'states:StartExecution',
    ]);
    const start = statements.find((statement) => statement.Action === 'states:StartExecution')!;
    expect(
      asArray(start.Resource)
        .map((arn: any) => arn.Ref)
        .sort(),
    ).toEqual(
      [...app.briefings.machines.values()]
        .map((machine) => app.briefings.getLogicalId(machine.stateMachine.node.defaultChild as never))
        .sort(),
    );
    const read = statements.find((statement) => statement.Action === 's3:GetObject')!;
    expect(
      asArray(read.Resource)
        .map((resource) => JSON.stringify(resource).replace(/.*archive-[^/]*/, ''))
        .sort(),
    ).toEqual(['/hq-weekly/*"]]}', '/province-monthly/*"]]}', '/runs/*"]]}']);
  });

  it.each(['Prepare', 'Curate'])('lets %s decrypt the lake only when the lake has a KMS key', (role) => {
    const decrypt = roleStatements(app, role).filter((s) => asArray(s.Action).includes('kms:Decrypt'));

    const key = (context as { lakeKmsKeyArn?: string }).lakeKmsKeyArn;
    expect(decrypt.flatMap((s) => asArray(s.Resource))).toEqual(key ? [key] : []);
  });

  it("starts the Curate function on the lake's _SUCCESS markers under the lake prefix, one instance at a time", () => {
    const prefix = (context as { lakePrefix?: string }).lakePrefix ?? '';
    const [rule] = Object.values(app.briefingsTemplate.findResources('AWS::Events::Rule')) as Resource[];
    const curate = Object.entries(app.briefingsTemplate.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('CurateFunction'),
    )![1] as Resource;

    expect(rule!.Properties['EventPattern'].detail.object.key).toContainEqual({
      wildcard: `${prefix}port_requests/*/_SUCCESS`,
    });
    expect(curate.Properties['ReservedConcurrentExecutions']).toBe(1);
  });

  it("lets Prepare read the lake's four table folders and nothing else of the lake", () => {
    const lakeObjects = roleStatements(app, 'Prepare')
      .filter((s) => asArray(s.Action).includes('s3:GetObject*'))
      .flatMap((s) => asArray(s.Resource))
      .map((resource) => JSON.stringify(resource))
      .filter((resource) => resource.includes('lake') && resource.includes('/'));
    const prefix = (context as { lakePrefix?: string }).lakePrefix ?? '';

    expect(lakeObjects).toHaveLength(4);
    for (const table of ['port_requests', 'exit_reasons', 'usage_monthly', 'subscriber_base']) {
      expect(lakeObjects.some((resource) => resource.includes(`/${prefix}${table}/*`))).toBe(true);
    }
  });
});

describe('deployment settings', () => {
  it("computes Deliver's concurrency as the SES rate over one message per second per instance", () => {
    expect([1, 14, 15.5, 0.5].map(deliverConcurrency)).toEqual([1, 14, 15, 1]);
  });

  it('refuses a prod stage without an operations address', () => {
    const context: Record<string, unknown> = { stage: 'prod', sesDomain: 'mail.operator.example' };

    expect(() => readSettings((key) => context[key])).toThrow(/opsEmail is required on the prod stage/);
  });

  it('refuses a KMS key for a lake that the app creates (SSE-S3)', () => {
    const context: Record<string, unknown> = { lakeKmsKeyArn: LAKE_KEY };

    expect(() => readSettings((key) => context[key])).toThrow(/lakeKmsKeyArn applies to an external lake/);
  });

  it('stops the synthesis when the recipients file sends from outside the SES domain, naming both', () => {
    const synthesise = () => synthApp({ context: { sesDomain: 'briefings.example.com' } });

    expect(synthesise).toThrow(
      /sender briefings@example\.com is outside the SES sending domain briefings\.example\.com/,
    );
  });

  it('accepts the shipped recipients file with the default dev domain', () => {
    const settings = readSettings(() => undefined);

    expect(settings.sesDomain).toBe('example.com');
    expect(() => synthApp()).not.toThrow();
  });
});
