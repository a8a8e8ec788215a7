// The cloud engine: Athena (engine v3, i.e. Trino) over the Glue tables of the lake, running the
// same SQL files as the DuckDB engine. Values reach Athena only as ExecutionParameters; the
// workgroup decides where results go and how much a query may scan (it enforces its settings).
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type ResultReuseConfiguration,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { QueryError } from '#core/errors.ts';
import type { Logger, MetricQueryName, QueryEngine, QueryParameters, QueryRow } from '#core/ports.ts';
import { type CompiledQuery, compileMetricQuery, type SqlValue } from '#sql/catalog.ts';
import { compileCuratedMetricQuery, readsCurated } from '#sql/curated-catalog.ts';
import {
  type BackoffOptions,
  defaultSleep,
  type PollingOptions,
  pollingDelays,
  retryThrottled,
  type Sleep,
} from './athena-retry.ts';
import { type ResultColumn, resultColumns, toExecutionParameter, toQueryRow } from './athena-values.ts';

export interface AthenaEngineOptions {
  readonly client: AthenaClient;
  readonly workGroup: string;
  /** The Glue database holding the lake tables (port_requests, exit_reasons, ...). */
  readonly database: string;
  /** @default 'AwsDataCatalog' */
  readonly catalog?: string;
  /**
   * Read the curated tables of the same database for the queries that have a curated form
   * (docs/curated-layer.md); the others, and every query when false, read the raw feed.
   * @default false
   */
  readonly curated?: boolean;
  readonly log?: Logger;
  /**
   * Serve an identical query (same text, same parameters) from a result at most this old.
   * @default - no reuse
   */
  readonly resultReuseMinutes?: number;
  /**
   * Queries never served from an earlier result: the data-quality counts must describe the
   * lake as it is at run time (a late load or a correction changes them).
   * @default ['data_quality']
   */
  readonly alwaysFresh?: readonly MetricQueryName[];
  readonly polling?: PollingOptions;
  readonly throttling?: BackoffOptions;
  /** @default 1000 (the API maximum) */
  readonly pageSize?: number;
  /** Injected in tests. */
  readonly sleep?: Sleep;
  /** The wall clock, in ms; injected in tests. @default Date.now */
  readonly now?: () => number;
  /**
   * Time left before the caller's own deadline (a Lambda's context.getRemainingTimeInMillis):
   * a query still running when less than deadlineMarginMs is left is stopped, so that the
   * function fails with a clear error instead of being killed mid-query (and the query running on).
   * @default - no deadline but polling.timeoutMs
   */
  readonly remainingTimeMs?: () => number;
  /** @default 10000 ms: time kept to stop the query and report the failure */
  readonly deadlineMarginMs?: number;
}

type QueryState = NonNullable<NonNullable<QueryExecution['Status']>['State']>;

/** A statement that is no metric query (a curated table's DDL or INSERT): named in errors. */
type Statement = Omit<CompiledQuery, 'name' | 'parameterNames'> & { readonly name: string };

export class AthenaEngine implements QueryEngine {
  readonly dialect = 'athena' as const;
  /** Queries started by this engine (each StartQueryExecution that Athena accepted). */
  queryCount = 0;
  private readonly sleep: Sleep;

  constructor(private readonly options: AthenaEngineOptions) {
    this.sleep = options.sleep ?? defaultSleep;
  }

