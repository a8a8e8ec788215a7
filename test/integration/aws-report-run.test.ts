// A whole report run through the Lambda handlers, in-process, as the state machine would call
// them: Prepare (Athena engine over a mocked Athena client answering each metric query with a
// small canned result set, the lake inventory and archive on a real S3 API on loopback), then
// Deliver per audience (rendering, the archive, SES mocked, the ledger on a DynamoDB API on
// loopback), then Record. Also: a run held for late data, and a delivery that fails.
import { readFileSync } from 'node:fs';
import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MessageRejected, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { S3ReportStore } from '#adapters/store/s3-store.ts';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES, type MetricQueryName } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { readRunStatus } from '#core/run-journal.ts';
import { createDeliverHandler } from '#handlers/deliver.ts';
import { createPrepareHandler } from '#handlers/prepare.ts';
import { createRecordHandler } from '#handlers/record-run.ts';
import { deliverConfigSchema, prepareConfigSchema, recordConfigSchema } from '#handlers/support/config.ts';
import type { LambdaLogger } from '#handlers/support/lambda-logger.ts';
import { lakeContract } from '#reference/index.ts';
import { metricQueryTemplate } from '#sql/catalog.ts';
import { type LoopbackDynamoDb, startLoopbackDynamoDb } from '../support/loopback-dynamodb.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
import { type Cell, canned } from './aws-canned-metrics.ts';
import { type S3Server, startS3Server } from './aws-s3rver.ts';

const athena = mockClient(AthenaClient);
const ses = mockClient(SESv2Client);

// Monday 2 December 2019, 08:30 in Beijing: the hq-weekly schedule, for 2019-W48.
const STARTED_AT = '2019-12-02T00:30:00.000Z';
const LEDGER_TABLE = 'mnp-briefings-test-delivery-ledger';

const queryNameBySql = new Map(METRIC_QUERIES.map((name) => [metricQueryTemplate(name).sql, name] as const));

function athenaAnswersFromCannedRows(): void {
  athena.on(StartQueryExecutionCommand).callsFake((input: { QueryString: string }) => {
    const name = queryNameBySql.get(input.QueryString);
    if (!name) throw new Error('unexpected query text');
    return { QueryExecutionId: `q-${name}` };
  });
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: {
      QueryExecutionId: input.QueryExecutionId,
      Status: { State: 'SUCCEEDED' },
      Statistics: { DataScannedInBytes: 4096 },
    },
  }));
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string; NextToken?: string }) => {
    const { columns, rows } = canned[input.QueryExecutionId.slice(2) as MetricQueryName];
    const columnInfo: ColumnInfo[] = columns.map(([Name, Type]) => ({ Name, Type }));
    const asRow = (cells: Cell[]) => ({
      Data: cells.map((cell) => (cell === null ? {} : { VarCharValue: String(cell) })),
    });
    const all = [asRow(columns.map(([name]) => name)), ...rows.map(asRow)];
    // Two rows a page, so that every result set spans pages.
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const end = start + 2;
    return {
      ResultSet: { ResultSetMetadata: { ColumnInfo: columnInfo }, Rows: all.slice(start, end) },
      ...(end < all.length ? { NextToken: String(end) } : {}),
    };
  });
}

function quietLogger(): LambdaLogger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    withContext: () => undefined,
  };
}

