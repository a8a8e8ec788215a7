// mnp-briefings run with delivery: the file transport by default, SMTP on request, a dry run,
// a resend, and exit code 3 when a recipient fails.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
import { type MailWorkspace, openMailWorkspace } from './mail-pipeline.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from './mail-smtp-server.ts';

let workspace: MailWorkspace;
let smtp: LoopbackSmtp;
const HQ = ['executive-office@example.com', 'strategy-office@example.com'];

beforeAll(async () => {
  workspace = await openMailWorkspace();
  smtp = await startLoopbackSmtp();
});

afterAll(async () => {
  await smtp?.close();
  await workspace?.remove();
});

beforeEach(() => smtp.reset());

async function run(out: string, ...extra: string[]) {
  const io = bufferIo();
  const args = [
    'run',
    '--report',
    'hq-weekly',
    '--period',
    '2019-W48',
    '--lake',
    workspace.lakeDir,
    '--out',
    join(workspace.root, out),
    '--recipients',
    resolve('config/recipients.json'),
    ...extra,
  ];
  const code = await main(args, io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('mnp-briefings run --transport smtp', () => {
  it('mails each headquarters recipient through the server, once over two runs', async () => {
    const first = await run('smtp', '--transport', 'smtp', '--smtp-url', smtp.url);
    const second = await run('smtp', '--transport', 'smtp', '--smtp-url', smtp.url);

    expect(first.code).toBe(ExitCode.OK);
    expect(first.stdout).toContain('delivery (smtp): 2 sent, 0 skipped, 0 failed');
    expect(second.code).toBe(ExitCode.OK);
    expect(second.stdout).toContain('delivery (smtp): 0 sent, 2 skipped, 0 failed');
    expect(smtp.received.map((mail) => mail.envelopeTo[0]).sort()).toEqual(HQ);
    expect((await parseMessage(smtp.received[0]!.raw)).subject).toBe('【携号转网周报】2019-W48');
  });

  it('exits with code 3 and names the recipient the server refused', async () => {
    smtp.refuse = (address) => (address === HQ[1] ? { code: 550, text: '5.1.1 mailbox unavailable' } : undefined);

    const result = await run('refused', '--transport', 'smtp', '--smtp-url', smtp.url);

    expect(result.code).toBe(ExitCode.DELIVERY_FAILED);
    expect(result.stdout).toMatch(/failed +strategy-office@example\.com: SMTP 550: .*mailbox unavailable/);
    expect(result.stderr).toMatch(
      /^mnp-briefings: hq-weekly 2019-W\d+: 1 recipient\(s\) not delivered: strategy-office@example\.com \(SMTP 550/m,
    );
    expect(smtp.received.map((mail) => mail.envelopeTo[0])).toEqual([HQ[0]]);
    const logLines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.join('\n')).toContain('s***@example.com');
    expect(logLines.join('\n')).not.toContain('strategy-office@');
  });

  it('asks for --smtp-url before doing any work', async () => {
    const result = await run('no-url', '--transport', 'smtp');

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stderr).toBe(
      'mnp-briefings: --smtp-url is needed with --transport smtp, e.g. --smtp-url smtp://127.0.0.1:2525',
    );
  });
});

describe('mnp-briefings run (file transport)', () => {
  it('writes message.eml beside the report and one .eml per recipient into its outbox', async () => {
    const result = await run('file');

    const folder = join(workspace.root, 'file', 'hq-weekly', '2019-W48', 'hq');
    expect(result.code).toBe(ExitCode.OK);
    expect(result.stdout).toContain('delivery (file): 2 sent, 0 skipped, 0 failed');
    expect(await exists(join(folder, 'message.eml'))).toBe(true);
    expect((await readdir(join(folder, 'outbox'))).sort()).toEqual(HQ.map((address) => `${address}.eml`));
    expect(await exists(join(workspace.root, 'file', 'ledger', 'hq-weekly', '2019-W48', 'hq', HQ[0]!))).toBe(true);
  });

  it('with --dry-run writes message.eml as a draft only: nothing in the archive, no outbox, no ledger', async () => {
    const result = await run('dry', '--dry-run');

    expect(result.code).toBe(ExitCode.OK);
    expect(result.stdout).toContain('delivery (file, dry run: nothing sent): 0 sent, 0 skipped, 0 failed, 2 to send');
    expect(await exists(join(workspace.root, 'dry', 'hq-weekly', 'drafts', '2019-W48', 'hq', 'message.eml'))).toBe(
      true,
    );
    expect(await exists(join(workspace.root, 'dry', 'hq-weekly', '2019-W48', 'hq', 'message.eml'))).toBe(false);
    expect(await exists(join(workspace.root, 'dry', 'hq-weekly', '2019-W48', 'hq', 'outbox'))).toBe(false);
    expect(await exists(join(workspace.root, 'dry', 'ledger'))).toBe(false);
  });

  it('with --resend sends a correction beside the first message', async () => {
    await run('resend');

    const result = await run('resend', '--resend', '--reason', 'a test of the correction');

    const outbox = join(workspace.root, 'resend', 'hq-weekly', '2019-W48', 'hq', 'outbox');
    expect(result.code).toBe(ExitCode.OK);
    expect(result.stdout).toContain('delivery (file, resend as correction): 2 sent');
    expect(result.stdout).toContain(`sent    ${HQ[0]} (correction)`);
    expect((await readdir(outbox)).sort()).toEqual([
      `${HQ[0]}.2.eml`,
      `${HQ[0]}.eml`,
      `${HQ[1]}.2.eml`,
      `${HQ[1]}.eml`,
    ]);
    expect((await parseMessage(await readFile(join(outbox, `${HQ[0]}.2.eml`)))).subject).toBe(
      '【更正】【携号转网周报】2019-W48',
    );
  });
});
