// The Athena engine against a mocked Athena client: the repository SQL goes out with its values
// as ExecutionParameters, the engine polls to completion, pages through the results, maps the
// column types, retries throttling, and reports a failed query with Athena's own reason.
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AthenaEngine, type AthenaEngineOptions } from '#adapters/engine/athena.ts';
import { toExecutionParameter } from '#adapters/engine/athena-values.ts';
import { QueryError } from '#core/errors.ts';
import type { Logger } from '#core/ports.ts';
import { compileMetricQuery } from '#sql/catalog.ts';

const athena = mockClient(AthenaClient);

const BASE_PARAMETERS = {
  requests_from_dt: '2019-11-11',
  requests_to_dt: '2019-11-24',
  from_ts: '2019-11-17 16:00:00',
  to_ts: '2019-11-24 16:00:00',
  period_unit: 'week',
};

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

function state(
  State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED',
  extra: Record<string, unknown> = {},
) {
  return {
    QueryExecution: {
      QueryExecutionId: 'q-1',
      Status: { State, ...extra },
      Statistics: { DataScannedInBytes: 123_456_789, EngineExecutionTimeInMillis: 2100 },
    },
  };
}

const FLOW_COLUMNS = [
  { Name: 'day', Type: 'varchar' },
  { Name: 'province_code', Type: 'varchar' },
  { Name: 'donor', Type: 'varchar' },
  { Name: 'recipient', Type: 'varchar' },
  { Name: 'ports', Type: 'bigint' },
];

function row(...values: (string | undefined)[]) {
  return { Data: values.map((value) => (value === undefined ? {} : { VarCharValue: value })) };
}

function page(
  rows: ReturnType<typeof row>[],
  nextToken?: string,
  columns = FLOW_COLUMNS,
): Partial<GetQueryResultsCommandOutput> {
  return { ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: rows }, NextToken: nextToken };
}

