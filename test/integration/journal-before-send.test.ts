// A run records in the journal that its delivery started before it sends the first message, so a
// run stopped mid-delivery leaves a line that status and check read, not an empty journal over a
// ledger that holds sends. The run's end then takes that line's place: one run, one attempt.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { runCli } from '../support/run-cli.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from './mail-smtp-server.ts';

let workDir: string;
let lakeDir: string;
let smtp: LoopbackSmtp;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mnp-journal-first-'));
  lakeDir = join(workDir, 'lake');
  [smtp] = await Promise.all([startLoopbackSmtp(), writeHandMadeLake(lakeDir)]);
}, 60_000);

afterAll(async () => {
  await smtp?.close();
  await rm(workDir, { recursive: true, force: true });
});

async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 20) {
    if (waited > 30_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the run journal during a delivery', () => {
  it('names the period as soon as the first message is out, and the run ends as one attempt', async () => {
    const outDir = join(workDir, 'out');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The server takes the first message and answers only when told: the run is mid-delivery.
    smtp.holdReply = () => held;
    const running = runCli([
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--lake',
      lakeDir,
      '--out',
      outDir,
      '--transport',
      'smtp',
      '--smtp-url',
      smtp.url,
    ]);
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