describe('a report run through the Lambda handlers', () => {
  let s3Server: S3Server;
  let s3: S3Client;
  let dynamo: LoopbackDynamoDb;
  let log: ReturnType<typeof quietLogger>;

  const putObject = (bucket: string, key: string, body: string) =>
    s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

  async function writeLake(
    bucket: string,
    reportId: string,
    periodId: string,
    withoutMarker: string[] = [],
  ): Promise<void> {
    const { partitionsRead } = planQueries(parsePeriod(periodId), reportDefinition(reportId).trend);
    const writes = Object.entries(partitionsRead).flatMap(([table, values]) =>
      values.flatMap((value) => {
        const folder = `lake/${table}/${lakeContract[table as keyof typeof lakeContract].partition.column}=${value}`;
        return [
          () => putObject(bucket, `${folder}/part-00000.parquet`, 'PAR1'),
          ...(withoutMarker.includes(`${table}/${value}`) ? [] : [() => putObject(bucket, `${folder}/_SUCCESS`, '')]),
        ];
      }),
    );
    for (let index = 0; index < writes.length; index += 40)
      await Promise.all(writes.slice(index, index + 40).map((write) => write()));
  }

  const handlers = (lakeBucket: string, now = new Date('2019-12-02T00:31:00Z')) => ({
    prepare: createPrepareHandler({
      config: prepareConfigSchema.parse({
        ARCHIVE_BUCKET: 'archive',
        LAKE_BUCKET: lakeBucket,
        LAKE_PREFIX: 'lake/',
        ATHENA_WORKGROUP: 'mnp-briefings-test',
        ATHENA_DATABASE: 'mnp_lake_test',
        ATHENA_RESULT_REUSE_MINUTES: '60',
      }),
      athena: new AthenaClient({ region: 'ap-southeast-1' }),
      s3,
      log,
      now: () => now,
    }),
    deliver: createDeliverHandler({
      config: deliverConfigSchema.parse({
        ARCHIVE_BUCKET: 'archive',
        LEDGER_TABLE,
        SES_CONFIGURATION_SET: 'mnp-briefings-test',
        SES_SENDING_DOMAIN: 'example.com',
        SES_SEND_RATE_PER_SECOND: '50',
      }),
      s3,
      ses: new SESv2Client({ region: 'ap-southeast-1', maxAttempts: 1 }),
      dynamodb: dynamo.client,
      log,
      now: () => now,
    }),
    record: createRecordHandler({
      config: recordConfigSchema.parse({ ARCHIVE_BUCKET: 'archive' }),
      s3,
      log,
      now: () => now,
    }),
  });

  beforeAll(async () => {
    s3Server = await startS3Server(['lake-complete', 'lake-late', 'archive']);
    s3 = s3Server.client();
    dynamo = await startLoopbackDynamoDb();
    await dynamo.createLedgerTable(LEDGER_TABLE);
    await putObject(
      'archive',
      'config/recipients.json',
      readFileSync(new URL('../../config/recipients.json', import.meta.url), 'utf8'),
    );
    await writeLake('lake-complete', 'hq-weekly', '2019-W48');
    await writeLake('lake-late', 'hq-weekly', '2019-W48', ['port_requests/2019-12-01']);
  }, 120_000);

  afterAll(async () => {
    await dynamo?.close();
    await s3Server?.stop();
  });

  beforeEach(() => {
    athena.reset();
    ses.reset();
    log = quietLogger();
    athenaAnswersFromCannedRows();
    ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `ses-${Math.random().toString(36).slice(2)}` }));
  });

  it('prepares once, delivers to headquarters, records the run, and sends nothing twice on a rerun', async () => {
    const { prepare, deliver, record } = handlers('lake-complete');
    const store = new S3ReportStore({ client: s3, bucket: 'archive' });

    const prepared = await prepare({ request: { reportId: 'hq-weekly' }, startedAt: STARTED_AT });
    const deliveries = await Promise.all(
      prepared.audiences.map((audience) => deliver({ snapshotKey: prepared.snapshotKey, audience })),
    );
    const recorded = await record({
      request: { reportId: 'hq-weekly' },
      startedAt: STARTED_AT,
      outcome: 'finished',
      prepared,
      deliveries,
    });

    // Prepare: the period defaults from the start in Beijing; six queries, parameters as literals.
    expect(prepared).toMatchObject({
      reportId: 'hq-weekly',
      periodId: '2019-W48',
      snapshotKey: 'runs/hq-weekly/2019-W48/snapshots/2019-12-02T00-30-00-000Z.json',
      audiences: ['hq'],
      dataIncomplete: false,
      queryCount: 6,
    });
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input);
    expect(starts.map((input) => queryNameBySql.get(input.QueryString!)).sort()).toEqual([...METRIC_QUERIES].sort());
    expect(
      starts.every(
        (input) =>
          input.WorkGroup === 'mnp-briefings-test' && input.QueryExecutionContext?.Database === 'mnp_lake_test',
      ),
    ).toBe(true);
    expect(starts.flatMap((input) => input.ExecutionParameters ?? []).every((value) => /^'[^']*'$/.test(value))).toBe(
      true,
    );
    const snapshot = JSON.parse(new TextDecoder().decode(await store.get(prepared.snapshotKey)));
    expect(snapshot.rows.flows).toHaveLength(5);
    expect(snapshot.rows.requests[0]).toMatchObject({ provinceCode: '44', rejectReason: null, requests: 120 });

    // Deliver: the briefing archived beside its message, one SES call per recipient.
    expect(deliveries).toEqual([
      expect.objectContaining({
        audience: 'hq',
        status: 'delivered',
        sent: 2,
        skipped: 0,
        html: 's3://archive/hq-weekly/2019-W48/hq/briefing.html',
      }),
    ]);
    const archived = await store.list('hq-weekly/2019-W48/hq/');
    expect(archived).toEqual(
      expect.arrayContaining([
        'hq-weekly/2019-W48/hq/briefing.html',
        'hq-weekly/2019-W48/hq/briefing.json',
        'hq-weekly/2019-W48/hq/briefing.txt',
        'hq-weekly/2019-W48/hq/message.eml',
      ]),
    );
    expect(archived.some((key) => key.endsWith('.png'))).toBe(true);
    const sends = ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input);
    expect(sends.map((input) => input.Destination?.ToAddresses).sort()).toEqual([
      ['executive-office@example.com'],
      ['strategy-office@example.com'],
    ]);
    expect(
      sends.every(
        (input) =>
          input.ConfigurationSetName === 'mnp-briefings-test' && input.Content?.Raw?.Data instanceof Uint8Array,
      ),
    ).toBe(true);
    expect(JSON.stringify(deliveries)).not.toContain('executive-office@');

    // Record: the run journal says delivered.
    expect(recorded).toEqual({
      state: 'delivered',
      statusKey: 'runs/hq-weekly/2019-W48/status.json',
      failed: 0,
      failedAudiences: [],
    });
    expect(await readRunStatus(store, 'hq-weekly', '2019-W48')).toMatchObject({
      state: 'delivered',
      audiences: ['hq'],
      partitionsMissing: [],
    });

    // A rerun (a retry of the Map, or of the whole execution) sends nothing again.
    const again = await deliver({ snapshotKey: prepared.snapshotKey, audience: 'hq' });
    expect(again).toMatchObject({ sent: 0, skipped: 2 });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(2);
  });

  it("passes a rerun's resend and a backfill's archive-only mode from the execution input to each Deliver", async () => {
    const { prepare, deliver, record } = handlers('lake-complete');
    const store = new S3ReportStore({ client: s3, bucket: 'archive' });
    // A backfill without --send: archived, nothing sent, recorded as archived.
    const archiveOnly = { reportId: 'hq-weekly', periodId: '2019-W48', archiveOnly: true };
    const preparedQuietly = await prepare({ request: archiveOnly, startedAt: STARTED_AT });
    const quiet = await deliver({
      snapshotKey: preparedQuietly.snapshotKey,
      audience: 'hq',
      resend: preparedQuietly.resend,
      archiveOnly: preparedQuietly.archiveOnly,
    });
    const recordedQuietly = await record({
      request: archiveOnly,
      startedAt: STARTED_AT,
      outcome: 'finished',
      prepared: preparedQuietly,
      deliveries: [quiet],
    });
    const sentQuietly = ses.commandCalls(SendEmailCommand).length;
    // Then a send (skipped by the ledger where an earlier test sent), and a rerun with --resend:
    // a correction to each recipient.
    const first = await prepare({ request: { reportId: 'hq-weekly', periodId: '2019-W48' }, startedAt: STARTED_AT });
    await deliver({
      snapshotKey: first.snapshotKey,
      audience: 'hq',
      resend: first.resend,
      archiveOnly: first.archiveOnly,
    });
    const sentBefore = ses.commandCalls(SendEmailCommand).length;
    const resend = await prepare({
      request: { reportId: 'hq-weekly', periodId: '2019-W48', resend: true },
      startedAt: STARTED_AT,
    });
    const corrected = await deliver({
      snapshotKey: resend.snapshotKey,
      audience: 'hq',
      resend: resend.resend,
      archiveOnly: resend.archiveOnly,
    });

    expect(preparedQuietly).toMatchObject({ archiveOnly: true, resend: false });
    expect(quiet).toMatchObject({ status: 'archived', sent: 0 });
    expect(recordedQuietly.state).toBe('archived');
    expect(new TextDecoder().decode(await store.get('index.html'))).toContain(
      'href="hq-weekly/2019-W48/hq/briefing.html"',
    );
    expect(sentQuietly).toBe(0);
    expect(await store.get('hq-weekly/2019-W48/hq/briefing.html')).toBeDefined();
    expect(resend).toMatchObject({ resend: true, archiveOnly: false });
    expect(corrected).toMatchObject({ status: 'delivered', sent: 2, skipped: 0 });
    const corrections = ses.commandCalls(SendEmailCommand).slice(sentBefore);
    const subjects = await Promise.all(
      corrections.map(async (call) => (await parseMessage(call.args[0].input.Content!.Raw!.Data!)).subject),
    );
    expect(subjects).toEqual(['【更正】【携号转网周报】2019-W48', '【更正】【携号转网周报】2019-W48']);
  });

  it('holds a run whose lake is not complete, before any query, and records it as held', async () => {
    const { prepare, record } = handlers('lake-late');
    const store = new S3ReportStore({ client: s3, bucket: 'archive' });

    const held = await prepare({
      request: { reportId: 'hq-weekly', periodId: '2019-W48' },
      startedAt: STARTED_AT,
    }).catch((error: unknown) => error as Error);

    expect(held).toBeInstanceOf(Error);
    expect((held as Error).name).toBe('DataNotReadyError');
    expect((held as Error).message).toContain('port_requests/dt=2019-12-01');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    expect(await readRunStatus(store, 'hq-weekly', '2019-W48')).toMatchObject({
      state: 'held',
      partitionsMissing: ['port_requests/dt=2019-12-01'],
    });
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);

    const recorded = await record({
      request: { reportId: 'hq-weekly', periodId: '2019-W48' },
      startedAt: STARTED_AT,
      outcome: 'held',
      error: {
        Error: 'DataNotReadyError',
        Cause: JSON.stringify({ errorType: 'DataNotReadyError', errorMessage: (held as Error).message, trace: [] }),
      },
    });
    expect(recorded.state).toBe('held');
    expect(await readRunStatus(store, 'hq-weekly', '2019-W48')).toMatchObject({
      state: 'held',
      partitionsMissing: ['port_requests/dt=2019-12-01'],
    });
  });

  it('prepares despite the missing partition when told to, and marks the briefing incomplete', async () => {
    const { prepare } = handlers('lake-late');

    const prepared = await prepare({
      request: { reportId: 'hq-weekly', periodId: '2019-W48' },
      startedAt: STARTED_AT,
      sendDespiteMissingData: true,
    });

    expect(prepared).toMatchObject({ dataIncomplete: true, partitionsMissing: 1 });
  });

  it("keeps each execution's snapshot: an operator's rerun of one province leaves the scheduled run's audiences alone", async () => {
    const { prepare, deliver } = handlers('lake-complete');
    await writeLake('lake-complete', 'province-monthly', '2019-11');
    const scheduled = await prepare({
      request: { reportId: 'province-monthly', audiences: ['11', '44'] },
      startedAt: '2019-12-03T01:00:00.000Z',
    });
    // while the scheduled execution still delivers, the operator reruns Guangdong alone
    const rerun = await prepare({
      request: { reportId: 'province-monthly', audiences: ['44'], resend: true, reason: 'a late file' },
      startedAt: '2019-12-03T01:04:00.000Z',
    });

    const beijing = await deliver({ snapshotKey: scheduled.snapshotKey, audience: '11' });

    expect(rerun.snapshotKey).not.toBe(scheduled.snapshotKey);
    expect(beijing).toMatchObject({ audience: '11', status: 'delivered' });
    const mail = await parseMessage(ses.commandCalls(SendEmailCommand).at(-1)!.args[0].input.Content!.Raw!.Data!);
    expect(mail.subject).toBe('【携号转网月度指导】北京市 2019-11'); // not a correction: the rerun's reason stays its own
  });

  it('fails an audience whose message SES rejects, and records the run as not fully delivered', async () => {
    const { prepare, deliver, record } = handlers('lake-complete');
    ses
      .on(SendEmailCommand)
      .rejects(new MessageRejected({ message: 'Email address is not verified.', $metadata: { httpStatusCode: 400 } }));
    // The 3rd of December, 09:00 in Beijing: the provincial schedule, for November.
    await writeLake('lake-complete', 'province-monthly', '2019-11');
    const ready = await prepare({
      request: { reportId: 'province-monthly', audiences: ['44'] },
      startedAt: '2019-12-03T01:00:00.000Z',
    });

    const failure = await deliver({ snapshotKey: ready.snapshotKey, audience: '44' }).then(
      () => new Error('delivered although SES rejected every message'),
      (error: unknown) => error as Error,
    );
    // What the state machine's Catch hands on for this audience:
    const deliveries = [
      {
        audience: '44',
        status: 'failed' as const,
        error: failure.name,
        cause: JSON.stringify({ errorType: failure.name, errorMessage: failure.message }),
      },
    ];
    const recorded = await record({
      request: { reportId: 'province-monthly', audiences: ['44'] },
      startedAt: '2019-12-03T01:00:00.000Z',
      outcome: 'finished',
      prepared: ready,
      deliveries,
    });

    expect(ready).toMatchObject({ periodId: '2019-11', audiences: ['44'] });
    expect(failure.name).toBe('DeliveryError');
    expect(failure.message).toMatch(/44: 2 recipient\(s\) not confirmed sent: b\*\*\*@example\.com: .*not verified/);
    expect(recorded).toMatchObject({ state: 'delivery-failed', failed: 1, failedAudiences: ['44'] });
    const status = await readRunStatus(
      new S3ReportStore({ client: s3, bucket: 'archive' }),
      'province-monthly',
      '2019-11',
    );
    expect(status?.message).toContain('not delivered to 44');
  });
});
