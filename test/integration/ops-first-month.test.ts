// What an operator meets in the first month (issue 21): periods no run can report on, dead mail
// servers, interrupted sends, recipients checked as a set, the audience option, the status
// summary. Each test reproduces the misleading behaviour first reported, on a small real lake.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { openOpsWorkspace, type OpsWorkspace } from './ops-workspace.ts';

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

  it('refuses a week before the lake\'s first partition', async () => {
    const result = await workspace.cli('run', '--report', 'hq-weekly', '--period', '2019-W10', '--out', out('before'));

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toContain('2019-W10 (2019-03-04 to 2019-03-10) lies before the lake\'s first partition');
    expect(result.stderr).toContain(LAKE_RANGE);
    expect(await readdir(out('before')).catch(() => [])).not.toContain('runs');
  });

  it('lets backfill stop at the last complete period with a note instead of holding later ones', async () => {
    const result = await workspace.cli('backfill', '--report', 'hq-weekly', '--from', '2019-W51', '--to', '2020-W10', '--out', out('backfill-clamped'), '--json');

    const json = JSON.parse(result.stdout) as { periods: { period: string; state: string }[]; notes: string[] };
    expect(result.code).toBe(ExitCode.OK);
    expect(json.periods.map((row) => [row.period, row.state])).toEqual([
      ['2019-W51', 'archived'],
      ['2019-W52', 'archived'],
    ]);
    expect(json.notes).toEqual([`stops at 2019-W52, the last complete period: 2020-W01 to 2020-W10 (10) not complete in the lake yet; ${LAKE_RANGE}`]);
  });
});

describe('one audience option', () => {
  it('takes --audience on run, and a rerun of one audience keeps the period\'s audience list and its history', async () => {
    const first = await workspace.cli('run', '--report', 'province-monthly', '--period', '2019-11', '--audience', '11', '12', '--out', out('audiences'));
    const rerun = await workspace.cli('rerun', '--report', 'province-monthly', '--period', '2019-11', '--audience', '11', '--out', out('audiences'));
    const status = JSON.parse((await workspace.cli('status', '--out', out('audiences'), '--report', 'province-monthly', '--json')).stdout);

    expect(first.code).toBe(ExitCode.OK);
    expect(rerun.code).toBe(ExitCode.OK);
    expect(status.runs[0].audiences).toEqual(['11', '12']);
    expect(status.runs[0].history.map((attempt: { audiences: string[] }) => attempt.audiences)).toEqual([['11', '12'], ['11']]);
    expect((await workspace.cli('run', '--report', 'province-monthly', '--period', '2019-11', '--province', '11', '--out', out('audiences'))).code).toBe(ExitCode.USAGE);
  });
});
