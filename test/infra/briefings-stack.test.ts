// The stateless stack: the Athena workgroup enforces its settings, the schedules are exactly
// the report definitions, each function has its own narrow role, each state machine holds,
// retries and records as its report definition says, and the Curate function keeps the curated
// layer fresh (started by the lake's _SUCCESS markers and an hourly catch-up, one at a time).
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CURATED_TABLES } from '#core/curated-tables.ts';
import { ConfigurationError, PeriodError } from '#core/errors.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { prodContext, type SynthesisedApp, synthApp } from './synth-app.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Sid?: string; Condition?: unknown };
type Resource = { Type: string; Properties: Record<string, any> };

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * A CloudFormation value as text, with intrinsic functions flattened (Refs become <Name>) and
 * the test environment's literal partition, region and account shown as the pseudo parameters.
 */
function flat(value: unknown): string {
  return flatten(value)
    .replace(/^arn:aws:/, 'arn:<AWS::Partition>:')
    .replace(/:ap-southeast-1:/, ':<AWS::Region>:')
    .replace(/:111122223333:/, ':<AWS::AccountId>:');
}

function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const object = value as Record<string, any>;
    if ('Ref' in object) return `<${object['Ref']}>`;
    if ('Fn::GetAtt' in object) return `<${object['Fn::GetAtt'].join('.')}>`;
    if ('Fn::Join' in object) return (object['Fn::Join'][1] as unknown[]).map(flatten).join(object['Fn::Join'][0]);
  }
  return JSON.stringify(value);
}

function policiesOf(app: SynthesisedApp): Record<string, Statement[]> {
  const policies = app.briefingsTemplate.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  return Object.fromEntries(
    Object.entries(policies).map(([id, policy]) => [id, policy.Properties['PolicyDocument'].Statement as Statement[]]),
  );
}

function statementsOfRole(app: SynthesisedApp, rolePrefix: string): Statement[] {
  const entry = Object.entries(policiesOf(app)).find(([id]) => id.startsWith(`${rolePrefix}RoleDefaultPolicy`));
  if (!entry) throw new Error(`no policy for ${rolePrefix}`);
  return entry[1];
}

function resourcesFor(statements: Statement[], action: string): string[] {
  return statements.filter((s) => asArray(s.Action).includes(action)).flatMap((s) => asArray(s.Resource).map(flat));
}

