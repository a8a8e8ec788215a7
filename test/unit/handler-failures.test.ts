// How the handlers fail: an error leaves a Lambda with its class name (the state machine's Retry
// and Catch match on it), a one-line reason and a pointer to its log line, never a stack trace;
// a recipients file that is missing or sends from outside the SES domain is a configuration
// error, which the state machine does not retry.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '#adapters/ledger/memory-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import { ConfigurationError, DeliveryError } from '#core/errors.ts';
import { createDeliverHandler } from '#handlers/deliver.ts';
import { type DeliverPorts, deliverStep } from '#handlers/steps/deliver-step.ts';
import { deliverConfigSchema } from '#handlers/support/config.ts';
import { errorForStateMachine, MAX_REASON_CHARS } from '#handlers/support/state-error.ts';

const CONTEXT = { logGroupName: '/aws/lambda/mnp-briefings-dev-Deliver', awsRequestId: 'req-0001' } as Context;
const silent = { info() {}, warn() {}, error() {}, withContext() {} };

describe('errors handed to the state machine', () => {
  it('keep the class name, the first line of the message and where the log is, and no stack trace', () => {
    const error = new DeliveryError(
      'hq-weekly 2019-W48 hq: 1 recipient(s) not confirmed sent\n    at deliverStep (index.mjs:1:2)',
    );

    const trimmed = errorForStateMachine(error, CONTEXT);

    expect(trimmed.name).toBe('DeliveryError');
    expect(trimmed.message).toBe(
      'hq-weekly 2019-W48 hq: 1 recipient(s) not confirmed sent (log /aws/lambda/mnp-briefings-dev-Deliver, request req-0001)',
    );
    expect(trimmed.stack).toBe(`DeliveryError: ${trimmed.message}`);
  });

  it('shorten a long reason to its limit', () => {
    const trimmed = errorForStateMachine(new Error('x'.repeat(1000)));

    expect(trimmed.message).toHaveLength(MAX_REASON_CHARS);
    expect(trimmed.message.endsWith('…')).toBe(true);
  });

  it('leave the Deliver handler as a one-line ConfigurationError when the event is malformed', async () => {
    const handler = createDeliverHandler({
      config: deliverConfigSchema.parse({
        ARCHIVE_BUCKET: 'archive',
        LEDGER_TABLE: 'ledger',
        SES_CONFIGURATION_SET: 'set',
        SES_SENDING_DOMAIN: 'example.com',
      }),
      s3: new S3Client({ region: 'ap-southeast-1' }),
      ses: new SESv2Client({ region: 'ap-southeast-1' }),
      dynamodb: new DynamoDBClient({ region: 'ap-southeast-1' }),
      log: silent,
    });

    const failure = await handler({ audience: 'hq' }, CONTEXT).then(
      () => new Error('accepted an event without a snapshot key'),
      (error: unknown) => error as Error,
    );

    expect(failure.name).toBe('ConfigurationError');
    expect(failure.message).toMatch(
      /^Deliver event: snapshotKey: .* \(log \/aws\/lambda\/mnp-briefings-dev-Deliver, request req-0001\)$/,
    );
    expect(failure.stack?.split('\n')).toHaveLength(1);
  });
});

describe('the recipients file in Deliver', () => {
  function archiveWith(recipients?: unknown): DeliverPorts {
    const root = mkdtempSync(join(tmpdir(), 'mnp-deliver-'));
    mkdirSync(join(root, 'runs/hq-weekly/2019-W48'), { recursive: true });
    writeFileSync(
      join(root, 'runs/hq-weekly/2019-W48/snapshot.json'),
      JSON.stringify({
        reportId: 'hq-weekly',
        periodId: '2019-W48',
        homeOperator: 'CMCC',
        generatedAt: '2019-12-02T00:30:00Z',
        audiences: ['hq'],
        queryCount: 6,
        partitionsMissing: [],
        rows: { flows: [], requests: [], categories: [], base: [], valueMirror: [], dataQuality: [] },
      }),
    );
    if (recipients) {
      mkdirSync(join(root, 'config'));
      writeFileSync(join(root, 'config/recipients.json'), JSON.stringify(recipients));
    }
    const unused = () => {
      throw new Error('nothing is rendered or sent before the recipients file is accepted');
    };
    return {
      store: new FsReportStore(root),
      rendererFor: unused,
      delivery: {
        transport: { name: 'unused', send: unused },
        ledger: new MemoryLedger(),
        composer: { compose: unused } as never,
        clock: { now: () => new Date() },
      },
      log: silent,
    };
  }
  const event = { snapshotKey: 'runs/hq-weekly/2019-W48/snapshot.json', audience: 'hq' };
  const shipped = JSON.parse(readFileSync(new URL('../../config/recipients.json', import.meta.url), 'utf8')) as {
    from: string;
  };

  it('is a configuration error, not a retried archive error, when it is missing', async () => {
    const failure = deliverStep(event, { key: 'config/recipients.json', sendingDomain: 'example.com' }, archiveWith());

    await expect(failure).rejects.toThrow(ConfigurationError);
    await expect(failure).rejects.toThrow(/recipients file .*config\/recipients\.json is missing: upload it/);
  });

  it('is refused when its sender lies outside the SES sending domain, naming both', async () => {
    const failure = deliverStep(
      event,
      { key: 'config/recipients.json', sendingDomain: 'briefings.example.com' },
      archiveWith(shipped),
    );

    await expect(failure).rejects.toThrow(ConfigurationError);
    await expect(failure).rejects.toThrow(
      /the sender briefings@example\.com is outside the SES sending domain briefings\.example\.com/,
    );
  });
});