  async runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    const query =
      this.options.curated && readsCurated(name)
        ? compileCuratedMetricQuery(name, parameters)
        : compileMetricQuery(name, parameters);
    const started = Date.now();
    const queryExecutionId = await this.start(query, this.reuseFor(name));
    const execution = await this.waitForCompletion(query, queryExecutionId);
    const rows = await this.readResults(query, queryExecutionId);
    const statistics = execution.Statistics;
    this.options.log?.info('athena query done', {
      query: name,
      queryExecutionId,
      rows: rows.length,
      bytesScanned: statistics?.DataScannedInBytes ?? 0,
      engineMs: statistics?.EngineExecutionTimeInMillis,
      reusedResult: statistics?.ResultReuseInformation?.ReusedPreviousResult ?? false,
      ms: Date.now() - started,
    });
    return rows;
  }

  /** Runs one statement (DDL or INSERT) to its end, values as ExecutionParameters; no rows read. */
  async execute(sql: string, values: readonly SqlValue[] = []): Promise<void> {
    const statement: Statement = { name: `statement ${sql.trim().split(/\s+/, 2).join(' ')}`, sql, values };
    const started = Date.now();
    const queryExecutionId = await this.start(statement, undefined);
    await this.waitForCompletion(statement, queryExecutionId);
    this.options.log?.info('athena statement done', {
      statement: statement.name,
      queryExecutionId,
      ms: Date.now() - started,
    });
  }

  async close(): Promise<void> {
    // The SDK client belongs to the caller (a Lambda reuses it across invocations).
  }

  private call<T>(send: () => Promise<T>): Promise<T> {
    return retryThrottled(send, { ...this.options.throttling, sleep: this.sleep });
  }

  private reuseFor(name: MetricQueryName): ResultReuseConfiguration | undefined {
    const minutes = this.options.resultReuseMinutes;
    const alwaysFresh = this.options.alwaysFresh ?? ['data_quality'];
    if (!minutes || minutes <= 0 || alwaysFresh.includes(name)) return undefined;
    return { ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: minutes } };
  }

  private async start(query: Statement, reuse: ResultReuseConfiguration | undefined): Promise<string> {
    try {
      const output = await this.call(() =>
        this.options.client.send(
          new StartQueryExecutionCommand({
            QueryString: query.sql,
            WorkGroup: this.options.workGroup,
            QueryExecutionContext: {
              Database: this.options.database,
              Catalog: this.options.catalog ?? 'AwsDataCatalog',
            },
            ...(query.values.length > 0 ? { ExecutionParameters: query.values.map(toExecutionParameter) } : {}),
            ...(reuse ? { ResultReuseConfiguration: reuse } : {}),
          }),
        ),
      );
      if (!output.QueryExecutionId) throw new Error('StartQueryExecution returned no QueryExecutionId');
      this.queryCount += 1;
      return output.QueryExecutionId;
    } catch (error) {
      throw new QueryError(`query ${query.name} could not start in Athena: ${(error as Error).message}`, query.name, {
        cause: error,
      });
    }
  }

  /** Wall time (sleeps and API calls alike) left for this query: its timeout, and the caller's deadline. */
  private timeLeft(startedAt: number): number {
    const now = this.options.now ?? Date.now;
    const byTimeout = (this.options.polling?.timeoutMs ?? 540_000) - (now() - startedAt);
    const remaining = this.options.remainingTimeMs?.();
    return remaining === undefined
      ? byTimeout
      : Math.min(byTimeout, remaining - (this.options.deadlineMarginMs ?? 10_000));
  }

  private async waitForCompletion(query: Statement, queryExecutionId: string): Promise<QueryExecution> {
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    for (const delay of pollingDelays(this.options.polling)) {
      // Never sleep past the time left: the last check comes just before it runs out.
      await this.sleep(Math.max(0, Math.min(delay, this.timeLeft(startedAt))));
      const { QueryExecution: execution } = await this.call(() =>
        this.options.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId })),
      );
      const state: QueryState | undefined = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution!;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason =
          execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new QueryError(
          `query ${query.name} ${state.toLowerCase()} in Athena (${queryExecutionId}): ${reason}`,
          query.name,
        );
      }
      if (this.timeLeft(startedAt) <= 0) {
        await this.stop(queryExecutionId);
        const waited = now() - startedAt;
        throw new QueryError(
          `query ${query.name} still ${state ?? 'unknown'} in Athena after ${Math.round(waited / 1000)} s (${queryExecutionId}); stopped it`,
          query.name,
        );
      }
    }
    throw new Error('unreachable: polling delays never end');
  }

  private async stop(queryExecutionId: string): Promise<void> {
    try {
      await this.options.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }));
    } catch (error) {
      this.options.log?.warn('could not stop athena query', { queryExecutionId, error: (error as Error).message });
    }
  }

  /** Pages through the results; the first row of the first page is the header. */
  private async readResults(query: CompiledQuery, queryExecutionId: string): Promise<QueryRow[]> {
    const rows: QueryRow[] = [];
    let columns: ResultColumn[] | undefined;
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const token = nextToken;
      const page = await this.call(() =>
        this.options.client.send(
          new GetQueryResultsCommand({
            QueryExecutionId: queryExecutionId,
            MaxResults: this.options.pageSize ?? 1000,
            NextToken: token,
          }),
        ),
      ).catch((error: unknown) => {
        throw new QueryError(
          `results of query ${query.name} could not be read (${queryExecutionId}): ${(error as Error).message}`,
          query.name,
          { cause: error },
        );
      });
      columns ??= resultColumns(page.ResultSet?.ResultSetMetadata?.ColumnInfo);
      const pageRows = page.ResultSet?.Rows ?? [];
      for (const row of firstPage ? pageRows.slice(1) : pageRows) rows.push(toQueryRow(row, columns));
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return rows;
  }
}
