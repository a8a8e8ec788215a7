// Trino's client protocol over HTTP, as much of it as a metric query needs: POST the statement
// to /v1/statement, follow nextUri until the server stops giving one, collect the columns and
// rows, and cancel the query (DELETE nextUri) when it outlives its time. Busy answers (502, 503,
// 504, 429) are retried with backoff, as the protocol asks of clients. Node's fetch does the HTTP.
// Why not the npm package trino-client: docs/aws.md, "The three engines".
import pRetry, { AbortError } from 'p-retry';

export interface TrinoConnection {
  /** The coordinator, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly user: string;
  readonly catalog?: string;
  readonly schema?: string;
  /** @default 'mnp-briefings' */
  readonly source?: string;
  /** Extra request headers, e.g. Authorization for a cluster behind a gateway. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TrinoStatementOptions {
  /** The whole query, from POST to last page; then it is cancelled. @default 540_000 */
  readonly timeoutMs?: number;
  /** One HTTP request. @default 60_000 */
  readonly requestTimeoutMs?: number;
  /** Retries of a busy answer (502, 503, 504, 429) or, for a page, a dropped connection. @default 6 */
  readonly retries?: number;
  /** Injected in tests. @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export interface TrinoColumn {
  readonly name: string;
  /** Trino's type signature, e.g. bigint, varchar, decimal(38,2). */
  readonly type: string;
}

export interface TrinoResult {
  readonly queryId: string;
  readonly columns: readonly TrinoColumn[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A failure Trino reported (or an HTTP answer that is not the protocol's). */
export class TrinoStatementError extends Error {
  constructor(
    message: string,
    readonly queryId: string | undefined,
    readonly errorName: string | undefined,
    /** Worth another attempt of the whole query: the cluster was short of resources or starting. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TrinoStatementError';
  }
}

interface QueryResults {
  readonly id: string;
  readonly nextUri?: string;
  readonly columns?: readonly TrinoColumn[];
  readonly data?: readonly (readonly unknown[])[];
  readonly error?: { readonly message?: string; readonly errorName?: string; readonly errorType?: string };
}

const BUSY_STATUSES = new Set([429, 502, 503, 504]);
const TRANSIENT_ERROR_NAMES = new Set([
  'SERVER_STARTING_UP',
  'SERVER_SHUTTING_DOWN',
  'CLUSTER_OUT_OF_MEMORY',
  'EXCEEDED_GLOBAL_MEMORY_LIMIT',
]);

/** Runs one statement to its end and returns every row. */
export async function runTrinoStatement(
  connection: TrinoConnection,
  sql: string,
  options: TrinoStatementOptions = {},
): Promise<TrinoResult> {
  const deadline = Date.now() + (options.timeoutMs ?? 540_000);
  const request = (url: string, init: RequestInit, retryNetworkErrors: boolean) =>
    requestPage(url, init, retryNetworkErrors, options);
  let page = await request(
    `${connection.url.replace(/\/+$/, '')}/v1/statement`,
    { method: 'POST', body: sql, headers: headersOf(connection) },
    false,
  );
  const queryId = page.id;
  let columns = page.columns;
  const rows: (readonly unknown[])[] = [...(page.data ?? [])];
  while (page.nextUri) {
    if (Date.now() > deadline) {
      await cancel(page.nextUri, connection, options);
      throw new TrinoStatementError(
        `Trino query ${queryId} still running after ${Math.round((options.timeoutMs ?? 540_000) / 1000)} s; cancelled it`,
        queryId,
        'TIMEOUT',
        false,
      );
    }
    page = await request(page.nextUri, { method: 'GET', headers: headersOf(connection) }, true);
    columns ??= page.columns;
    if (page.data) rows.push(...page.data);
  }
  if (page.error) {
    const { message = 'no message', errorName, errorType } = page.error;
    const transient =
      errorType === 'INSUFFICIENT_RESOURCES' || (errorName !== undefined && TRANSIENT_ERROR_NAMES.has(errorName));
    throw new TrinoStatementError(`${errorName ?? 'error'}: ${message}`, queryId, errorName, transient);
  }
  return { queryId, columns: columns ?? [], rows };
}

function headersOf(connection: TrinoConnection): Record<string, string> {
  return {
    'X-Trino-User': connection.user,
    'X-Trino-Source': connection.source ?? 'mnp-briefings',
    // The lake's timestamps are UTC, and so is Athena's session: the same zone for any CAST.
    'X-Trino-Time-Zone': 'UTC',
    ...(connection.catalog ? { 'X-Trino-Catalog': connection.catalog } : {}),
    ...(connection.schema ? { 'X-Trino-Schema': connection.schema } : {}),
    ...connection.headers,
  };
}

async function requestPage(
  url: string,
  init: RequestInit,
  retryNetworkErrors: boolean,
  options: TrinoStatementOptions,
): Promise<QueryResults> {
  const doFetch = options.fetch ?? fetch;
  return pRetry(
    async () => {
      let response: Response;
      try {
        response = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.requestTimeoutMs ?? 60_000) });
      } catch (error) {
        // A POST that may have reached the server is not repeated: it would start the query twice.
        const failure = new TrinoStatementError(
          `cannot reach Trino at ${origin(url)}: ${(error as Error).message}`,
          undefined,
          undefined,
          true,
          { cause: error },
        );
        throw retryNetworkErrors ? failure : new AbortError(failure);
      }
      if (BUSY_STATUSES.has(response.status)) {
        throw new TrinoStatementError(
          `Trino at ${origin(url)} answered ${response.status} (busy)`,
          undefined,
          undefined,
          true,
        );
      }
      const text = await response.text();
      if (response.status !== 200) {
        throw new AbortError(
          new TrinoStatementError(
            `Trino at ${origin(url)} answered ${response.status}: ${text.slice(0, 300)}`,
            undefined,
            undefined,
            false,
          ),
        );
      }
      try {
        return JSON.parse(text) as QueryResults;
      } catch (error) {
        throw new AbortError(
          new TrinoStatementError(
            `Trino at ${origin(url)} answered with something that is not JSON: ${text.slice(0, 120)}`,
            undefined,
            undefined,
            false,
            { cause: error },
          ),
        );
      }
    },
    { retries: options.retries ?? 6, minTimeout: 100, maxTimeout: 5_000, randomize: true },
  );
}

async function cancel(nextUri: string, connection: TrinoConnection, options: TrinoStatementOptions): Promise<void> {
  try {
    await (options.fetch ?? fetch)(nextUri, {
      method: 'DELETE',
      headers: headersOf(connection),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    // The query was given up anyway; Trino abandons it when no client polls.
  }
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
