// A Trino (or Starburst, or EMR Trino) cluster that holds the lake's tables, running the same SQL
// text the Athena adapter sends. Values are bound the way Athena binds ExecutionParameters: each
// one becomes a SQL literal (a string quoted, a number bare) in EXECUTE IMMEDIATE ... USING, so a
// value never enters the statement text and Trino sees the ? parameters Athena's engine sees.
import { QueryError } from '#core/errors.ts';
import type { Logger, MetricQueryName, QueryEngine, QueryParameters, QueryRow } from '#core/ports.ts';
import { compileMetricQuery, type SqlValue } from '#sql/catalog.ts';
import { compileCuratedMetricQuery, readsCurated } from '#sql/curated-catalog.ts';
import { sqlString } from '#sql/sql-string.ts';
import { isNumericType, toExecutionParameter } from './athena-values.ts';
import {
  runTrinoStatement,
  type TrinoColumn,
  type TrinoConnection,
  TrinoStatementError,
  type TrinoStatementOptions,
} from './trino-http.ts';

export interface TrinoEngineOptions {
  /** The coordinator, e.g. http://trino.internal:8080 */
  readonly url: string;
  /** @default 'hive' */
  readonly catalog?: string;
  /** The schema holding port_requests, exit_reasons, ... @default 'default' */
  readonly schema?: string;
  /**
   * Read the curated tables of the same schema for the queries that have a curated form
   * (docs/curated-layer.md); the others, and every query when false, read the raw feed.
   * @default false
   */
  readonly curated?: boolean;
  /** @default 'mnp-briefings' */
  readonly user?: string;
  readonly log?: Logger;
  /** Timeouts, retries of busy answers, and the fetch to use (tests). */
  readonly statement?: TrinoStatementOptions;
}

/** The statement for a query and its positional values, bound as Athena binds them. */
export function boundStatement(sql: string, values: readonly SqlValue[]): string {
  if (values.length === 0) return sql;
  return `EXECUTE IMMEDIATE ${sqlString(sql)} USING ${values.map(toExecutionParameter).join(', ')}`;
}

/** Rows as the core wants them: numbers as numbers (decimals arrive as strings), NULL as null. */
export function toQueryRows(columns: readonly TrinoColumn[], rows: readonly (readonly unknown[])[]): QueryRow[] {
  const numeric = columns.map((column) => isNumericType(column.type));
  return rows.map((row) => {
    const plain: Record<string, string | number | null> = {};
    columns.forEach((column, index) => {
      const value = row[index];
      if (value === null || value === undefined) plain[column.name] = null;
      else if (numeric[index]) plain[column.name] = Number(value);
      else plain[column.name] = String(value);
    });
    return plain;
  });
}

export class TrinoEngine implements QueryEngine {
  readonly dialect = 'trino' as const;
  /** Queries this engine ran to their end. */
  queryCount = 0;
  private readonly connection: TrinoConnection;

  constructor(private readonly options: TrinoEngineOptions) {
    this.connection = {
      url: options.url,
      user: options.user ?? 'mnp-briefings',
      catalog: options.catalog ?? 'hive',
      schema: options.schema ?? 'default',
    };
  }

  async runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    const query =
      this.options.curated && readsCurated(name)
        ? compileCuratedMetricQuery(name, parameters)
        : compileMetricQuery(name, parameters);
    const started = Date.now();
    try {
      const result = await runTrinoStatement(
        this.connection,
        boundStatement(query.sql, query.values),
        this.options.statement,
      );
      this.queryCount += 1;
      const rows = toQueryRows(result.columns, result.rows);
      this.options.log?.info('trino query done', {
        query: name,
        queryId: result.queryId,
        rows: rows.length,
        ms: Date.now() - started,
      });
      return rows;
    } catch (error) {
      const queryId = error instanceof TrinoStatementError && error.queryId ? ` (${error.queryId})` : '';
      throw new QueryError(
        `query ${name} failed in Trino${queryId}: ${(error as Error).message.split('\n')[0]}`,
        name,
        { cause: error },
      );
    }
  }

  /** Runs one statement (DDL or INSERT) to its end, values bound as for a metric query; no rows kept. */
  async execute(sql: string, values: readonly SqlValue[] = []): Promise<void> {
    const started = Date.now();
    try {
      const result = await runTrinoStatement(this.connection, boundStatement(sql, values), this.options.statement);
      this.queryCount += 1;
      this.options.log?.info('trino statement done', { queryId: result.queryId, ms: Date.now() - started });
    } catch (error) {
      const queryId = error instanceof TrinoStatementError && error.queryId ? ` (${error.queryId})` : '';
      const statement = sql.trim().split(/\s+/, 3).join(' ');
      throw new QueryError(
        `statement "${statement} ..." failed in Trino${queryId}: ${(error as Error).message.split('\n')[0]}`,
        'statement',
        {
          cause: error,
        },
      );
    }
  }

  async close(): Promise<void> {
    // Nothing held open between queries: each one is its own HTTP exchange.
  }
}
