// A reader added to an audience after its briefing went out gets the same figures from the next
// run, and the archive keeps that message beside the version it completes: what was sent to
// each reader stays somewhere no later run rewrites (drafts/ is rewritten by every rerun).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { claimRecord, dispatchedRecord } from '#core/delivery-records.ts';
import { runCli } from '../support/run-cli.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('completions');
}, 60_000);

afterAll(() => workspace?.remove());

const VERSION_1 = 'hq-weekly/2019-W48/hq/sent/v001';
const NEW_READER = 'new-reader@example.com';
const NO_FLAGS = { correction: false, possibleDuplicate: false };

describe('a reader added after the send', () => {
  it('gets the version sent, kept as a completion of it; the version itself is not rewritten', async () => {
    const { smtp } = workspace;
    const outDir = join(workspace.workDir, 'out');
    const cli = (...args: string[]) => workspace.cli(outDir, ...args);
    const archived = (key: string) => readFile(join(outDir, ...key.split('/')));
    const first = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48');
    const versionBefore = await archived(`${VERSION_1}/version.json`);
    const config = JSON.parse(await readFile('config/recipients.json', 'utf8'));
    config.audiences.hq.to.push(NEW_READER);
    const widened = join(workspace.workDir, 'recipients.json');
    await writeFile(widened, JSON.stringify(config));
    smtp.reset();

    const rerun = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--recipients', widened);
    const again = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--recipients', widened);
    const status = await runCli(['status', '--out', outDir]);

    expect([first.code, rerun.code, again.code]).toEqual([ExitCode.OK, ExitCode.OK, ExitCode.OK]);
    expect(smtp.received.map((mail) => mail.envelopeTo[0])).toEqual([NEW_READER]);
    expect(await archived(`${VERSION_1}/version.json`)).toEqual(versionBefore);
    const folders = await readdir(join(outDir, ...VERSION_1.split('/'), 'completions'));
    expect(folders).toHaveLength(1);
    const completion = `${VERSION_1}/completions/${folders[0]}`;
    const kept = await parseMessage(await archived(`${completion}/message.eml`));
    const sentToTheReader = await parseMessage(smtp.received[0]!.raw);
    expect(kept.messageId).toBe(sentToTheReader.messageId);
    expect(kept.text).toBe(sentToTheReader.text);
    expect(JSON.parse((await archived(`${completion}/completion.json`)).toString())).toMatchObject({
      version: 1,
      recipients: 1,
      messageId: sentToTheReader.messageId,
    });
    expect(status.stdout).toMatch(
      /sent \(v1\) .* \(2 recipient\(s\)\) by run .*; later to 1 more recipient\(s\) who lacked it/,
    );
  });
});

describe('a reader whose send a stopped run may have made', () => {
  it('is completed flagged as a possible duplicate, and the lineage says so', async () => {
    const { smtp } = workspace;
    const outDir = join(workspace.workDir, 'out-duplicate');
    const cli = (...args: string[]) => workspace.cli(outDir, ...args);
    const first = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48');
    const config = JSON.parse(await readFile('config/recipients.json', 'utf8'));
    config.audiences.hq.to.push(NEW_READER);
    const widened = join(workspace.workDir, 'recipients-duplicate.json');
    await writeFile(widened, JSON.stringify(config));
    // A run killed after handing the new reader's message over: an expired claim, dispatched.
    const ledger = new FileLedger(join(outDir, 'ledger'));
    const key = { reportId: 'hq-weekly', periodId: '2019-W48', audience: 'hq', recipient: NEW_READER };
    const claim = claimRecord(
      key,
      undefined,
      '<killed@example.com>',
      NO_FLAGS,
      new Date(Date.now() - 3_600_000),
      60_000,
    );
    await ledger.create({ ...dispatchedRecord(claim, new Date(Date.now() - 3_599_000)), version: 1 });
    smtp.reset();

    const rerun = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--recipients', widened);
    const status = await runCli(['status', '--out', outDir, '--recipients-file', widened]);

    expect([first.code, rerun.code]).toEqual([ExitCode.OK, ExitCode.OK]);
    expect(smtp.received.map((mail) => mail.envelopeTo[0])).toEqual([NEW_READER]);
    expect((await parseMessage(smtp.received[0]!.raw)).headers.get('x-mnp-possible-duplicate')).toBe('yes');
    const folders = await readdir(join(outDir, ...VERSION_1.split('/'), 'completions'));
    const completion = await readFile(
      join(outDir, ...VERSION_1.split('/'), 'completions', folders[0]!, 'completion.json'),
    );
    expect(JSON.parse(completion.toString())).toMatchObject({ recipients: 1, possibleDuplicates: 1 });
    expect(status.stdout).toMatch(
      /later to 1 more recipient\(s\) who lacked it, 1 of them again, flagged as possible duplicates/,
    );
  });
});
