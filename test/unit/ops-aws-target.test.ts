// The operations commands with --target aws, against mocked AWS clients: the right state
// machine started with the right input, the archive bucket and ledger table read for status and
// backfill, pre-signed links for preview.
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { backfillWaiting } from '#cli/commands/backfill.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { runCli } from '../support/run-cli.ts';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
// The ledger reads through the document client, which is what a mock has to stand in for.
const dynamodb = mockClient(DynamoDBDocumentClient);

const ACCOUNT = '123456789012';
const REGION = 'cn-north-1';
const machineArn = (report: string, stage = 'prod') =>
  `arn:aws-cn:states:${REGION}:${ACCOUNT}:stateMachine:mnp-briefings-${stage}-${report}`;
const ARCHIVE_BUCKET = `mnp-briefings-prod-archive-${ACCOUNT}-${REGION}`;

const cli = (...args: string[]) => runCli([...args, '--target', 'aws', '--region', REGION]);

const body = (value: unknown) =>
  ({ Body: { transformToByteArray: async () => new TextEncoder().encode(JSON.stringify(value)) } }) as never;

function runStatus(reportId: string, periodId: string, state: string) {
  return {
    reportId,
    periodId,
    state,
    updatedAt: '2019-12-09T01:00:00.000Z',
    firstAttemptAt: '2019-12-09T00:30:00.000Z',
    attempts: 1,
    partitionsMissing: [],
    audiences: ['hq'],
  };
}

function startedInputs() {
  return sfn.commandCalls(StartExecutionCommand).map((call) => ({
    arn: call.args[0].input.stateMachineArn,
    name: call.args[0].input.name,
    input: JSON.parse(call.args[0].input.input!),
  }));
}

beforeAll(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAEXAMPLEEXAMPLE00');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret-example-secret-example-000');
});

afterAll(() => {
  vi.unstubAllEnvs();
});

beforeEach(() => {
  sfn.reset();
  s3.reset();
  dynamodb.reset();
  // Two pages, so that the machine is found on the second one.
  sfn
    .on(ListStateMachinesCommand)
    .resolvesOnce({
      stateMachines: [
        {
          name: 'someone-else',
          stateMachineArn: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:someone-else',
          type: 'STANDARD',
          creationDate: new Date(),
        },
      ],
      nextToken: 'page-2',
    })
    .resolves({
      stateMachines: ['hq-weekly', 'province-monthly'].flatMap((report) =>
        ['dev', 'prod'].map((stage) => ({
          name: `mnp-briefings-${stage}-${report}`,
          stateMachineArn: machineArn(report, stage),
          type: 'STANDARD' as const,
          creationDate: new Date(),
        })),
      ),
    });
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: `arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:x:${input.name}`,
    startDate: new Date(),
  }));
  sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
  Object.assign(backfillWaiting, { pollMs: 0, sleep: async () => undefined });
});

