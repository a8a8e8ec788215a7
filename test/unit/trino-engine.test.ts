// The Trino adapter without a Trino: the protocol module against a scripted HTTP server on
// loopback (pages, busy answers, errors, a timeout that cancels), and the binding of values.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { boundStatement, TrinoEngine, toQueryRows } from '#adapters/engine/trino.ts';
import { runTrinoStatement, TrinoStatementError } from '#adapters/engine/trino-http.ts';
import { QueryError } from '#core/errors.ts';

type Reply =
  | { status?: number; body: unknown }
  | ((request: IncomingMessage, body: string) => { status?: number; body: unknown });

let server: Server | undefined;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

/** A server answering each request with the next reply; `{next}` in a body becomes its own URL. */
async function serve(replies: Reply[]): Promise<string> {
  seen.length = 0;
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const reply = replies.shift() ?? { status: 500, body: 'no more replies' };
      const { status = 200, body: payload } = typeof reply === 'function' ? reply(request, body) : reply;
      const origin = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof payload === 'string' ? payload : JSON.stringify(payload).replaceAll('{origin}', origin));
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await new Promise((resolve) => running.close(resolve));
});

const connection = (url: string) => ({ url, user: 'tester', catalog: 'hive', schema: 'lake' });

describe('the Trino protocol module', () => {
  it('posts the statement with the session headers and collects every page', async () => {
    const url = await serve([
      { body: { id: 'q1', nextUri: '{origin}/v1/statement/q1/1' } },
      {
        body: {
          id: 'q1',
          nextUri: '{origin}/v1/statement/q1/2',
          columns: [{ name: 'n', type: 'bigint' }],
          data: [[1], [2]],
        },
      },
      { body: { id: 'q1', data: [[3]] } },
    ]);
    const result = await runTrinoStatement(connection(url), 'SELECT 1');
    expect(result).toEqual({ queryId: 'q1', columns: [{ name: 'n', type: 'bigint' }], rows: [[1], [2], [3]] });
    expect(seen.map((request) => `${request.method} ${request.url}`)).toEqual([
      'POST /v1/statement',
      'GET /v1/statement/q1/1',
      'GET /v1/statement/q1/2',
    ]);
    expect(seen[0]!.body).toBe('SELECT 1');
    expect(seen[0]!.headers).toMatchObject({
      'x-trino-user': 'tester',
      'x-trino-catalog': 'hive',
      'x-trino-schema': 'lake',
      'x-trino-time-zone': 'UTC',
    });
  });

  it('retries a busy answer (503) and goes on', async () => {
    const url = await serve([
      { status: 503, body: 'busy' },
      { body: { id: 'q2', nextUri: '{origin}/v1/statement/q2/1' } },
      { status: 502, body: 'gateway' },
      { body: { id: 'q2', columns: [{ name: 'n', type: 'integer' }], data: [[7]] } },
    ]);
    const result = await runTrinoStatement(connection(url), 'SELECT 7', { retries: 3 });
    expect(result.rows).toEqual([[7]]);
    expect(seen).toHaveLength(4);
  });

  it('fails with the error Trino reports, named and with the query id', async () => {
    const url = await serve([
      { body: { id: 'q3', nextUri: '{origin}/v1/statement/q3/1' } },
      {
        body: {
          id: 'q3',
          error: {
            message: "line 1:8: Column 'x' cannot be resolved",
            errorName: 'COLUMN_NOT_FOUND',
            errorType: 'USER_ERROR',
          },
        },
      },
    ]);
    const failure = runTrinoStatement(connection(url), 'SELECT x');
    await expect(failure).rejects.toThrow("COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved");
    await expect(failure).rejects.toMatchObject({ queryId: 'q3', errorName: 'COLUMN_NOT_FOUND', transient: false });
  });

  it('marks a shortage of resources as transient, for the engine retry', async () => {
    const url = await serve([
      {
        body: {
          id: 'q4',
          error: {
            message: 'Query exceeded memory',
            errorName: 'EXCEEDED_GLOBAL_MEMORY_LIMIT',
            errorType: 'INSUFFICIENT_RESOURCES',
          },
        },
      },
    ]);
    await expect(runTrinoStatement(connection(url), 'SELECT 1')).rejects.toMatchObject({ transient: true });
  });

  it('does not retry a refused statement (400) and says what the server answered', async () => {
    const url = await serve([{ status: 400, body: 'bad header' }]);
    await expect(runTrinoStatement(connection(url), 'SELECT 1', { retries: 3 })).rejects.toThrow(
      /answered 400: bad header/,
    );
    expect(seen).toHaveLength(1);
  });

  it('cancels a query that outlives its time', async () => {
    const running = { body: { id: 'q5', nextUri: '{origin}/v1/statement/q5/1' } };
    const url = await serve([running, running, running, { body: {} }]);
    const failure = runTrinoStatement(connection(url), 'SELECT slow', { timeoutMs: 0 });
    await expect(failure).rejects.toBeInstanceOf(TrinoStatementError);
    await expect(failure).rejects.toThrow(/still running after 0 s; cancelled it/);
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/v1/statement/q5/1' });
  });
});

describe('binding values as Athena does', () => {
  it('sends a query without values as it is', () => {
    expect(boundStatement('SELECT 1', [])).toBe('SELECT 1');
  });

  it('quotes the statement and passes each value as a SQL literal', () => {
    expect(
      boundStatement("SELECT * FROM t WHERE dt BETWEEN ? AND ? AND s = 'x' AND n > ?", ['2019-11-18', "O'Brien", 5]),
    ).toBe(
      "EXECUTE IMMEDIATE 'SELECT * FROM t WHERE dt BETWEEN ? AND ? AND s = ''x'' AND n > ?' USING '2019-11-18', 'O''Brien', 5",
    );
  });
});

describe('result values', () => {
  it('gives numbers for numeric types (decimals arrive as strings), text otherwise, null for NULL', () => {
    const columns = [
      { name: 'day', type: 'varchar' },
      { name: 'ports', type: 'bigint' },
      { name: 'fee', type: 'decimal(38,2)' },
      { name: 'share', type: 'double' },
      { name: 'reason', type: 'varchar(20)' },
    ];
    expect(toQueryRows(columns, [['2019-11-25', 3, '58.35', 0.5, null]])).toEqual([
      { day: '2019-11-25', ports: 3, fee: 58.35, share: 0.5, reason: null },
    ]);
  });
});

describe('the Trino engine', () => {
  it('turns a failed query into a QueryError naming the query and the Trino query id', async () => {
    const url = await serve([
      {
        body: {
          id: 'q6',
          error: {
            message: 'Table hive.lake.port_requests does not exist',
            errorName: 'TABLE_NOT_FOUND',
            errorType: 'USER_ERROR',
          },
        },
      },
    ]);
    const engine = new TrinoEngine({ url, schema: 'lake' });
    const failure = engine.runMetric('subscriber_base', { base_from_month: '2019-10', base_to_month: '2019-11' });
    await expect(failure).rejects.toBeInstanceOf(QueryError);
    await expect(failure).rejects.toThrow(
      'query subscriber_base failed in Trino (q6): TABLE_NOT_FOUND: Table hive.lake.port_requests does not exist',
    );
    expect(seen[0]!.body).toMatch(/^EXECUTE IMMEDIATE 'SELECT/);
    expect(seen[0]!.body).toMatch(/USING '2019-10', '2019-11'$/);
  });
});
