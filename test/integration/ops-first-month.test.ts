// What an operator meets in the first month (issue 21): periods no run can report on, dead mail
// servers, interrupted sends, recipients checked as a set, the audience option, the status
// summary. Each test reproduces the misleading behaviour first reported, on a small real lake.
import { mkdir, readdir, rename } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { runCli } from '../support/run-cli.ts';
import { type OpsWorkspace, openOpsWorkspace } from './ops-workspace.ts';

let workspace: OpsWorkspace;

beforeAll(async () => {
  workspace = await openOpsWorkspace();
}, 120_000);

afterAll(async () => {
  await workspace?.remove();
});

const out = (name: string) => join(workspace.root, name);
const LAKE_RANGE = 'the lake holds port_requests from 2019-11-01 to 2019-12-31 (complete to 2019-12-31)';

describe('a period no run can report on', () => {
  it('refuses a week that has not ended yet, says what the lake holds, and records nothing', async () => {
    const result = await workspace.cli('run', '--report', 'hq-weekly', '--period', '2099-W10', '--out', out('future'));

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('2099-W10 has not ended yet');
    expect(result.stderr).toContain(LAKE_RANGE);
    expect(await readdir(out('future')).catch(() => [])).not.toContain('runs');
  });

  it("refuses a week before the lake's first partition", async () => {
    const result = await workspace.cli('run', '--report', 'hq-weekly', '--period', '2019-W10', '--out', out('before'));

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain("2019-W10 (2019-03-04 to 2019-03-10) lies before the lake's first partition");
    expect(result.stderr).toContain(LAKE_RANGE);
    expect(await readdir(out('before')).catch(() => [])).not.toContain('runs');
  });

  it('says the lake holds nothing yet, not that the week lies before its first partition', async () => {
    const emptyLake = out('empty-lake');
    await mkdir(emptyLake, { recursive: true });
    const args = [
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      emptyLake,
      '--out',
      out('empty-out'),
    ];
    const result = await runCli(args);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('2019-W48 cannot be reported on: the lake holds no port_requests partition yet');
    expect(result.stderr).not.toContain('first partition');
  });

  it('refuses a period past year 9998 as a usage error, not an unexpected one', async () => {
    const result = await workspace.cli('run', '--report', 'hq-weekly', '--period', '9999-W52', '--out', out('far'));

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('9999-W52 is out of range: periods run from 1992 to 9998');
  });

  it('lets backfill start at the first period wholly inside the lake, not hold the partial one before it', async () => {
    // The lake starts on Friday 1 November: week 44 (28 October to 3 November) would wait forever
    // for its first four days.
    const result = await workspace.cli(
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W43',
      '--to',
      '2019-W45',
      '--out',
      out('backfill-started'),
      '--json',
    );

    const json = JSON.parse(result.stdout) as { periods: { period: string; state: string }[]; notes: string[] };
    expect(result.code).toBe(ExitCode.OK);
    expect(json.periods.map((row) => [row.period, row.state])).toEqual([['2019-W45', 'archived']]);
    expect(json.notes).toEqual([
      `starts at 2019-W45: 2019-W43 to 2019-W44 (2) start before the lake's first partition; ${LAKE_RANGE}`,
    ]);
  });

  it('lets backfill stop at the last complete period with a note instead of holding later ones', async () => {
    const result = await workspace.cli(
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W51',
      '--to',
      '2020-W10',
      '--out',
      out('backfill-clamped'),
      '--json',
    );

    const json = JSON.parse(result.stdout) as { periods: { period: string; state: string }[]; notes: string[] };
    expect(result.code).toBe(ExitCode.OK);
    expect(json.periods.map((row) => [row.period, row.state])).toEqual([
      ['2019-W51', 'archived'],
      ['2019-W52', 'archived'],
    ]);
    expect(json.notes).toEqual([
      `stops at 2019-W52, the last complete period: 2020-W01 to 2020-W10 (10) not complete in the lake yet; ${LAKE_RANGE}`,
    ]);
  });
});

describe('one audience option', () => {
  it("takes --audience on run, and a rerun of one audience keeps the period's audience list and its history", async () => {
    const first = await workspace.cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--audience',
      '11',
      '12',
      '--out',
      out('audiences'),
    );
    const rerun = await workspace.cli(
      'rerun',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--audience',
      '11',
      '--out',
      out('audiences'),
    );
    const status = JSON.parse(
      (await workspace.cli('status', '--out', out('audiences'), '--report', 'province-monthly', '--json')).stdout,
    );

    expect(first.code).toBe(ExitCode.OK);
    expect(rerun.code).toBe(ExitCode.OK);
    expect(status.runs[0].audiences).toEqual(['11', '12']);
    expect(status.runs[0].history.map((attempt: { audiences: string[] }) => attempt.audiences)).toEqual([
      ['11', '12'],
      ['11'],
    ]);
    // --province, the provincial report's first name for it, is the same option (hidden from --help).
    const byOldName = await workspace.cli(
      'rerun',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--province',
      '12',
      '--out',
      out('audiences'),
    );
    expect(byOldName.code).toBe(ExitCode.OK);
    const after = JSON.parse(
      (await workspace.cli('status', '--out', out('audiences'), '--report', 'province-monthly', '--json')).stdout,
    );
    expect(after.runs[0].history.at(-1).audiences).toEqual(['12']);
  });
});

