// mnp-briefings check on a real history: the generated two-month lake, the real CLI, the file
// ledger and an SMTP server on loopback. The weekly schedule is Mondays 08:30 Beijing
// (00:30 UTC) with a 6 h grace window and check's 1 h margin, so by hand:
//   W49 due 2019-12-09T00:30Z, W50 due 2019-12-16T00:30Z, W51 due 2019-12-23T00:30Z,
//   W52 due 2019-12-30T00:30Z, each overdue 7 h later (deadline 07:30Z).
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { claimRecord } from '#core/delivery-records.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from './mail-smtp-server.ts';
import { type OpsWorkspace, openOpsWorkspace } from './ops-workspace.ts';

let workspace: OpsWorkspace;
let smtp: LoopbackSmtp;

beforeAll(async () => {
  [workspace, smtp] = await Promise.all([openOpsWorkspace(), startLoopbackSmtp()]);
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await workspace?.remove();
});

beforeEach(() => smtp.reset());

const out = (name: string) => join(workspace.root, name);
const viaSmtp = () => ['--transport', 'smtp', '--smtp-url', smtp.url, '--rate', '200'];
const runWeek = (dir: string, week: string, ...extra: string[]) =>
  workspace.cli('run', '--report', 'hq-weekly', '--period', week, '--out', out(dir), ...viaSmtp(), ...extra);

