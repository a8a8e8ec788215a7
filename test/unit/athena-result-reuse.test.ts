// A rerun after a lake change reads fresh data. The Athena client is a fake that honours result
// reuse as Athena documents it: a query whose text and parameters match an earlier result no
// older than MaxAgeInMinutes gets that result back, whatever the lake holds now. The lake's
// port count for one day changes between the scheduled run and the rerun: 120 -> 125.
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaEngine } from '#adapters/engine/athena.ts';
import { prepareConfigSchema } from '#handlers/support/config.ts';
import { resultReuseMinutesFor } from '#handlers/support/result-reuse.ts';
import type { RunInput } from '#handlers/support/run-input.ts';

const athena = mockClient(AthenaClient);
const PARAMETERS = {
  requests_from_dt: '2019-11-11',
  requests_to_dt: '2019-11-24',
  from_ts: '2019-11-17 16:00:00',
  to_ts: '2019-11-24 16:00:00',
  period_unit: 'week',
};
const COLUMNS = ['period_start', 'province_code', 'donor', 'recipient', 'ports'].map((Name) => ({
  Name,
  Type: Name === 'ports' ? 'bigint' : 'varchar',
}));

let lakePorts: number;
let clock: Date;
let results: Map<string, { ports: number; at: Date }>;
let cache: Map<string, string>;

function fakeAthenaWithReuse(): void {
  athena.reset();
  athena
    .on(StartQueryExecutionCommand)
    .callsFake(
      (input: {
        QueryString: string;
        ExecutionParameters?: string[];
        ResultReuseConfiguration?: { ResultReuseByAgeConfiguration?: { Enabled: boolean; MaxAgeInMinutes?: number } };
      }) => {
        const key = `${input.QueryString}\u0000${(input.ExecutionParameters ?? []).join('\u0000')}`;
        const reuse = input.ResultReuseConfiguration?.ResultReuseByAgeConfiguration;
        const earlier = cache.get(key);
        if (
          reuse?.Enabled &&
          earlier &&
          clock.getTime() - results.get(earlier)!.at.getTime() <= (reuse.MaxAgeInMinutes ?? 60) * 60_000
        )
          return { QueryExecutionId: earlier };
        const id = `q-${results.size + 1}`;
        results.set(id, { ports: lakePorts, at: clock });
        cache.set(key, id);
        return { QueryExecutionId: id };
      },
    );
  athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => ({
    QueryExecution: { QueryExecutionId: input.QueryExecutionId, Status: { State: 'SUCCEEDED' } },
  }));
  athena.on(GetQueryResultsCommand).callsFake((input: { QueryExecutionId: string }) => {
    const cells = (values: string[]) => ({ Data: values.map((VarCharValue) => ({ VarCharValue })) });
    const { ports } = results.get(input.QueryExecutionId)!;
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: COLUMNS },
        Rows: [cells(COLUMNS.map((column) => column.Name)), cells(['2019-11-20', '44', 'CMCC', 'CTCC', String(ports)])],
      },
    };
  });
}

/** One Prepare invocation's flows query: the engine as the Prepare handler builds it. */
async function flowsAt(now: Date, request: RunInput, startedAt: Date, configuredMinutes: number): Promise<number> {
  clock = now;
  const engine = new AthenaEngine({
    client: new AthenaClient({ region: 'cn-north-1' }),
    workGroup: 'wg',
    database: 'db',
    resultReuseMinutes: resultReuseMinutesFor(configuredMinutes, request, startedAt, now),
    polling: { initialMs: 1, maxMs: 1, timeoutMs: 1000 },
    sleep: async () => undefined,
  });
  const [row] = await engine.runMetric('flows', PARAMETERS);
  return Number(row!.ports);
}

const at = (minutes: number) => new Date(Date.UTC(2019, 11, 2, 0, 30 + minutes));
const scheduled: RunInput = { reportId: 'hq-weekly', periodId: '2019-W48' };

beforeEach(() => {
  lakePorts = 120;
  results = new Map();
  cache = new Map();
  fakeAthenaWithReuse();
});

describe('Athena result reuse', () => {
  it('is off by default in the Prepare function', () => {
    expect(
      prepareConfigSchema.parse({
        ARCHIVE_BUCKET: 'archive-bucket',
        LAKE_BUCKET: 'lake-bucket',
        ATHENA_WORKGROUP: 'wg',
        ATHENA_DATABASE: 'db',
      }).ATHENA_RESULT_REUSE_MINUTES,
    ).toBe(0);
  });

  it('never serves a rerun after a lake change the figures of the run before, by default', async () => {
    const first = await flowsAt(at(0), scheduled, at(0), 0);
    lakePorts = 125;
    const rerun = await flowsAt(at(10), scheduled, at(10), 0);

    expect([first, rerun]).toEqual([120, 125]);
  });

  it('even where a stage turned reuse on, reads fresh for a rerun and for a resend', async () => {
    await flowsAt(at(0), scheduled, at(0), 60);
    lakePorts = 125;
    const rerun = await flowsAt(at(10), scheduled, at(10), 60);
    lakePorts = 130;
    const resend = await flowsAt(at(40), { ...scheduled, resend: true, reason: 'late load' }, at(30), 60);

    expect([rerun, resend]).toEqual([125, 130]);
  });

  it("may reuse within one execution's retries only, where a stage turned it on", async () => {
    const firstAttempt = await flowsAt(at(0), scheduled, at(0), 60);
    lakePorts = 125;
    const retry = await flowsAt(at(20), scheduled, at(0), 60);

    expect([firstAttempt, retry]).toEqual([120, 120]);
    expect(
      athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input.ResultReuseConfiguration),
    ).toEqual([undefined, { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: 20 } }]);
  });
});
