// A run that stops mid-send (the mail server gone, the process killed) has mailed some
// recipients but not yet recorded the version sent: that happens when an audience's delivery
// ends. The next run then found no sent version, rendered over the current view, and mailed the
// rest of the audience other figures with exit 0: two readers of one report held different
// numbers, and the figures the first one got were archived nowhere. Here the interrupted state
// is the delivered one without its sent/ folder: the current view, message.eml and the ledger's
// records, as the stopped run leaves them.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { hash, w48Port } from '../fixtures/hand-made-lake.ts';
import { writePartition } from '../support/lake-writer.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('interrupted');
}, 60_000);

afterAll(() => workspace?.remove());

beforeEach(() => workspace.smtp.reset());

const PREFIX = ['hq-weekly', '2019-W48', 'hq'];
const cli = (outDir: string, ...args: string[]) => workspace.cli(outDir, ...args);

/** A delivered W48 whose run stopped before recording what it sent. */
async function interruptedRun(outDir: string): Promise<void> {
  const run = await cli(outDir, 'run', '--report', 'hq-weekly', '--period', '2019-W48');
  expect(run.code).toBe(ExitCode.OK);
  await rm(join(outDir, ...PREFIX, 'sent'), { recursive: true, force: true });
  workspace.smtp.reset();
}

const read = (outDir: string, name: string) => readFile(join(outDir, ...PREFIX, name), 'utf8');
const messageIdOf = (eml: string) => /^Message-ID:\s*(<[^>]+>)/im.exec(eml)?.[1];

describe('the run after a send that stopped before recording it', () => {
  it('records what went out as version 1 and sends nothing more when the figures are the same', async () => {
    const outDir = join(workspace.workDir, 'same');
    await interruptedRun(outDir);

    const rerun = await cli(outDir, 'rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(rerun.code).toBe(ExitCode.OK);
    expect(workspace.smtp.received).toEqual([]);
    const version = JSON.parse(await read(outDir, 'sent/v001/version.json'));
    const ledger = await new FileLedger(join(outDir, 'ledger')).list('hq-weekly', '2019-W48', 'hq');
    expect(version).toMatchObject({ version: 1, correction: false, recipients: 2 });
    expect(version.messageId).toBe(ledger[0]!.messageId);
    expect(messageIdOf(await read(outDir, 'sent/v001/message.eml'))).toBe(version.messageId);
  }, 60_000);

  it('after a late load, keeps what the first readers hold and says the figures changed (exit 4)', async () => {
    const outDir = join(workspace.workDir, 'changed');
    await interruptedRun(outDir);
    const before = await read(outDir, 'briefing.json');
    // One more CMCC port-out in W48: 3 become 4.
    await writePartition(workspace.lakeDir, 'port_requests', '2019-11-26', [w48Port('LATE1', hash('late'))], {
      fileName: 'part-late.parquet',
    });

    const rerun = await cli(outDir, 'rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(rerun.code).toBe(ExitCode.FIGURES_CHANGED);
    expect(rerun.stderr).toContain('figures changed since sent');
    expect(workspace.smtp.received).toEqual([]);
    expect(await read(outDir, 'briefing.json')).toBe(before);
    expect(JSON.parse(await read(outDir, 'sent/v001/briefing.json')).headline.portOuts).toBe(3);
    const draft = JSON.parse(
      await readFile(join(outDir, 'hq-weekly', 'drafts', '2019-W48', 'hq', 'briefing.json'), 'utf8'),
    );
    expect(draft.headline.portOuts).toBe(4);
  }, 60_000);
});