describe('mnp-briefings check', () => {
  it('refuses a window whose start comes after its end', async () => {
    const check = await workspace.cli(
      'check',
      '--out',
      out('history'),
      '--since',
      '2020-03-01',
      '--now',
      '2020-01-01T00:00:00Z',
    );

    expect(check.code).toBe(ExitCode.USAGE);
    expect(check.stderr).toContain('--since comes after --now');
  });
  it('names a missed week and a partial delivery, shows a banner send apart, and exits 5', async () => {
    const marker = join(workspace.lakeDir, 'port_requests', 'dt=2019-12-03', '_SUCCESS');
    await rename(marker, `${marker}.hidden`);
    const banner = await runWeek('history', '2019-W49', '--allow-incomplete').finally(() =>
      rename(`${marker}.hidden`, marker),
    );
    const clean = await runWeek('history', '2019-W50');
    smtp.refuse = (address) =>
      address === 'strategy-office@example.com' ? { code: 550, text: '5.1.1 mailbox unavailable' } : undefined;
    const partial = await runWeek('history', '2019-W52');

    const check = await workspace.cli(
      'check',
      '--out',
      out('history'),
      '--report',
      'hq-weekly',
      '--now',
      '2019-12-30T08:00:00Z',
    );
    const json = JSON.parse(
      (
        await workspace.cli(
          'check',
          '--out',
          out('history'),
          '--report',
          'hq-weekly',
          '--now',
          '2019-12-30T08:00:00Z',
          '--json',
        )
      ).stdout,
    );

    expect([banner.code, clean.code, partial.code]).toEqual([ExitCode.OK, ExitCode.OK, ExitCode.DELIVERY_FAILED]);
    expect(check.code).toBe(ExitCode.OVERDUE);
    expect(check.stdout.split('\n')).toEqual([
      'hq-weekly 2019-W49 sent with the data-incomplete banner (not missed) (due 2019-12-09T00:30:00Z, deadline 2019-12-09T07:30:00Z)',
      'hq-weekly 2019-W51 missed: never run (due 2019-12-23T00:30:00Z, deadline 2019-12-23T07:30:00Z)',
      'hq-weekly 2019-W52 partially delivered: 1 of 2 recipient(s) lack it (due 2019-12-30T00:30:00Z, deadline 2019-12-30T07:30:00Z)',
      '2 overdue between 2019-12-09T00:30:00.000Z and 2019-12-30T08:00:00.000Z',
    ]);
    expect(check.stderr).toContain('2 scheduled report period(s) overdue');
    expect(json.overdueByReport).toEqual({ 'hq-weekly': 2 });
    expect(json.incompleteByReport).toEqual({ 'hq-weekly': 1 });
    expect(
      json.findings.map((finding: { periodId: string; state: string; lacking: number }) => [
        finding.periodId,
        finding.state,
        finding.lacking,
      ]),
    ).toEqual([
      ['2019-W49', 'sent-incomplete', 0],
      ['2019-W51', 'missed', 2],
      ['2019-W52', 'partial', 1],
    ]);
  });

  it('keeps a week sent whole as sent when a later rerun of it is held', async () => {
    const sent = await runWeek('held-after-sent', '2019-W50');
    // A loader reloading one of the week's partitions: the rerun is held, the readers keep what they got.
    const marker = join(workspace.lakeDir, 'port_requests', 'dt=2019-12-11', '_SUCCESS');
    await rename(marker, `${marker}.hidden`);
    const held = await workspace
      .cli('rerun', '--report', 'hq-weekly', '--period', '2019-W50', '--out', out('held-after-sent'), ...viaSmtp())
      .finally(() => rename(`${marker}.hidden`, marker));

    const check = await workspace.cli(
      'check',
      '--out',
      out('held-after-sent'),
      '--report',
      'hq-weekly',
      '--since',
      '2019-12-16T00:00:00Z',
      '--now',
      '2019-12-16T08:00:00Z',
      '--json',
    );

    const status = await workspace.cli('status', '--out', out('held-after-sent'));

    expect([sent.code, held.code]).toEqual([ExitCode.OK, ExitCode.HELD]);
    expect(check.code).toBe(ExitCode.OK);
    expect(JSON.parse(check.stdout)).toMatchObject({ findings: [], incompleteByReport: { 'hq-weekly': 0 } });
    // The readers hold the whole send: status says so, and no banner.
    expect(status.stdout).toMatch(/2019-W50 +│ delivered, then held +│ 2 +│ 0 +│ 0 +│ 2 +│/);
    expect(status.stdout).not.toContain('sent with the "data incomplete" banner');
  });

  it('names a week archived without being sent apart from one never run', async () => {
    const archived = await runWeek('archived-only', '2019-W50', '--no-deliver');

    const check = await workspace.cli(
      'check',
      '--out',
      out('archived-only'),
      '--report',
      'hq-weekly',
      '--since',
      '2019-12-16',
      '--now',
      '2019-12-23T08:00:00Z',
    );

    expect(archived.code).toBe(ExitCode.OK);
    expect(check.code).toBe(ExitCode.OVERDUE);
    expect(check.stdout.split('\n').slice(0, 2)).toEqual([
      'hq-weekly 2019-W50 archived, never sent: 2 of 2 recipient(s) lack it (due 2019-12-16T00:30:00Z, deadline 2019-12-16T07:30:00Z)',
      'hq-weekly 2019-W51 missed: never run (due 2019-12-23T00:30:00Z, deadline 2019-12-23T07:30:00Z)',
    ]);
  });

  it('lists a send still claimed by a run that stopped, with its lease and whether the message left', async () => {
    smtp.refuse = (address) =>
      address === 'strategy-office@example.com' ? { code: 550, text: '5.1.1 mailbox unavailable' } : undefined;
    await runWeek('claimed', '2019-W50');
    // A run killed between claiming and handing over: the failed recipient's record becomes a
    // claim whose lease runs to 2019-12-16T09:00Z and whose message never reached the transport.
    const ledger = new FileLedger(join(out('claimed'), 'ledger'));
    const failed = (await ledger.list('hq-weekly', '2019-W50', 'hq')).find((record) => record.status === 'failed')!;
    const claimedAt = new Date('2019-12-16T08:59:00Z');
    await ledger.replace(
      claimRecord(
        failed,
        failed,
        failed.messageId!,
        { correction: false, possibleDuplicate: false },
        claimedAt,
        60_000,
      ),
    );

    const check = await workspace.cli(
      'check',
      '--out',
      out('claimed'),
      '--report',
      'hq-weekly',
      '--since',
      '2019-12-16',
      '--now',
      '2019-12-16T08:00:00Z',
    );

    expect(check.code).toBe(ExitCode.OVERDUE);
    expect(check.stdout.split('\n')).toEqual([
      'hq-weekly 2019-W50 partially delivered: 1 of 2 recipient(s) lack it (due 2019-12-16T00:30:00Z, deadline 2019-12-16T07:30:00Z)',
      'claims in flight: 1',
      `  hq-weekly 2019-W50 hq ${failed.recipient} until 2019-12-16T09:00:00.000Z, not handed over`,
      // --since 2019-12-16 is Beijing midnight: 2019-12-15T16:00Z.
      '1 overdue between 2019-12-15T16:00:00.000Z and 2019-12-16T08:00:00.000Z',
    ]);
  });

  it('leaves a period alone until its deadline has passed', async () => {
    const check = await workspace.cli(
      'check',
      '--out',
      out('history'),
      '--report',
      'hq-weekly',
      '--since',
      '2019-12-20',
      '--now',
      '2019-12-30T07:29:00Z',
    );

    expect(check.stdout.split('\n')).toEqual([
      'hq-weekly 2019-W51 missed: never run (due 2019-12-23T00:30:00Z, deadline 2019-12-23T07:30:00Z)',
      '1 overdue between 2019-12-19T16:00:00.000Z and 2019-12-30T07:29:00.000Z',
    ]);
  });

  it('refuses to give an all-clear from a folder that holds no run journal', async () => {
    const check = await workspace.cli('check', '--out', out('mistyped'), '--now', '2019-12-30T08:00:00Z');
    const since = await workspace.cli(
      'check',
      '--out',
      out('mistyped'),
      '--report',
      'hq-weekly',
      '--since',
      '2019-12-20',
      '--now',
      '2019-12-30T08:00:00Z',
    );

    expect(check.code).toBe(ExitCode.USAGE);
    expect(check.stderr).toContain(`check: ${join(out('mistyped'), 'runs')} holds no run journal`);
    // Given a start, an empty journal is a fact to report: every week since then was missed.
    expect(since.code).toBe(ExitCode.OVERDUE);
    expect(since.stdout).toContain('hq-weekly 2019-W51 missed: never run');
  });

  it("checks a report that never ran from the journal's first run, not over an empty window", async () => {
    await runWeek('weekly-only', '2019-W49');

    const check = await workspace.cli(
      'check',
      '--out',
      out('weekly-only'),
      '--report',
      'province-monthly',
      '--now',
      '2020-01-06T00:00:00Z',
    );

    // W49 was due 2019-12-09T00:30Z; December's guidance on 3 January 2020 at 09:00 Beijing
    expect(check.code).toBe(ExitCode.OVERDUE);
    expect(check.stdout).toContain('province-monthly 2019-12 missed: never run');
    expect(check.stdout).toContain('between 2019-12-09T00:30:00.000Z and 2020-01-06T00:00:00.000Z');
  });

  it('exits 0 on a clean history', async () => {
    await runWeek('clean', '2019-W50');
    await runWeek('clean', '2019-W51');

    const check = await workspace.cli(
      'check',
      '--out',
      out('clean'),
      '--report',
      'hq-weekly',
      '--now',
      '2019-12-29T00:00:00Z',
    );

    expect(check.code).toBe(ExitCode.OK);
    expect(check.stdout).toBe('nothing overdue between 2019-12-16T00:30:00.000Z and 2019-12-29T00:00:00.000Z');
  });

  it('checks nothing, over no backwards window, when the journal begins after --now', async () => {
    await runWeek('clean-later', '2019-W51');

    const check = await workspace.cli('check', '--out', out('clean-later'), '--now', '2019-12-01T00:00:00Z');

    expect(check.code).toBe(ExitCode.OK);
    expect(check.stdout).toBe('nothing overdue between 2019-12-01T00:00:00.000Z and 2019-12-01T00:00:00.000Z');
  });

  it('lists no period before 1992, which no run can report on', async () => {
    await runWeek('clean-early', '2019-W51');

    const check = await workspace.cli(
      'check',
      '--out',
      out('clean-early'),
      '--since',
      '1969-12-01',
      '--now',
      '1992-02-10T00:00:00Z',
    );

    expect(check.code).toBe(ExitCode.OVERDUE);
    // Mondays 6 January to 3 February 1992 run weeks 1 to 5; 1991-W52 and December 1991 are out of range
    expect(check.stdout).toContain('hq-weekly 1992-W01 missed: never run');
    expect(check.stdout).toContain('hq-weekly 1992-W05 missed: never run');
    expect(check.stdout).toContain('province-monthly 1992-01 missed: never run');
    expect(check.stdout).not.toMatch(/\s19(69|[78]\d|9[01])-(W\d\d|\d\d)\s/);
    expect(check.stdout).toContain('between 1991-12-29T16:00:00.000Z and 1992-02-10T00:00:00.000Z');
  });

  it('refuses a --since that is neither a date nor an instant', async () => {
    const check = await workspace.cli('check', '--out', out('clean'), '--since', 'last week');

    expect(check.code).toBe(ExitCode.USAGE);
    expect(check.stderr).toContain('--since must be a date such as 2019-12-01');
  });
});