describe('a mail server that is down', () => {
  it('fails fast: one send, exit 1 with one line, no claim left, the journal says failed', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const started = performance.now();

    const result = await workspace.cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--out',
      out('dead-smtp'),
      '--transport',
      'smtp',
      '--smtp-url',
      `smtp://127.0.0.1:${closedPort}`,
    );
    const seconds = (performance.now() - started) / 1000;
    const status = JSON.parse((await workspace.cli('status', '--out', out('dead-smtp'), '--json')).stdout);

    expect(result.code).toBe(ExitCode.FAILED);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('mnp-briefings:'))).toEqual([
      expect.stringMatching(
        /^mnp-briefings: mail transport smtp is down: SMTP ESOCKET: connect ECONNREFUSED 127\.0\.0\.1:\d+; stopped at province-monthly 2019-12 11 with 2 recipient\(s\) not sent, and 60 recipient\(s\) of the 30 audience\(s\) after it not tried/,
      ),
    ]);
    // The report runs its queries and renders 31 provinces first; the sending part is one refused connection.
    expect(seconds).toBeLessThan(60);
    // Every recipient lacks it: the 2 the run stopped at and the 60 it never tried.
    expect(status.runs[0]).toMatchObject({ state: 'failed', notDelivered: 62 });
    expect(status.runs[0].deliveries.filter((delivery: { status: string }) => delivery.status === 'sending')).toEqual(
      [],
    );
  }, 120_000);
});

describe('a send left in flight', () => {
  it('makes the run exit 3 and name the recipient instead of reporting 0 failed', async () => {
    const ledger = new FileLedger(join(out('in-flight'), 'ledger'));
    const leaseUntil = new Date(Date.now() + 10 * 60_000).toISOString();
    await ledger.create({
      reportId: 'hq-weekly',
      periodId: '2019-W50',
      audience: 'hq',
      recipient: 'strategy-office@example.com',
      status: 'sending',
      attempts: 0,
      messageId: '<m@example.com>',
      updatedAt: new Date().toISOString(),
      leaseUntil,
      correction: false,
      possibleDuplicate: false,
      dispatched: true,
      version: 1,
    });

    const result = await workspace.cli(
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W50',
      '--to',
      '2019-W50',
      '--send',
      '--out',
      out('in-flight'),
    );
    const status = await workspace.cli('status', '--out', out('in-flight'));

    expect(result.code).toBe(ExitCode.DELIVERY_FAILED);
    expect(result.stderr).toContain('backfill: 1 period(s) with recipients not delivered, e.g. 2019-W50');
    expect(result.stderr).toContain(`a claim in flight until ${leaseUntil}`);
    expect(status.stdout).toContain('claims in flight: 1');
    expect(status.stdout).toContain(
      `hq-weekly 2019-W50 hq strategy-office@example.com until ${leaseUntil}, handed over`,
    );
  });
});

describe('status', () => {
  it('filters by --state and marks a report that went out with the "data incomplete" banner', async () => {
    const marker = join(workspace.lakeDir, 'port_requests', 'dt=2019-12-04', '_SUCCESS');
    await rename(marker, `${marker}.hidden`);
    try {
      await workspace.cli(
        'run',
        '--report',
        'hq-weekly',
        '--period',
        '2019-W49',
        '--out',
        out('status-banner'),
        '--allow-incomplete',
      );
    } finally {
      await rename(`${marker}.hidden`, marker);
    }
    await workspace.cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W50',
      '--out',
      out('status-banner'),
      '--no-deliver',
    );

    const delivered = await workspace.cli('status', '--out', out('status-banner'), '--state', 'delivered');
    const archived = JSON.parse(
      (await workspace.cli('status', '--out', out('status-banner'), '--state', 'archived', '--json')).stdout,
    );

    expect(delivered.stdout).toMatch(
      /hq-weekly +│ 2019-W49 +│ delivered +│ 2 +│ 0 +│ 0 +│ 1 +│ \S+ +│ sent with the "data incomplete" banner \(1 partition\(s\) missing\)/,
    );
    expect(delivered.stdout).not.toContain('2019-W50');
    expect(archived.runs.map((run: { periodId: string }) => run.periodId)).toEqual(['2019-W50']);
  });
});