describe('Athena engine', () => {
  let sleeps: number[];
  let lines: LogLine[];
  let engine: AthenaEngine;

  const createEngine = (options: Partial<AthenaEngineOptions> = {}) =>
    new AthenaEngine({
      client: new AthenaClient({ region: 'ap-southeast-1' }),
      workGroup: 'mnp-briefings-test',
      database: 'mnp_lake_test',
      log: recordingLogger(lines),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...options,
    });

  beforeEach(() => {
    athena.reset();
    sleeps = [];
    lines = [];
    engine = createEngine();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(page([row('day', 'province_code', 'donor', 'recipient', 'ports')]));
  });

  afterEach(() => athena.reset());

  describe('parameters', () => {
    it('quotes strings as SQL literals, doubling inner quotes, and passes numbers bare', () => {
      expect(toExecutionParameter('2019-11-18')).toBe("'2019-11-18'");
      expect(toExecutionParameter("O'Brien")).toBe("'O''Brien'");
      expect(toExecutionParameter(42)).toBe('42');
      expect(toExecutionParameter(-1.5)).toBe('-1.5');
      expect(() => toExecutionParameter(Number.NaN)).toThrow(RangeError);
    });

    it('sends the repository SQL with its values as ExecutionParameters in the workgroup', async () => {
      const expected = compileMetricQuery('flows', BASE_PARAMETERS);

      await engine.runMetric('flows', BASE_PARAMETERS);

      const [call] = athena.commandCalls(StartQueryExecutionCommand);
      expect(call!.args[0].input).toEqual({
        QueryString: expected.sql,
        WorkGroup: 'mnp-briefings-test',
        QueryExecutionContext: { Database: 'mnp_lake_test', Catalog: 'AwsDataCatalog' },
        ExecutionParameters: expected.values.map((value) => `'${value}'`),
      });
      expect(call!.args[0].input.QueryString).not.toContain('2019-11-11');
      expect(call!.args[0].input.ExecutionParameters).toContain("'2019-11-17 16:00:00'");
    });

    it('reuses results where allowed, never for the data-quality counts', async () => {
      engine = createEngine({ resultReuseMinutes: 60 });

      await engine.runMetric('flows', BASE_PARAMETERS);
      await engine.runMetric('data_quality', {
        ...BASE_PARAMETERS,
        counted_from_dt: '2019-11-11',
        counted_to_dt: '2019-11-24',
        counted_exits_to_dt: '2019-11-24',
        exits_from_dt: '2019-11-18',
        exits_to_dt: '2019-11-24',
        usage_from_month: '2019-08',
        usage_to_month: '2019-10',
        base_from_month: '2019-11',
        base_to_month: '2019-11',
      });

      const [flows, dataQuality] = athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input);
      expect(flows!.ResultReuseConfiguration).toEqual({
        ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 60 },
      });
      expect(dataQuality!.ResultReuseConfiguration).toBeUndefined();
    });
  });

  describe('polling', () => {
    it('waits through QUEUED and RUNNING to SUCCEEDED with growing intervals', async () => {
      athena
        .on(GetQueryExecutionCommand)
        .resolvesOnce(state('QUEUED'))
        .resolvesOnce(state('RUNNING'))
        .resolvesOnce(state('RUNNING'))
        .resolves(state('SUCCEEDED'));

      await engine.runMetric('flows', BASE_PARAMETERS);

      expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
      expect(sleeps).toEqual([250, 375, 563, 844]);
    });

    it('stops a query that runs past the timeout and fails clearly', async () => {
      engine = createEngine({ polling: { timeoutMs: 1000 } });
      athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
      athena.on(StopQueryExecutionCommand).resolves({});

      const run = engine.runMetric('flows', BASE_PARAMETERS);

      await expect(run).rejects.toThrow(/still RUNNING in Athena after 1 s \(q-1\); stopped it/);
      expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
    });
  });

  describe('wall time and the Lambda deadline', () => {
    // A clock that the sleeps and each status call (400 ms of API latency) move forward.
    const clockedEngine = (options: Partial<AthenaEngineOptions>) => {
      let clock = 0;
      athena.on(GetQueryExecutionCommand).callsFake(() => {
        clock += 400;
        return state('RUNNING');
      });
      athena.on(StopQueryExecutionCommand).resolves({});
      return {
        engine: createEngine({
          now: () => clock,
          sleep: async (ms) => {
            sleeps.push(ms);
            clock += ms;
          },
          ...options,
        }),
        clock: () => clock,
      };
    };

    it('counts the time spent in calls, not only the sleeps, against the timeout', async () => {
      const { engine: clocked, clock } = clockedEngine({ polling: { timeoutMs: 2000 } });

      await expect(clocked.runMetric('flows', BASE_PARAMETERS)).rejects.toThrow(
        /still RUNNING in Athena after 2 s \(q-1\); stopped it/,
      );

      // Sleeps 250 + 375 + 375 (cut to the time left) and three calls of 400 ms: 2.2 s of wall
      // time, where the sleeps alone (1 s) would have let it run on.
      expect(sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(2000);
      expect(clock()).toBeGreaterThanOrEqual(2000);
      expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
    });

    it('stops the query before the Lambda runs out of time', async () => {
      // 12 s left when the query starts, 10 s kept in reserve: about 2 s to run.
      let remaining = 12_000;
      const { engine: clocked, clock } = clockedEngine({
        polling: { timeoutMs: 540_000 },
        remainingTimeMs: () => remaining - clock(),
      });
      remaining += clock();

      await expect(clocked.runMetric('flows', BASE_PARAMETERS)).rejects.toThrow(/stopped it/);

      expect(clock()).toBeLessThan(3000);
      expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
    });
  });

  describe('results', () => {
    it('pages through every page, skipping only the header of the first', async () => {
      athena
        .on(GetQueryResultsCommand)
        .resolvesOnce(
          page(
            [
              row('day', 'province_code', 'donor', 'recipient', 'ports'),
              row('2019-11-18', '44', 'CMCC', 'CTCC', '12'),
              row('2019-11-18', '44', 'CUCC', 'CTCC', '7'),
            ],
            'page-2',
          ),
        )
        .resolvesOnce(
          page([row('2019-11-19', '11', 'CMCC', 'CUCC', '3'), row('2019-11-19', '11', 'CTCC', 'CMCC', '1')], 'page-3'),
        )
        .resolvesOnce(page([row('2019-11-20', '31', 'CBN', 'CMCC', '2')]));

      const rows = await engine.runMetric('flows', BASE_PARAMETERS);

      expect(rows).toHaveLength(5);
      expect(rows[0]).toEqual({ day: '2019-11-18', province_code: '44', donor: 'CMCC', recipient: 'CTCC', ports: 12 });
      expect(rows[4]).toEqual({ day: '2019-11-20', province_code: '31', donor: 'CBN', recipient: 'CMCC', ports: 2 });
      const tokens = athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input.NextToken);
      expect(tokens).toEqual([undefined, 'page-2', 'page-3']);
    });

    it('maps numeric types to numbers, text and dates to strings, and NULL to null', async () => {
      const columns = [
        { Name: 'n_bigint', Type: 'bigint' },
        { Name: 'n_integer', Type: 'integer' },
        { Name: 'n_double', Type: 'double' },
        { Name: 'n_decimal', Type: 'decimal', Precision: 12, Scale: 2 },
        { Name: 'text', Type: 'varchar' },
        { Name: 'a_date', Type: 'date' },
        { Name: 'empty', Type: 'varchar' },
        { Name: 'missing', Type: 'varchar' },
        { Name: 'missing_number', Type: 'bigint' },
      ];
      athena
        .on(GetQueryResultsCommand)
        .resolves(
          page(
            [
              row(...columns.map((c) => c.Name)),
              row('9007199254740991', '-4', '1.25E2', '1234.50', '中国移动', '2019-11-27', '', undefined, undefined),
            ],
            undefined,
            columns,
          ),
        );

      const [result] = await engine.runMetric('flows', BASE_PARAMETERS);

      expect(result).toEqual({
        n_bigint: 9007199254740991,
        n_integer: -4,
        n_double: 125,
        n_decimal: 1234.5,
        text: '中国移动',
        a_date: '2019-11-27',
        empty: '',
        missing: null,
        missing_number: null,
      });
    });

    it('logs the bytes each query scanned and counts the queries', async () => {
      await engine.runMetric('flows', BASE_PARAMETERS);
      await engine.runMetric('flows', BASE_PARAMETERS);

      expect(engine.queryCount).toBe(2);
      expect(lines.filter((line) => line.message === 'athena query done')).toHaveLength(2);
      expect(lines[0]!.fields).toMatchObject({
        query: 'flows',
        queryExecutionId: 'q-1',
        bytesScanned: 123_456_789,
        rows: 0,
      });
    });
  });

  describe('throttling', () => {
    it('retries a throttled start and a throttled status or results call with backoff', async () => {
      const throttling = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      athena
        .on(StartQueryExecutionCommand)
        .rejectsOnce(new TooManyRequestsException({ message: 'Too many queries', $metadata: {} }))
        .rejectsOnce(new TooManyRequestsException({ message: 'Too many queries', $metadata: {} }))
        .resolves({ QueryExecutionId: 'q-1' });
      athena.on(GetQueryExecutionCommand).rejectsOnce(throttling).resolves(state('SUCCEEDED'));
      athena
        .on(GetQueryResultsCommand)
        .rejectsOnce(throttling)
        .resolves(page([row('day', 'province_code', 'donor', 'recipient', 'ports')]));

      const rows = await engine.runMetric('flows', BASE_PARAMETERS);

      expect(rows).toEqual([]);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
      expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
      expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
      expect(engine.queryCount).toBe(1);
    });

    it('gives up after its attempts and says the query could not start', async () => {
      engine = createEngine({ throttling: { attempts: 3 } });
      athena
        .on(StartQueryExecutionCommand)
        .rejects(new TooManyRequestsException({ message: 'Too many queries', $metadata: {} }));

      await expect(engine.runMetric('flows', BASE_PARAMETERS)).rejects.toThrow(
        /query flows could not start in Athena: Too many queries/,
      );
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    });

    it('does not retry an error that is not throttling', async () => {
      athena
        .on(StartQueryExecutionCommand)
        .rejects(
          Object.assign(new Error('Queries of this type are not supported'), { name: 'InvalidRequestException' }),
        );

      await expect(engine.runMetric('flows', BASE_PARAMETERS)).rejects.toBeInstanceOf(QueryError);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('reports a FAILED query with the reason Athena gives', async () => {
      const reason = "COLUMN_NOT_FOUND: line 3:5: Column 'donor_operatr' cannot be resolved";
      athena
        .on(GetQueryExecutionCommand)
        .resolvesOnce(state('RUNNING'))
        .resolves(state('FAILED', { StateChangeReason: reason }));

      const error = await engine.runMetric('flows', BASE_PARAMETERS).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(QueryError);
      expect((error as QueryError).queryName).toBe('flows');
      expect((error as QueryError).message).toBe(`query flows failed in Athena (q-1): ${reason}`);
      expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
    });

    it('reports a CANCELLED query as such', async () => {
      athena
        .on(GetQueryExecutionCommand)
        .resolves(state('CANCELLED', { StateChangeReason: 'Query cancelled by user' }));

      await expect(engine.runMetric('flows', BASE_PARAMETERS)).rejects.toThrow(
        'query flows cancelled in Athena (q-1): Query cancelled by user',
      );
    });
  });
});
