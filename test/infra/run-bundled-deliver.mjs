// Runs the Deliver handler from its synthesized Lambda bundle (index.mjs, with the templates,
// font and native rasteriser beside it) against the loopback S3 and DynamoDB servers, with SES
// replaced by a recorder. A child process, so that LAMBDA_TASK_ROOT is set before the bundle
// loads, as in Lambda. Usage: node run-bundled-deliver.mjs <s3 endpoint> <dynamodb endpoint> <ledger table> <event json>
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

const [s3Endpoint, dynamoEndpoint, ledgerTable, event] = process.argv.slice(2);
// s3rver accepts only its own key pair; dynalite any.
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const { createDeliverHandler } = await import(pathToFileURL(join(process.env.LAMBDA_TASK_ROOT, 'index.mjs')).href);
const sent = [];
const handler = createDeliverHandler({
  config: {
    ARCHIVE_BUCKET: 'archive',
    LEDGER_TABLE: ledgerTable,
    SES_CONFIGURATION_SET: 'mnp-briefings-test',
    SES_SENDING_DOMAIN: 'example.com',
    RECIPIENTS_KEY: 'config/recipients.json',
    SES_SEND_RATE_PER_SECOND: 50,
    DELIVERY_LEASE_SECONDS: 150,
  },
  s3: new S3Client({ endpoint: s3Endpoint, forcePathStyle: true, region: 'ap-southeast-1', credentials }),
  dynamodb: new DynamoDBClient({ endpoint: dynamoEndpoint, region: 'ap-southeast-1', credentials }),
  ses: {
    send: async (command) => {
      sent.push({ to: command.input.Destination.ToAddresses, bytes: command.input.Content.Raw.Data.length });
      return { MessageId: `local-${sent.length}` };
    },
  },
  log: {
    info() {},
    warn() {},
    error: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
    withContext() {},
  },
});
try {
  const result = await handler(JSON.parse(event));
  process.stdout.write(`${JSON.stringify({ result, sent })}\n`);
} catch (error) {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
}
