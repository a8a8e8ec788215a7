// The curated layer's SQL (docs/curated-layer.md): the text that builds each curated table from
// the raw tables, and the metric queries that read the curated tables instead of the raw feed.
// The same placeholders as the raw catalog; curated fragments live in curated/fragments/ and
// fall back to the raw fragments (the quarantine rules stay written once).
import { existsSync } from 'node:fs';
import { assetUrl } from '#asset-root';
import type { MetricQueryName, QueryParameters } from '#core/ports.ts';
import {
  bindNamedParameters,
  type CompiledQuery,
  expandPlaceholders,
  type FragmentSources,
  readSqlFile,
  type SqlValue,
} from './catalog.ts';

const CURATED_FRAGMENTS = ['curated/fragments/', 'fragments/'] as const;

function compile(
  path: string,
  name: string,
  parameters: QueryParameters,
  replaced?: Readonly<Record<string, string>>,
): { sql: string; values: SqlValue[]; parameterNames: string[] } {
  const sources: FragmentSources = { folders: CURATED_FRAGMENTS, ...(replaced ? { replaced } : {}) };
  const { sql, names } = bindNamedParameters(expandPlaceholders(readSqlFile(path), [], sources));
  const values = names.map((parameter) => {
    const value = parameters[parameter];
    if (value === undefined) throw new Error(`curated query ${name} needs parameter :${parameter}`);
    return value;
  });
  return { sql, values, parameterNames: names };
}

const sqlRoot = assetUrl('functions/sql/');
const hasCuratedVariant = new Map<MetricQueryName, boolean>();

/** Whether a metric query has a curated form (the others keep reading the raw feed). */
export function readsCurated(name: MetricQueryName): boolean {
  let known = hasCuratedVariant.get(name);
  if (known === undefined) {
    known = existsSync(new URL(`curated/metrics/${name}.sql`, sqlRoot));
    hasCuratedVariant.set(name, known);
  }
  return known;
}

/** The curated form of a metric query: same parameters, same rows as the raw-feed form. */
export function compileCuratedMetricQuery(name: MetricQueryName, parameters: QueryParameters): CompiledQuery {
  return { name, ...compile(`curated/metrics/${name}.sql`, name, parameters) };
}

/**
 * The SQL that builds one curated table (or one of its intermediate fragments) for the target
 * partitions given by :target_from_dt / :target_to_dt. `replaced` names fragments that the
 * writer has already materialised (DuckDB keeps port_requests_placed in a temp table).
 */
export function compileCuratedBuild(
  file: string,
  parameters: QueryParameters,
  replaced?: Readonly<Record<string, string>>,
): { sql: string; values: SqlValue[] } {
  return compile(file, file, parameters, replaced);
}