function stateMachineDefinition(app: SynthesisedApp, reportId: string): Record<string, any> {
  const machines = app.briefingsTemplate.findResources('AWS::StepFunctions::StateMachine', {
    Properties: { StateMachineName: `mnp-briefings-dev-${reportId}` },
  }) as Record<string, Resource>;
  const [machine] = Object.values(machines);
  const definition = machine!.Properties['DefinitionString'];
  // Intrinsics (function ARNs, the partition) sit inside JSON strings: stand in a plain word for them.
  const text =
    typeof definition === 'string'
      ? definition
      : (definition['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text);
}

/** The states a run can reach from `start` (Next, Choices and Default, not inside Maps). */
function reachableFrom(states: Record<string, any>, start: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string | undefined) => {
    if (!name || seen.has(name)) return;
    seen.add(name);
    const state = states[name];
    visit(state.Next);
    visit(state.Default);
    for (const choice of state.Choices ?? []) visit(choice.Next);
    for (const handler of state.Catch ?? []) visit(handler.Next);
  };
  visit(start);
  return [...seen];
}

describe('briefings stack', () => {
  let app: SynthesisedApp;
  beforeAll(() => {
    app = synthApp();
  });

  describe('Athena workgroup', () => {
    it('enforces engine v3, a scan limit and encrypted results in the results bucket', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::Athena::WorkGroup', {
        Name: 'mnp-briefings-dev',
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
          BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
          PublishCloudWatchMetricsEnabled: true,
          ResultConfiguration: {
            EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            OutputLocation: Match.objectLike({
              'Fn::Join': ['', Match.arrayWith(['s3://mnp-briefings-dev-athena-results-', '/results/'])],
            }),
          },
        },
      });
    });

    it('takes the scan limit from context', () => {
      const custom = synthApp({ context: { bytesScannedCutoffGb: '3' } });
      custom.briefingsTemplate.hasResourceProperties('AWS::Athena::WorkGroup', {
        WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 3 * 1024 ** 3 }),
      });
    });
  });

  describe('schedules', () => {
    it('has exactly one schedule per report definition, in Beijing time, with its expression', () => {
      const schedules = Object.values(app.briefingsTemplate.findResources('AWS::Scheduler::Schedule')) as Resource[];
      // Beside them, the check of missed runs (infra/constructs/missed-run-check.ts) and the curated
      // layer's catch-up (infra/constructs/curate-function.ts) have a schedule of their own.
      expect(schedules.map((s) => s.Properties['Name']).sort()).toEqual(
        [
          ...reportDefinitions.map((d) => `mnp-briefings-dev-${d.id}`),
          'mnp-briefings-dev-missed-run-check',
          'mnp-briefings-dev-curate-catch-up',
        ].sort(),
      );
      for (const definition of reportDefinitions) {
        const schedule = schedules.find((s) => s.Properties['Name'] === `mnp-briefings-dev-${definition.id}`)!;
        expect(schedule.Properties['ScheduleExpression']).toBe(definition.schedule.expression);
        expect(schedule.Properties['ScheduleExpressionTimezone']).toBe('Asia/Shanghai');
        expect(JSON.parse(schedule.Properties['Target'].Input)).toEqual({
          reportId: definition.id,
          scheduledTime: '<aws.scheduler.scheduled-time>',
        });
        expect(schedule.Properties['Target'].Arn).toEqual({
          'Fn::GetAtt': [expect.stringMatching(/^StartScheduledRunFunction/), 'Arn'],
        });
      }
    });

    it("starts runs through a function that may start the report state machines and nothing else, and parks its failures with the schedules'", () => {
      const all = statementsOfRole(app, 'StartScheduledRun').filter(
        (s) => s.Effect === 'Allow' && !asArray(s.Action).some((a) => a.startsWith('logs:')),
      );
      const toQueue = all.filter((s) => asArray(s.Action).every((a) => a.startsWith('sqs:')));
      const statements = all.filter((s) => !toQueue.includes(s));

      expect(statements.flatMap((s) => asArray(s.Action))).toEqual(['states:StartExecution']);
      expect(toQueue.flatMap((s) => asArray(s.Resource)).map(flat)).toEqual([
        expect.stringMatching(/^<FailedScheduleStarts.*\.Arn>$/),
      ]);
      expect(
        statements
          .flatMap((s) => asArray(s.Resource))
          .map((r: any) => r.Ref)
          .sort(),
      ).toEqual(
        [...app.briefings.machines.values()]
          .map((machine) => app.briefings.getLogicalId(machine.stateMachine.node.defaultChild as never))
          .sort(),
      );
      // The functions invoked asynchronously: the starter, the missed-run check and Curate (events, catch-up).
      app.briefingsTemplate.resourceCountIs('AWS::Lambda::EventInvokeConfig', 3);
      app.briefingsTemplate.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: Match.stringLikeRegexp('^StartScheduledRunFunction') },
        MaximumRetryAttempts: 0,
        DestinationConfig: {
          OnFailure: {
            Destination: Match.objectLike({
              'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^FailedScheduleStarts')]),
            }),
          },
        },
      });
    });

    it('retries a failed start and then parks it in a dead-letter queue', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 7200 },
          DeadLetterConfig: {
            Arn: Match.objectLike({ 'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^FailedScheduleStarts')]) }),
          },
        }),
      });
    });

    it('starts disabled on dev and enabled on prod', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
      const prod = synthApp({ context: prodContext() });
      const states = Object.values(prod.briefingsTemplate.findResources('AWS::Scheduler::Schedule')).map(
        (s: any) => s.Properties.State,
      );
      // The reports', the missed-run check's and the curated layer's catch-up.
      expect(states).toEqual([...reportDefinitions.map(() => 'ENABLED'), 'ENABLED', 'ENABLED']);
    });
  });

  describe('the check of missed runs', () => {
    it('alarms per report on overdue periods where the schedules run (prod), treating missing data as breaching', () => {
      const prod = synthApp({ context: prodContext() });
      expect(
        Object.values(app.briefingsTemplate.findResources('AWS::CloudWatch::Alarm')).filter(
          (alarm: any) => alarm.Properties.MetricName === 'OverdueReports',
        ),
      ).toEqual([]);
      for (const definition of reportDefinitions) {
        prod.briefingsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'MnpBriefings',
          MetricName: 'OverdueReports',
          Dimensions: [{ Name: 'Report', Value: definition.id }],
          TreatMissingData: 'breaching',
          Threshold: 1,
          EvaluationPeriods: 2,
        });
        prod.briefingsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ReportsSentWithIncompleteData',
          Dimensions: [{ Name: 'Report', Value: definition.id }],
          TreatMissingData: 'notBreaching',
        });
      }
    });

    it('runs the check hourly with the ledger table and archive bucket it reads, publishing only to its namespace', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: 'mnp-briefings-dev-missed-run-check',
        ScheduleExpression: 'rate(1 hour)',
      });
      app.briefingsTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            LEDGER_TABLE: 'mnp-briefings-dev-delivery-ledger',
            METRIC_NAMESPACE: 'MnpBriefings',
            RECIPIENTS_KEY: 'config/recipients.json',
          }),
        },
      });
      app.briefingsTemplate.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: Match.objectLike({
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: 'cloudwatch:PutMetricData',
              Condition: { StringEquals: { 'cloudwatch:namespace': 'MnpBriefings' } },
            }),
          ]),
        }),
      });
    });
  });

  describe('functions', () => {
    it('runs every function on Node 22 with JSON logs, and no failed-invocations queue (Step Functions invokes synchronously)', () => {
      const functions = Object.values(app.briefingsTemplate.findResources('AWS::Lambda::Function')) as Resource[];
      // Prepare, Deliver, Record, the schedules' starter, the missed-run check and Curate.
      expect(functions).toHaveLength(6);
      for (const fn of functions) {
        expect(fn.Properties['Runtime']).toBe('nodejs22.x');
        expect(fn.Properties['LoggingConfig']).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO' });
        expect(fn.Properties['Environment'].Variables.POWERTOOLS_SERVICE_NAME).toBe('mnp-briefings');
      }
      const queues = Object.values(app.briefingsTemplate.findResources('AWS::SQS::Queue')) as Resource[];
      expect(queues.map((queue) => queue.Properties['QueueName'])).toEqual([
        'mnp-briefings-dev-failed-schedule-starts',
      ]);
    });

    it('runs Prepare and Record on ARM64 and Deliver on the architecture of its chart rasteriser', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::Lambda::Function', {
        Handler: 'index.handler',
        MemorySize: 512,
        Timeout: 600,
        Architectures: ['arm64'],
      });
      app.briefingsTemplate.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 256,
        Timeout: 30,
        Architectures: ['arm64'],
      });
      app.briefingsTemplate.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1024,
        Timeout: 120,
        Architectures: ['x86_64'],
      });
    });

    it('gives each function its own role', () => {
      const roles = (Object.values(app.briefingsTemplate.findResources('AWS::Lambda::Function')) as Resource[]).map(
        (fn) => flat(fn.Properties['Role']),
      );
      expect(new Set(roles).size).toBe(6);
      for (const role of Object.values(app.briefingsTemplate.findResources('AWS::IAM::Role')) as Resource[]) {
        expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
      }
    });
  });

  describe('IAM', () => {
    it('has no statement that allows "*" or "service:*" on every resource', () => {
      for (const [id, statements] of Object.entries(policiesOf(app))) {
        for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
          const actions = asArray(statement.Action);
          const resources = asArray(statement.Resource).map(flat);
          const broad = actions.filter((action) => action === '*' || /^[a-z0-9-]+:\*$/.test(action));
          expect({ id, broad }).toEqual({ id, broad: [] });
          if (resources.includes('*')) {
            // cloudwatch:PutMetricData has no resource-level permission; the check's is held to its namespace.
            expect({
              id,
              actions: actions.filter(
                (a) => !/^(xray|logs):[A-Za-z]+$/.test(a) && !(a === 'cloudwatch:PutMetricData' && statement.Condition),
              ),
            }).toEqual({ id, actions: [] });
          }
        }
      }
    });

    it('lets Prepare query only its workgroup, database and tables, and read only the lake and the curated layer', () => {
      const statements = statementsOfRole(app, 'Prepare');
      expect(resourcesFor(statements, 'athena:StartQueryExecution')).toEqual([
        'arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/mnp-briefings-dev',
      ]);
      expect(resourcesFor(statements, 'glue:GetTable').sort()).toEqual(
        [
          'catalog',
          'database/mnp_lake_dev',
          'table/mnp_lake_dev/exit_reasons',
          'table/mnp_lake_dev/port_requests',
          'table/mnp_lake_dev/subscriber_base',
          'table/mnp_lake_dev/usage_monthly',
          ...CURATED_TABLES.map((table) => `table/mnp_lake_dev/${table.name}`),
        ]
          .map((suffix) => `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${suffix}`)
          .sort(),
      );
      const bucket = (name: string) =>
        `arn:<AWS::Partition>:s3:::mnp-briefings-dev-${name}-<AWS::AccountId>-<AWS::Region>`;
      expect([...new Set(resourcesFor(statements, 's3:GetObject*'))].sort()).toEqual(
        [
          bucket('archive'),
          `${bucket('archive')}/runs/*`,
          bucket('athena-results'),
          `${bucket('athena-results')}/results/*`,
          bucket('curated'),
          `${bucket('curated')}/*`,
          bucket('lake'),
          ...['port_requests', 'exit_reasons', 'usage_monthly', 'subscriber_base'].map(
            (table) => `${bucket('lake')}/${table}/*`,
          ),
        ].sort(),
      );
      expect(resourcesFor(statements, 'kms:Decrypt')).toEqual([]);
      expect(resourcesFor(statements, 's3:PutObject').sort()).toEqual(
        [`${bucket('archive')}/runs/*`, `${bucket('athena-results')}/results/*`].sort(),
      );
      expect(resourcesFor(statements, 'ses:SendEmail')).toEqual([]);
      expect(resourcesFor(statements, 'dynamodb:PutItem')).toEqual([]);
      // It never writes the curated layer nor its tables: a stale partition is Curate's to rebuild.
      expect(resourcesFor(statements, 's3:DeleteObject*')).toEqual([]);
      expect(resourcesFor(statements, 'glue:CreateTable')).toEqual([]);
    });

    it('lets Prepare invoke the Curate function and no other', () => {
      const statements = statementsOfRole(app, 'Prepare');

      const invoke = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('lambda:')));

      expect(invoke.flatMap((s) => asArray(s.Action))).toEqual(['lambda:InvokeFunction']);
      expect(invoke.flatMap((s) => asArray(s.Resource)).map(flat)).toEqual([
        expect.stringMatching(/^<CurateFunction[A-Z0-9]+\.Arn>$/),
        expect.stringMatching(/^<CurateFunction[A-Z0-9]+\.Arn>:\*$/),
      ]);
    });

    it('lets Deliver write only the report folders, send only through the briefings identity, and use only the ledger', () => {
      const statements = statementsOfRole(app, 'Deliver');
      const archive = 'arn:<AWS::Partition>:s3:::mnp-briefings-dev-archive-<AWS::AccountId>-<AWS::Region>';
      expect(resourcesFor(statements, 's3:PutObject').sort()).toEqual(
        reportDefinitions.map((d) => `${archive}/${d.id}/*`).sort(),
      );
      expect(resourcesFor(statements, 's3:GetObject*')).toEqual(
        expect.arrayContaining([`${archive}/runs/*`, `${archive}/config/recipients.json`]),
      );
      const ledger =
        'arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/mnp-briefings-dev-delivery-ledger';
      const ledgerActions = statements
        .filter((s) => asArray(s.Resource).map(flat).includes(ledger))
        .flatMap((s) => asArray(s.Action));
      expect(ledgerActions.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
      const send = statements.filter((s) => asArray(s.Action).includes('ses:SendEmail'));
      expect(send).toHaveLength(1);
      expect(asArray(send[0]!.Action).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect(asArray(send[0]!.Resource).map(flat).sort()).toEqual([
        expect.stringMatching(
          /^arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:configuration-set\/<MailConfigurationSet/,
        ),
        // In the sandbox SES authorizes against every recipient identity as well as the sender's.
        'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*',
      ]);
      expect((send[0] as Statement & { Condition: unknown }).Condition).toEqual({
        StringLike: { 'ses:FromAddress': '*@example.com' },
      });
      expect(resourcesFor(statements, 'athena:StartQueryExecution')).toEqual([]);
    });

    it('lets Record read and write only the run records and the archive index', () => {
      const statements = statementsOfRole(app, 'Record');
      const archive = 'arn:<AWS::Partition>:s3:::mnp-briefings-dev-archive-<AWS::AccountId>-<AWS::Region>';
      expect(resourcesFor(statements, 's3:PutObject').sort()).toEqual([`${archive}/index.html`, `${archive}/runs/*`]);
      expect([...new Set(resourcesFor(statements, 's3:GetObject*'))].sort()).toEqual([
        archive,
        `${archive}/index.html`,
        `${archive}/runs/*`,
      ]);
    });
  });

  describe('the Curate function', () => {
    const curateFunction = (of: SynthesisedApp) =>
      Object.entries(of.briefingsTemplate.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith('CurateFunction'),
      ) as [string, Resource];

    it('runs one instance at a time for up to 15 minutes', () => {
      const [, fn] = curateFunction(app);

      expect(fn.Properties['ReservedConcurrentExecutions']).toBe(1);
      expect(fn.Properties['Timeout']).toBe(900);
      expect(fn.Properties['Environment'].Variables).toMatchObject({
        ATHENA_DATABASE: 'mnp_lake_dev',
        ATHENA_WORKGROUP: 'mnp-briefings-dev',
        CURATED_PREFIX: '',
        LAKE_PREFIX: '',
      });
    });

    it.each([
      ['our lake', {}, ''],
      ['an external lake', { lakeBucketName: 'operator-porting-lake', lakePrefix: 'mnp/' }, 'mnp/'],
    ] as const)("starts on a _SUCCESS marker of the followed tables' folders of %s", (_name, context, prefix) => {
      const synthesised = Object.keys(context).length === 0 ? app : synthApp({ context });
      const [id] = curateFunction(synthesised);

      const rules = Object.values(synthesised.briefingsTemplate.findResources('AWS::Events::Rule')) as Resource[];

      expect(rules).toHaveLength(1);
      const pattern = rules[0]!.Properties['EventPattern'];
      expect(pattern.source).toEqual(['aws.s3']);
      expect(pattern['detail-type']).toEqual(['Object Created']);
      expect(flat(pattern.detail.bucket.name[0])).toContain(
        prefix ? 'operator-porting-lake' : 'mnp-briefings-dev-lake-',
      );
      expect(pattern.detail.object.key).toEqual(
        ['port_requests', 'exit_reasons', 'usage_monthly'].map((table) => ({
          wildcard: `${prefix}${table}/*/_SUCCESS`,
        })),
      );
      expect(rules[0]!.Properties['Targets']).toEqual([
        expect.objectContaining({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: expect.anything() }),
      ]);
    });

    it('catches up hourly, for late files, corrections and a pass that stopped for time', () => {
      const [id] = curateFunction(app);

      app.briefingsTemplate.hasResourceProperties('AWS::Scheduler::Schedule', {
        Name: 'mnp-briefings-dev-curate-catch-up',
        ScheduleExpression: 'rate(1 hour)',
        State: 'ENABLED',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, Input: '{}' }),
      });
    });

    it('queries in the workgroup, writes only the curated tables and bucket, and reads only the lake tables', () => {
      const statements = statementsOfRole(app, 'Curate');
      const glue = (suffix: string) => `arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:${suffix}`;
      const bucket = (name: string) =>
        `arn:<AWS::Partition>:s3:::mnp-briefings-dev-${name}-<AWS::AccountId>-<AWS::Region>`;

      expect(resourcesFor(statements, 'athena:StartQueryExecution')).toEqual([
        'arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/mnp-briefings-dev',
      ]);
      // Create and drop: the curated tables and the staging tables named after them, never a raw table.
      for (const action of ['glue:CreateTable', 'glue:DeleteTable']) {
        expect(resourcesFor(statements, action).sort()).toEqual(
          [
            glue('catalog'),
            glue('database/mnp_lake_dev'),
            ...CURATED_TABLES.map((table) => glue(`table/mnp_lake_dev/${table.name}*`)),
          ].sort(),
        );
      }
      // The statement of grantReadWrite names the bucket too (for its listing); the objects deleted are the curated layer's.
      expect(resourcesFor(statements, 's3:DeleteObject*').filter((r) => r.endsWith('/*'))).toEqual([
        `${bucket('curated')}/*`,
      ]);
      expect(
        resourcesFor(statements, 's3:PutObject')
          .filter((r) => r.endsWith('/*'))
          .sort(),
      ).toEqual([`${bucket('athena-results')}/results/*`, `${bucket('curated')}/*`].sort());
      const lakeObjects = resourcesFor(statements, 's3:GetObject*').filter((r) => r.startsWith(`${bucket('lake')}/`));
      expect(lakeObjects.sort()).toEqual(
        ['port_requests', 'exit_reasons', 'usage_monthly', 'subscriber_base']
          .map((t) => `${bucket('lake')}/${t}/*`)
          .sort(),
      );
      expect(resourcesFor(statements, 'kms:Decrypt')).toEqual([]);
      expect(resourcesFor(statements, 'lambda:InvokeFunction')).toEqual([]);
    });

    it("sets Prepare's curated layer and Curate function in its environment", () => {
      const [curateId] = curateFunction(app);
      const [, prepare] = Object.entries(app.briefingsTemplate.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith('PrepareFunction'),
      ) as [string, Resource];

      const variables = prepare.Properties['Environment'].Variables;

      expect(variables['CURATE_FUNCTION_NAME']).toEqual({ Ref: curateId });
      expect(flat(variables['CURATED_BUCKET'])).toBe('mnp-briefings-dev-curated-<AWS::AccountId>-<AWS::Region>');
      expect(variables['CURATED_PREFIX']).toBe('');
    });

    it('alarms on its errors, to the operations topic', () => {
      const [id] = curateFunction(app);

      app.briefingsTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: id } }],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^NotificationsAlarmTopic') }],
      });
    });
  });

  describe('state machines', () => {
    it.each(reportDefinitions.map((d) => [d.id, d] as const))(
      'holds %s for late data as its definition says',
      (id, definition) => {
        const states = stateMachineDefinition(app, id)['States'];
        const retry = states.Prepare.Retry.find((r: any) => r.ErrorEquals.includes('DataNotReadyError'));
        expect(retry).toEqual({
          ErrorEquals: ['DataNotReadyError'],
          IntervalSeconds: definition.dataIncomplete.retryEveryMinutes * 60,
          MaxAttempts: Math.floor(
            (definition.dataIncomplete.graceHours * 60) / definition.dataIncomplete.retryEveryMinutes,
          ),
          BackoffRate: 1,
        });
        const onGraceEnd = states.Prepare.Catch.find((c: any) => c.ErrorEquals.includes('DataNotReadyError')).Next;
        if (definition.dataIncomplete.whenGraceEnds === 'hold') {
          expect(onGraceEnd).toBe('RecordHeld');
          expect(states.RecordHeld.Next).toBe('Held');
          expect(states.Held).toMatchObject({ Type: 'Fail', Error: 'DataNotReady' });
        } else {
          expect(onGraceEnd).toBe('PrepareDespiteMissingData');
          expect(states.PrepareDespiteMissingData.Parameters.Payload).toMatchObject({ sendDespiteMissingData: true });
          expect(states.PrepareDespiteMissingData.Next).toBe('DeliverEach');
        }
      },
    );

    it('delivers per audience in a Map, retrying and catching each delivery on its own', () => {
      const states = stateMachineDefinition(app, 'province-monthly')['States'];
      expect(states.DeliverEach).toMatchObject({ Type: 'Map', ItemsPath: '$.prepared.audiences', MaxConcurrency: 1 });
      const deliver = states.DeliverEach.ItemProcessor.States.Deliver;
      expect(deliver.Retry).toContainEqual({
        ErrorEquals: [ConfigurationError.name, PeriodError.name],
        MaxAttempts: 0,
      });
      expect(deliver.Retry).toContainEqual({
        ErrorEquals: ['States.ALL'],
        IntervalSeconds: 60,
        MaxAttempts: 4,
        BackoffRate: 2,
      });
      expect(deliver.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'DeliveryFailed' }]);
      expect(states.DeliverEach.ItemProcessor.States.DeliveryFailed.Parameters.status).toBe('failed');
      expect(states.DeliverEach.Next).toBe('RecordOutcome');
      expect(states.AllSent.Choices[0]).toMatchObject({
        Variable: '$.recorded.failed',
        NumericGreaterThan: 0,
        Next: 'RedeliverFailed',
      });
    });

    it.each(reportDefinitions.map((d) => d.id))(
      'ends %s with failed audiences failing their own Map iterations, where a redrive re-runs exactly those',
      (id) => {
        const states = stateMachineDefinition(app, id)['States'];

        const redeliver = states.RedeliverFailed;
        const again = redeliver.ItemProcessor.States.DeliverAgain;

        // Each failed audience (as Record returned them) is one iteration of Deliver, uncaught.
        expect(states.RecordOutcome.ResultSelector['failedAudiences.$']).toBe('$.Payload.failedAudiences');
        expect(redeliver).toMatchObject({
          Type: 'Map',
          ItemsPath: '$.recorded.failedAudiences',
          ResultPath: '$.redeliveries',
        });
        expect(redeliver.ItemSelector).toEqual(states.DeliverEach.ItemSelector);
        expect(redeliver.Catch).toBeUndefined();
        expect(again.Catch).toBeUndefined();
        // Only a throttle or a fault of the Lambda service is retried; the delivery's own errors fail at once.
        expect(again.Retry).toContainEqual({
          ErrorEquals: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.SdkClientException'],
          IntervalSeconds: 60,
          MaxAttempts: 3,
          BackoffRate: 2,
        });
        expect(
          again.Retry.flatMap((retry: { ErrorEquals: string[] }) => retry.ErrorEquals).filter(
            (name: string) => !name.startsWith('Lambda.'),
          ),
        ).toEqual([]);
        expect(again).toMatchObject({ Type: 'Task', End: true });
        expect(again.Parameters.FunctionName).toEqual(
          states.DeliverEach.ItemProcessor.States.Deliver.Parameters.FunctionName,
        );
        expect(redeliver.Next).toBe('RecordRedelivered');
        expect(states.RecordRedelivered.Parameters.Payload).toMatchObject({
          outcome: 'finished',
          'redeliveries.$': '$.redeliveries',
        });
        expect(states.RecordRedelivered.Next).toBe('Delivered');
        // No Fail state after the deliveries: a redrive would restart there and fail again unsent.
        const after = reachableFrom(states, 'DeliverEach');
        expect(after.filter((name) => states[name].Type === 'Fail')).toEqual([]);
        expect(after).toContain('RedeliverFailed');
      },
    );

    it('records any other failure of Prepare before failing the run', () => {
      const states = stateMachineDefinition(app, 'hq-weekly')['States'];
      expect(states.Prepare.Catch.at(-1)).toEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'RecordFailed',
      });
      expect(states.RecordFailed.Next).toBe('RunFailed');
    });

    it('logs every state machine and traces it', () => {
      app.briefingsTemplate.resourcePropertiesCountIs(
        'AWS::StepFunctions::StateMachine',
        { LoggingConfiguration: Match.objectLike({ Level: 'ALL' }), TracingConfiguration: { Enabled: true } },
        reportDefinitions.length,
      );
    });
  });

  describe('operations', () => {
    it('sends SES bounces and complaints to the mail events topic', () => {
      app.briefingsTemplate.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
        EventDestination: Match.objectLike({
          Enabled: true,
          MatchingEventTypes: Match.arrayWith(['bounce', 'complaint']),
          SnsDestination: { TopicARN: Match.objectLike({ Ref: Match.stringLikeRegexp('MailEventsTopic') }) },
        }),
      });
    });

    it('alarms on failed runs, dead letters, function errors and throttles, and the SES bounce rate', () => {
      const alarms = Object.values(app.briefingsTemplate.findResources('AWS::CloudWatch::Alarm')) as Resource[];
      const metrics = alarms.map((a) => `${a.Properties['Namespace']}/${a.Properties['MetricName']}`);
      expect(metrics.filter((m) => m === 'AWS/States/ExecutionsFailed')).toHaveLength(reportDefinitions.length);
      expect(metrics.filter((m) => m === 'AWS/SQS/ApproximateNumberOfMessagesVisible')).toHaveLength(1);
      // Every function but Curate, whose throttles are its design (one writer at a time, retried by Lambda).
      expect(metrics.filter((m) => m === 'AWS/Lambda/Throttles')).toHaveLength(5);
      // Prepare and Deliver count their errors from log lines; Record, the starter, the check and Curate by the Lambda metric.
      expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(4);
      expect(metrics).toContain('MnpBriefings/prepare-error-lines');
      expect(metrics).toContain('MnpBriefings/deliver-error-lines');
      const filters = Object.values(app.briefingsTemplate.findResources('AWS::Logs::MetricFilter')) as Resource[];
      const patternOf = (name: string) =>
        filters.find((f) => f.Properties['MetricTransformations'][0].MetricName === name)!.Properties['FilterPattern'];
      // Errors the state machine expects and retries do not page; any other ERROR line does.
      expect(patternOf('deliver-error-lines')).toBe('{ ($.level = "ERROR") && ($.errorType != "DeliveryError") }');
      expect(patternOf('prepare-error-lines')).toBe('{ ($.level = "ERROR") && ($.errorType != "DataNotReadyError") }');
      expect(metrics).toContain('AWS/SES/Reputation.BounceRate');
      for (const alarm of alarms) {
        expect(alarm.Properties['AlarmActions']).toEqual([{ Ref: expect.stringMatching(/^NotificationsAlarmTopic/) }]);
      }
    });

    it('encrypts the topics and queues and refuses them without TLS', () => {
      app.briefingsTemplate.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      app.briefingsTemplate.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      const policies = [
        ...Object.values(app.briefingsTemplate.findResources('AWS::SNS::TopicPolicy')),
        ...Object.values(app.briefingsTemplate.findResources('AWS::SQS::QueuePolicy')),
      ] as Resource[];
      expect(policies).toHaveLength(3);
      for (const policy of policies) {
        expect(policy.Properties['PolicyDocument'].Statement).toContainEqual(
          expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        );
      }
    });
  });
});
