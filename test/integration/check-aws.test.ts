// The check of missed runs as the Lambda runs it: the ledger in DynamoDB (dynalite on loopback,
// the table as the stateful stack makes it), the run journal and recipients file in the archive
// (a folder standing in for the bucket), the metrics captured as published. By hand, at
// 2019-12-10T00:00Z: hq-weekly W48 went to both executives (fine); W49 was due Monday
// 2019-12-09T00:30Z, deadline 07:30Z, and never ran (missed); province-monthly 2019-11 was due
// 2019-12-03T01:00Z, deadline 2019-12-05T02:00Z (48 h grace + 1 h), and reached 60 of its 62
// recipients (partial). Nothing before W48 counts: the journal begins there.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbLedger } from '#adapters/ledger/dynamodb-ledger.ts';
import { FsReportStore } from '#adapters/store/fs-store.ts';
import type { DeliveryRecord } from '#core/delivery-ports.ts';
import { reportDefinitions } from '#core/report-definitions.ts';
import { recordRunStatus } from '#core/run-journal.ts';
import { checkStep, type MetricDatum } from '#handlers/steps/check-step.ts';
import { type LoopbackDynamoDb, startLoopbackDynamoDb } from '../support/loopback-dynamodb.ts';

let dynamo: LoopbackDynamoDb;
let archiveDir: string;
const TABLE = 'mnp-briefings-test-delivery-ledger';

function sentRecord(reportId: string, periodId: string, audience: string, recipient: string): DeliveryRecord {
  return {
    reportId,
    periodId,
    audience,
    recipient,
    status: 'sent',
    attempts: 1,
    messageId: `<${reportId}.${periodId}.${audience}@example.com>`,
    updatedAt: '2019-12-03T01:05:00.000Z',
    correction: false,
    possibleDuplicate: false,
    version: 1,
  };
}

beforeAll(async () => {
  dynamo = await startLoopbackDynamoDb('cn-north-1');
  await dynamo.createLedgerTable(TABLE);
  archiveDir = await mkdtemp(join(tmpdir(), 'mnp-check-aws-'));
  await mkdir(join(archiveDir, 'config'), { recursive: true });
  await copyFile('config/recipients.json', join(archiveDir, 'config', 'recipients.json'));
}, 30_000);

afterAll(async () => {
  await dynamo?.close();
  await rm(archiveDir, { recursive: true, force: true });
});

describe('the check Lambda', () => {
  it('reads the DynamoDB ledger and the journal, and publishes the overdue count of each report', async () => {
    const store = new FsReportStore(archiveDir);
    const ledger = new DynamoDbLedger({ client: dynamo.client, tableName: TABLE });
    const config = JSON.parse(await readFile('config/recipients.json', 'utf8')) as {
      audiences: Record<string, { to: string[] }>;
    };
    const at = new Date('2019-12-03T02:00:00Z');
    await recordRunStatus(
      store,
      { reportId: 'hq-weekly', periodId: '2019-W48', state: 'delivered', partitionsMissing: [], audiences: ['hq'] },
      at,
    );
    for (const recipient of config.audiences.hq!.to)
      await ledger.create(sentRecord('hq-weekly', '2019-W48', 'hq', recipient.toLowerCase()));
    await recordRunStatus(
      store,
      {
        reportId: 'province-monthly',
        periodId: '2019-11',
        state: 'delivery-failed',
        partitionsMissing: [],
        audiences: Object.keys(config.audiences).filter((a) => a !== 'hq'),
      },
      at,
    );
    const provinceRecipients = Object.entries(config.audiences)
      .filter(([audience]) => audience !== 'hq')
      .flatMap(([audience, entry]) => entry.to.map((to) => [audience, to.toLowerCase()] as const));
    for (const [audience, recipient] of provinceRecipients.slice(2))
      await ledger.create(sentRecord('province-monthly', '2019-11', audience, recipient));
    const published: MetricDatum[] = [];
    const logged: string[] = [];

    const report = await checkStep(
      {
        store,
        ledger,
        publish: async (metrics) => void published.push(...metrics),
        log: {
          info: () => undefined,
          warn: (message) => void logged.push(message),
          error: (_message, fields) => void logged.push(String(fields?.line)),
        },
        now: () => new Date('2019-12-10T00:00:00Z'),
      },
      { definitions: reportDefinitions, recipientsKey: 'config/recipients.json', lookbackDays: 40 },
    );

    expect(provinceRecipients).toHaveLength(62);
    expect(
      report.findings.map((finding) => [finding.reportId, finding.periodId, finding.state, finding.lacking]),
    ).toEqual([
      ['hq-weekly', '2019-W49', 'missed', 2],
      ['province-monthly', '2019-11', 'partial', 2],
    ]);
    expect(published).toEqual([
      { name: 'OverdueReports', report: 'hq-weekly', value: 1 },
      { name: 'ReportsSentWithIncompleteData', report: 'hq-weekly', value: 0 },
      { name: 'OverdueReports', report: 'province-monthly', value: 1 },
      { name: 'ReportsSentWithIncompleteData', report: 'province-monthly', value: 0 },
    ]);
    expect(logged).toContain(
      'province-monthly 2019-11 partially delivered: 2 of 62 recipient(s) lack it (due 2019-12-03T01:00:00Z, deadline 2019-12-05T02:00:00Z)',
    );
  });
});
