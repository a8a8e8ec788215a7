// A text as an SQL string literal, quoted as DuckDB, Trino and Athena all read it: in single
// quotes, each single quote doubled. For what cannot be bound as a parameter: file paths in
// read_parquet() and COPY, DDL locations, the text of an EXECUTE IMMEDIATE, Athena's
// ExecutionParameters.
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
