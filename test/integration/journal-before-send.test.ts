// A run records in the journal that its delivery started before it sends the first message, so a
// run stopped mid-delivery leaves a line that status and check read, not an empty journal over a
// ledger that holds sends. The run's end then takes that line's place: one run, one attempt.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { runCli } from '../support/run-cli.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('journal-first');
}, 60_000);

afterAll(() => workspace?.remove());

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 30_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the run journal during a delivery', () => {
  it('names the period as soon as the first message is out, and the run ends as one attempt', async () => {
    const { smtp } = workspace;
    const outDir = join(workspace.workDir, 'out');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The server takes the first message and answers only when told: the run is mid-delivery.
    smtp.holdReply = () => held;
    const running = workspace.cli(outDir, 'run', '--report', 'hq-weekly', '--period', '2019-W48');
    let finished: unknown;
    void running.then((outcome) => (finished = outcome));
    await until(() => smtp.received.length >= 1 || finished !== undefined);
    if (finished) throw new Error(JSON.stringify(finished));

    const during = await runCli(['status', '--out', outDir, '--json']);
    const journalDuring = JSON.parse(await readFile(join(outDir, 'runs/hq-weekly/2019-W48/status.json'), 'utf8'));
    release();
    const run = await running;
    const journalAfter = JSON.parse(await readFile(join(outDir, 'runs/hq-weekly/2019-W48/status.json'), 'utf8'));

    // Killed now, this is what the journal would keep: the period, and that its delivery began.
    expect(JSON.parse(during.stdout).runs).toEqual([
      expect.objectContaining({
        periodId: '2019-W48',
        state: 'archived',
        message: expect.stringContaining('delivery started'),
      }),
    ]);
    expect(journalDuring).toMatchObject({ attempts: 1, openRunId: expect.stringMatching(/^local-/) });
    expect(run.code).toBe(ExitCode.OK);
    expect(journalAfter).toMatchObject({ state: 'delivered', attempts: 1, runId: journalDuring.openRunId });
    expect(journalAfter.openRunId).toBeUndefined();
    expect(journalAfter.history.map((attempt: { state: string }) => attempt.state)).toEqual(['delivered']);
  });
});
