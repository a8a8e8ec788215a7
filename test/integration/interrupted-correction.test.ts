// A resend (rerun --resend --reason) that stops mid-send has mailed its correction to some
// recipients and queued it for the rest, but not recorded it: that happens as each audience's
// delivery ends. The same command again used to mail a second correction, under another
// Message-ID, to those who had the first, and status showed no correction at all. Here the
// interrupted state is a whole resend without its sent/v002 folder, with one recipient's record
// put back to queued: what a resend killed between its two recipients leaves.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('interrupted-correction');
}, 60_000);

afterAll(() => workspace?.remove());

beforeEach(() => workspace.smtp.reset());

const PREFIX = ['hq-weekly', '2019-W48', 'hq'];
const PERIOD = ['--report', 'hq-weekly', '--period', '2019-W48'];
const REASON = 'late load of 29 Nov';
const cli = (outDir: string, ...args: string[]) => workspace.cli(outDir, ...args);
const versionOf = async (outDir: string, version: string) =>
  JSON.parse(await readFile(join(outDir, ...PREFIX, 'sent', version, 'version.json'), 'utf8'));
const sentVersions = async (outDir: string) => (await readdir(join(outDir, ...PREFIX, 'sent'))).sort();

/** W48 sent, then corrected with REASON; the correction stopped after its first recipient. Returns its Message-ID. */
async function interruptedResend(outDir: string): Promise<{ messageId: string; lacking: string }> {
  expect((await cli(outDir, 'run', ...PERIOD)).code).toBe(ExitCode.OK);
  expect((await cli(outDir, 'rerun', ...PERIOD, '--resend', '--reason', REASON)).code).toBe(ExitCode.OK);
  const messageId = (await versionOf(outDir, 'v002')).messageId as string;
  await rm(join(outDir, ...PREFIX, 'sent', 'v002'), { recursive: true });
  const ledger = new FileLedger(join(outDir, 'ledger'));
  const records = await ledger.list('hq-weekly', '2019-W48', 'hq');
  const lacking = records[1]!;
  expect(lacking).toMatchObject({ status: 'sent', correction: true, messageId });
  const queued = { ...lacking, status: 'queued' as const, version: lacking.version + 1 };
  expect(await ledger.replace(queued)).toBe(true);
  workspace.smtp.reset();
  return { messageId, lacking: lacking.recipient };
}

describe('the run after a correction that stopped mid-send', () => {
  it('the same resend again finishes it for the recipient who lacks it, under its Message-ID, and records it', async () => {
    const outDir = join(workspace.workDir, 'again');
    const { messageId, lacking } = await interruptedResend(outDir);

    const again = await cli(outDir, 'rerun', ...PERIOD, '--resend', '--reason', REASON);

    expect(again.code).toBe(ExitCode.OK);
    expect(workspace.smtp.received.map((mail) => mail.envelopeTo[0])).toEqual([lacking]);
    const mail = await parseMessage(workspace.smtp.received[0]!.raw);
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe('【更正】【携号转网周报】2019-W48');
    expect(await sentVersions(outDir)).toEqual(['v001', 'v002']);
    expect(await versionOf(outDir, 'v002')).toMatchObject({
      version: 2,
      correction: true,
      corrects: 1,
      reason: REASON,
      messageId,
      recipients: 1,
      runId: 'interrupted (recorded by a later run)',
    });
    const io = bufferIo();
    expect(await main(['status', '--out', outDir, ...PERIOD], io)).toBe(ExitCode.OK);
    // the first recipient got it from the stopped run, the second from this one (a completion)
    expect(io.stdout.join('\n')).toMatch(
      /hq-weekly 2019-W48 corrected \(v2\) \S+ to hq \(1 recipient\(s\)\) by run interrupted \(recorded by a later run\), why: late load of 29 Nov/,
    );
  }, 90_000);

  it('a plain rerun finishes it too; a resend for another reason is a new correction to everyone', async () => {
    const outDir = join(workspace.workDir, 'plain');
    const { messageId, lacking } = await interruptedResend(outDir);

    const rerun = await cli(outDir, 'rerun', ...PERIOD);

    expect(rerun.code).toBe(ExitCode.OK);
    expect(workspace.smtp.received.map((mail) => mail.envelopeTo[0])).toEqual([lacking]);
    expect((await parseMessage(workspace.smtp.received[0]!.raw)).messageId).toBe(messageId);
    workspace.smtp.reset();

    const other = await cli(outDir, 'rerun', ...PERIOD, '--resend', '--reason', 'the English text');

    expect(other.code).toBe(ExitCode.OK);
    expect(workspace.smtp.received).toHaveLength(2);
    expect(await sentVersions(outDir)).toEqual(['v001', 'v002', 'v003']);
    expect(await versionOf(outDir, 'v003')).toMatchObject({
      correction: true,
      corrects: 2,
      reason: 'the English text',
    });
  }, 90_000);
});
