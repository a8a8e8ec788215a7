// Runs the Prepare handler from its synthesized Lambda bundle (index.mjs with functions/sql
// beside it) against the loopback S3 server, with Athena replaced by a stand-in that accepts
// every query and returns no rows. A child process, so that LAMBDA_TASK_ROOT is set before the
// bundle loads. Prints the handler's output and the query texts Athena received.
// Usage: node run-bundled-prepare.mjs <s3 endpoint> <event json>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';

const [s3Endpoint, event] = process.argv.slice(2);
const { createPrepareHandler } = await import(pathToFileURL(join(process.env.LAMBDA_TASK_ROOT, 'index.mjs')).href);
const queries = [];
const athena = {
  send: async (command) => {
    const name = command.constructor.name;
    if (name === 'StartQueryExecutionCommand') {
      queries.push({ sql: command.input.QueryString, parameters: command.input.ExecutionParameters });
      return { QueryExecutionId: `q-${queries.length}` };
    }
    if (name === 'GetQueryExecutionCommand')
      return { QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 0 } } };
    if (name === 'GetQueryResultsCommand')
      return { ResultSet: { ResultSetMetadata: { ColumnInfo: [] }, Rows: [{ Data: [] }] } };
    throw new Error(`unexpected Athena call ${name}`);
  },
};
const handler = createPrepareHandler({
  config: {
    ARCHIVE_BUCKET: 'archive',
    LAKE_BUCKET: 'lake',
    LAKE_PREFIX: '',
    ATHENA_WORKGROUP: 'mnp-briefings-test',
    ATHENA_DATABASE: 'mnp_lake_test',
    ATHENA_RESULT_REUSE_MINUTES: 0,
    ATHENA_QUERY_TIMEOUT_SECONDS: 60,
    HOME_OPERATOR: 'CMCC',
  },
  athena,
  s3: new S3Client({
    endpoint: s3Endpoint,
    forcePathStyle: true,
    region: 'ap-southeast-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  }),
  log: {
    info() {},
    warn() {},
    error: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
    withContext() {},
  },
  now: () => new Date('2019-12-02T00:31:00Z'),
});
try {
  const result = await handler(JSON.parse(event));
  process.stdout.write(`${JSON.stringify({ result, queries })}\n`);
} catch (error) {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
}
