// The metric queries as the engines receive them. Each file in metrics/ is plain SQL in the
// subset that Athena (Trino) and DuckDB share, with three kinds of placeholder resolved here:
//   {{fragment}}  the text of fragments/<fragment>.sql (quarantine and dedup live there, once)
//   {{codes.x}}   a quoted list of reference codes (validated constants, never user input)
//   :name         a named parameter, compiled to a positional ? with its value in order
// Values never enter the SQL text: periods and dates reach the engine as parameters only.
import { readFileSync } from 'node:fs';
import { assetUrl } from '#asset-root';
import type { MetricQueryName, QueryParameters } from '#core/ports.ts';
import { channels, dissatisfactionCategories, operators, provinces, rejectReasons } from '#reference/index.ts';

export type SqlValue = string | number;

export interface CompiledQuery {
  readonly name: MetricQueryName;
  readonly sql: string;
  readonly values: readonly SqlValue[];
  readonly parameterNames: readonly string[];
}

const sqlRoot = assetUrl('functions/sql/');
const textCache = new Map<string, string>();

export function readSqlFile(relativePath: string): string {
  let text = textCache.get(relativePath);
  if (text === undefined) {
    text = readFileSync(new URL(relativePath, sqlRoot), 'utf8');
    textCache.set(relativePath, text);
  }
  return text;
}

function quotedList(codes: readonly string[]): string {
  for (const code of codes) {
    if (!/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)?$/.test(code))
      throw new Error(`reference code ${JSON.stringify(code)} is not safe to place in SQL`);
  }
  return codes.map((code) => `'${code}'`).join(', ');
}

const codeLists: Record<string, string> = {
  provinces: quotedList(provinces.map((p) => p.code)),
  operators: quotedList(operators.map((o) => o.code)),
  categories: quotedList(dissatisfactionCategories.map((c) => c.code)),
  // A subcategory refines its own category only: the pairs, as 'CATEGORY/SUBCATEGORY'.
  category_subcategories: quotedList(
    dissatisfactionCategories.flatMap((c) => c.subcategories.map((s) => `${c.code}/${s.code}`)),
  ),
  reject_reasons: quotedList(rejectReasons.map((r) => r.code)),
  statuses: quotedList(channels.statuses),
  request_channels: quotedList(channels.port_requests),
  exit_channels: quotedList(channels.exit_reasons),
};

/** Where {{fragment}} texts are looked up, and fragments replaced by a name (e.g. a temp table). */
export interface FragmentSources {
  readonly folders: readonly string[];
  readonly replaced?: Readonly<Record<string, string>>;
}

const RAW_FRAGMENTS: FragmentSources = { folders: ['fragments/'] };

function fragmentText(key: string, sources: FragmentSources): string {
  for (const folder of sources.folders.slice(0, -1)) {
    try {
      return readSqlFile(`${folder}${key}.sql`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return readSqlFile(`${sources.folders.at(-1)}${key}.sql`);
}

export function expandPlaceholders(
  text: string,
  trail: readonly string[],
  sources: FragmentSources = RAW_FRAGMENTS,
): string {
  return text.replace(/\{\{\s*([a-z_.]+)\s*\}\}/g, (_whole, key: string) => {
    if (key.startsWith('codes.')) {
      const list = codeLists[key.slice('codes.'.length)];
      if (list === undefined) throw new Error(`unknown code list {{${key}}}`);
      return list;
    }
    const replacement = sources.replaced?.[key];
    if (replacement !== undefined) return replacement;
    if (trail.includes(key)) throw new Error(`SQL fragment cycle: ${[...trail, key].join(' -> ')}`);
    return expandPlaceholders(fragmentText(key, sources).trim(), [...trail, key], sources);
  });
}

/** Drops line comments and turns :name into ?, outside string literals and quoted names. */
export function bindNamedParameters(text: string): { sql: string; names: string[] } {
  const names: string[] = [];
  let sql = '';
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      const close = text.indexOf(char, index + 1);
      if (close < 0) throw new Error('unterminated quote in SQL');
      sql += text.slice(index, close + 1);
      index = close + 1;
    } else if (char === '-' && text[index + 1] === '-') {
      const lineEnd = text.indexOf('\n', index);
      index = lineEnd < 0 ? text.length : lineEnd;
    } else if (char === ':' && /[a-z_]/.test(text[index + 1] ?? '') && !/[\w:]/.test(text[index - 1] ?? '')) {
      const match = /^[a-z_][a-z0-9_]*/.exec(text.slice(index + 1))!;
      names.push(match[0]);
      sql += '?';
      index += 1 + match[0].length;
    } else {
      sql += char;
      index += 1;
    }
  }
  return {
    sql: sql
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{2,}/g, '\n')
      .trim(),
    names,
  };
}

/** The SQL text of a metric query with its placeholders resolved but values not yet bound. */
export function metricQueryTemplate(name: MetricQueryName): { sql: string; parameterNames: string[] } {
  const { sql, names } = bindNamedParameters(expandPlaceholders(readSqlFile(`metrics/${name}.sql`), []));
  return { sql, parameterNames: names };
}

export function compileMetricQuery(name: MetricQueryName, parameters: QueryParameters): CompiledQuery {
  const { sql, parameterNames } = metricQueryTemplate(name);
  const values = parameterNames.map((parameter) => {
    const value = parameters[parameter];
    if (value === undefined) throw new Error(`query ${name} needs parameter :${parameter}`);
    return value;
  });
  return { name, sql, values, parameterNames };
}
