// A partition being reloaded under a period already sent whole: its _SUCCESS marker goes while the
// loader rewrites it. A rerun then holds (exit 75), saying why, instead of building the report from
// part of the data and calling that "figures changed since sent"; once the marker is back the
// rerun finds the period sent and does nothing. The hand-made lake (2019-W48), the real CLI, the
// file ledger and an SMTP server on loopback.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;
let outDir: string;
const cli = (...args: string[]) => workspace.cli(outDir, ...args);

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('reload');
  outDir = join(workspace.workDir, 'out');
}, 60_000);

afterAll(() => workspace?.remove());

describe('a rerun while a partition of a period sent whole is reloaded', () => {
  it('holds, names the partition and sends nothing; with the marker back, finds the period sent', async () => {
    const sent = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48');
    expect(sent.code).toBe(ExitCode.OK);
    const marker = join(workspace.lakeDir, 'port_requests', 'dt=2019-11-27', '_SUCCESS');
    workspace.smtp.reset();
    // Days later: the grace window of the first attempt (6 h for the weekly briefing) has closed,
    // so only the version sent whole holds the rerun.
    const statusFile = join(outDir, 'runs', 'hq-weekly', '2019-W48', 'status.json');
    const sentStatus = JSON.parse(await readFile(statusFile, 'utf8'));
    const daysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    await writeFile(statusFile, JSON.stringify({ ...sentStatus, firstAttemptAt: daysAgo }));

    await rename(marker, `${marker}.reloading`);
    const during = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48');
    const resend = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--resend', '--reason', 'r');
    await rename(`${marker}.reloading`, marker);
    const after = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    for (const held of [during, resend]) {
      expect(held.code).toBe(ExitCode.HELD);
      expect(held.stderr).toContain('port_requests/dt=2019-11-27');
      expect(held.stderr).toContain('where the version sent was built from whole data');
    }
    expect(workspace.smtp.received).toEqual([]);
    expect(after.code).toBe(ExitCode.OK);
    expect(workspace.smtp.received).toEqual([]);
    const status = JSON.parse(await readFile(statusFile, 'utf8'));
    expect(status.history.map((attempt: { state: string }) => attempt.state)).toEqual([
      'delivered',
      'held',
      'held',
      'delivered',
    ]);
  });
});