describe('--target aws', () => {
  it("rerun starts the report's state machine of the stage with the period, the audiences and the resend", async () => {
    const result = await cli(
      'rerun',
      '--stage',
      'prod',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--audience',
      '44',
      '--audience',
      '11',
      '--resend',
      '--reason',
      'late load of 2019-12-31',
    );

    expect(result.code).toBe(ExitCode.OK);
    expect(startedInputs()).toEqual([
      {
        arn: machineArn('province-monthly'),
        name: expect.stringMatching(/^resend-2019-12-\d{8}-\d{9}$/),
        input: {
          reportId: 'province-monthly',
          periodId: '2019-12',
          audiences: ['44', '11'],
          resend: true,
          reason: 'late load of 2019-12-31',
        },
      },
    ]);
    expect(result.stdout).toContain(`started arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:`);
  });

  it("run passes --allow-incomplete and --no-deliver as the state machine's input, and --dry-run starts nothing", async () => {
    const started = await cli(
      'run',
      '--stage',
      'dev',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--allow-incomplete',
      '--no-deliver',
    );
    const dryRun = await cli('run', '--stage', 'dev', '--report', 'hq-weekly', '--dry-run', '--json');

    expect(started.code).toBe(ExitCode.OK);
    expect(startedInputs()).toEqual([
      {
        arn: machineArn('hq-weekly', 'dev'),
        name: expect.stringMatching(/^run-2019-W48-/),
        input: { reportId: 'hq-weekly', periodId: '2019-W48', archiveOnly: true, sendDespiteMissingData: true },
      },
    ]);
    expect(dryRun.code).toBe(ExitCode.OK);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({
      dryRun: true,
      stateMachine: 'mnp-briefings-dev-hq-weekly',
      input: { reportId: 'hq-weekly' },
    });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it('backfill skips the periods the archive records as done and starts one execution per other period, oldest first', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } }));
    s3.on(GetObjectCommand, { Bucket: ARCHIVE_BUCKET, Key: 'runs/hq-weekly/2019-W49/status.json' }).resolves(
      body(runStatus('hq-weekly', '2019-W49', 'delivered')),
    );

    const result = await cli(
      'backfill',
      '--stage',
      'prod',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W48',
      '--to',
      '2019-W51',
      '--send',
      '--json',
    );

    expect(result.code).toBe(ExitCode.OK);
    expect(startedInputs().map((started) => started.input)).toEqual([
      { reportId: 'hq-weekly', periodId: '2019-W48' },
      { reportId: 'hq-weekly', periodId: '2019-W50' },
      { reportId: 'hq-weekly', periodId: '2019-W51' },
    ]);
    expect(
      JSON.parse(result.stdout).periods.map((row: { period: string; action: string }) => `${row.period} ${row.action}`),
    ).toEqual(['2019-W48 started', '2019-W49 skipped', '2019-W50 started', '2019-W51 started']);
  });

  it('backfill runs at most --concurrency executions at a time, waiting for each to end', async () => {
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'no such key', $metadata: { httpStatusCode: 404 } }));
    let running = 0;
    let mostAtOnce = 0;
    const checks = new Map<string, number>();
    sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      return {
        executionArn: `arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:x:${input.name}`,
        startDate: new Date(),
      };
    });
    // Each execution runs for two status checks; the one of 2019-W50 fails.
    sfn.on(DescribeExecutionCommand).callsFake((input: { executionArn: string }) => {
      const check = (checks.get(input.executionArn) ?? 0) + 1;
      checks.set(input.executionArn, check);
      if (check < 3) return { status: 'RUNNING' };
      running -= 1;
      return { status: input.executionArn.includes('2019-W50') ? 'FAILED' : 'SUCCEEDED' };
    });

    const result = await cli(
      'backfill',
      '--stage',
      'prod',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W45',
      '--to',
      '2019-W51',
      '--send',
      '--concurrency',
      '2',
      '--json',
    );

    expect(mostAtOnce).toBe(2);
    expect(startedInputs()).toHaveLength(7);
    expect(result.code).toBe(ExitCode.FAILED);
    expect(
      JSON.parse(result.stdout).periods.map((row: { period: string; state: string }) => `${row.period} ${row.state}`),
    ).toEqual([
      '2019-W45 succeeded',
      '2019-W46 succeeded',
      '2019-W47 succeeded',
      '2019-W48 succeeded',
      '2019-W49 succeeded',
      '2019-W50 failed',
      '2019-W51 succeeded',
    ]);
  });

  it('status reads the run journal from the archive bucket and the deliveries from the ledger table', async () => {
    // Nothing sent yet in the archive's sent versions (status lists them for the lineage).
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Bucket: ARCHIVE_BUCKET, Prefix: 'runs/hq-weekly/' }).resolves({
      Contents: [{ Key: 'runs/hq-weekly/2019-W48/snapshot.json' }, { Key: 'runs/hq-weekly/2019-W48/status.json' }],
    });
    s3.on(GetObjectCommand, { Bucket: ARCHIVE_BUCKET, Key: 'runs/hq-weekly/2019-W48/status.json' }).resolves(
      body(runStatus('hq-weekly', '2019-W48', 'delivery-failed')),
    );
    dynamodb.on(QueryCommand, { TableName: 'mnp-briefings-prod-delivery-ledger' }).resolves({
      Items: [
        {
          pk: 'hq-weekly#2019-W48#hq',
          sk: 'executive-office@example.com',
          status: 'sent',
          attempts: 1,
          messageId: '<m1@example.com>',
          updatedAt: '2019-12-02T00:31:00.000Z',
          correction: false,
          possibleDuplicate: false,
          version: 3,
        },
        {
          pk: 'hq-weekly#2019-W48#hq',
          sk: 'strategy-office@example.com',
          status: 'failed',
          attempts: 5,
          messageId: '<m1@example.com>',
          updatedAt: '2019-12-02T00:35:00.000Z',
          error: 'SES MessageRejected: address blacklisted',
          correction: false,
          possibleDuplicate: false,
          version: 6,
        },
      ],
    });

    const result = await cli('status', '--stage', 'prod', '--report', 'hq-weekly', '--json');
    const table = await cli('status', '--stage', 'prod', '--report', 'hq-weekly', '--recipients');

    expect(result.code).toBe(ExitCode.OK);
    const [run] = JSON.parse(result.stdout).runs;
    expect(run).toMatchObject({ reportId: 'hq-weekly', periodId: '2019-W48', state: 'delivery-failed' });
    expect(run.deliveries).toMatchObject([
      { recipient: 'executive-office@example.com', status: 'sent', attempts: 1 },
      {
        recipient: 'strategy-office@example.com',
        status: 'failed',
        attempts: 5,
        reason: 'SES MessageRejected: address blacklisted',
      },
    ]);
    expect(dynamodb.commandCalls(QueryCommand)[0]!.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': 'hq-weekly#2019-W48#hq',
    });
    expect(table.stdout).toMatch(/strategy-office@example\.com +│ failed +│ 5 .*MessageRejected/);
  });

  it('preview prints pre-signed links to the archived briefings of the period', async () => {
    s3.on(ListObjectsV2Command, { Bucket: ARCHIVE_BUCKET, Prefix: 'province-monthly/2019-12/' }).resolves({
      Contents: ['44', '11'].flatMap((code) => [
        { Key: `province-monthly/2019-12/${code}/briefing.html` },
        { Key: `province-monthly/2019-12/${code}/message.eml` },
      ]),
    });

    const result = await cli(
      'preview',
      '--stage',
      'prod',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--audience',
      '44',
      '--expires',
      '600',
      '--json',
    );

    expect(result.code).toBe(ExitCode.OK);
    const { links } = JSON.parse(result.stdout);
    expect(links).toHaveLength(1);
    const url = new URL(links[0].html);
    expect(url.hostname).toBe(`${ARCHIVE_BUCKET}.s3.${REGION}.amazonaws.com.cn`);
    expect(url.pathname).toBe('/province-monthly/2019-12/44/briefing.html');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names what is missing: a stage that is not deployed, or no --stage at all', async () => {
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });

    const notDeployed = await cli('rerun', '--stage', 'prod', '--report', 'hq-weekly', '--period', '2019-W48');
    const noStage = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(notDeployed.code).toBe(ExitCode.USAGE);
    expect(notDeployed.stderr).toContain('no state machine mnp-briefings-prod-hq-weekly');
    expect(noStage.code).toBe(ExitCode.USAGE);
    expect(noStage.stderr).toBe('mnp-briefings: --stage is needed with --target aws, e.g. --stage prod');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
