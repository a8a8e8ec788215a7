// What was sent stays what was sent, and a correction says what it corrects: the hand-made lake
// (2019-W48), the real CLI, the file ledger and an SMTP server on loopback. The late load adds
// one completed CMCC -> CUCC port in Guangdong on Friday 29 November (Beijing), so by hand:
//   CMCC port-outs 3 -> 4, net −1 -> −2; CUCC port-ins 1 -> 2, net −1 -> 0; CTCC unchanged;
//   completed ports 6 -> 7; headline port-out rate 3/1500 = 0.200% -> 4/1500 = 0.267% (three significant digits);
//   home port-ins (2), categories and reject reasons unchanged.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { hash } from '../fixtures/hand-made-lake.ts';
import { writePartition } from '../support/lake-writer.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
import { openSmtpLakeWorkspace, type SmtpLakeWorkspace } from './smtp-lake-workspace.ts';

let workspace: SmtpLakeWorkspace;
let outDir: string;

const HQ = ['executive-office@example.com', 'strategy-office@example.com'];
const PREFIX = 'hq-weekly/2019-W48/hq';
const DRAFT = 'hq-weekly/drafts/2019-W48/hq';

const cli = (...args: string[]) => workspace.cli(outDir, ...args);

const archived = (key: string) => readFile(join(outDir, ...key.split('/')), 'utf8');
const modelAt = async (key: string) =>
  JSON.parse(await archived(key)) as {
    generatedAt: string;
    flows: { totalCompleted: number };
    headline: { portOuts: number };
  };
const received = () => workspace.smtp.received.map((mail) => mail.envelopeTo[0]!).sort();

/** The late load: one more completed port, in a file of its own beside the partition's first. */
async function lateLoad(): Promise<void> {
  await writePartition(
    workspace.lakeDir,
    'port_requests',
    '2019-11-29',
    [
      {
        port_id: 'P20',
        msisdn_hash: hash('late-p20'),
        province_code: '44',
        donor_operator: 'CMCC',
        recipient_operator: 'CUCC',
        status: 'completed',
        reject_reason: null,
        requested_at: '2019-11-29 02:00:00',
        completed_at: '2019-11-29 05:00:00',
        updated_at: '2019-11-29 05:00:00',
        channel: 'store',
        tenure_months: 36,
        plan_code: 'CMCC-58',
        monthly_fee_cny: 58,
      },
    ],
    { fileName: 'part-late.parquet' },
  );
}

beforeAll(async () => {
  workspace = await openSmtpLakeWorkspace('corrections');
  outDir = join(workspace.workDir, 'out');
}, 60_000);

afterAll(() => workspace?.remove());

beforeEach(() => workspace.smtp.reset());

// The steps build on each other, as an operator's day does.
describe('what was sent stays what was sent', () => {
  it('records the first send as version 1 of the archive', async () => {
    const run = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(run.code).toBe(ExitCode.OK);
    expect(received()).toEqual(HQ);
    const version = JSON.parse(await archived(`${PREFIX}/sent/v001/version.json`));
    expect(version).toMatchObject({ version: 1, correction: false, recipients: 2, dataIncomplete: false });
    expect((await modelAt(`${PREFIX}/sent/v001/briefing.json`)).headline.portOuts).toBe(3);
    expect(await archived(`${PREFIX}/sent/v001/message.eml`)).toContain('Message-ID');
  });

  it('keeps the sent archive byte for byte through a dry run and a rerun, which render as drafts', async () => {
    const before = await Promise.all(
      ['briefing.json', 'briefing.html', 'message.eml'].map((name) => archived(`${PREFIX}/${name}`)),
    );

    const dryRun = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--dry-run');
    const rerun = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(dryRun.code).toBe(ExitCode.OK);
    // a dry run records nothing and says what state the period is in, not a state of its own
    expect(dryRun.stdout).toContain('dry run: drafts only, nothing sent or recorded; the period stays delivered');
    expect(rerun.code).toBe(ExitCode.OK);
    expect(received()).toEqual([]);
    const after = await Promise.all(
      ['briefing.json', 'briefing.html', 'message.eml'].map((name) => archived(`${PREFIX}/${name}`)),
    );
    expect(after).toEqual(before);
    expect((await modelAt(`${DRAFT}/briefing.json`)).generatedAt).not.toBe(
      (await modelAt(`${PREFIX}/briefing.json`)).generatedAt,
    );
  });

  it('after a late load, a rerun sends nothing and says in one line that the figures changed (exit 4)', async () => {
    await lateLoad();
    const before = await archived(`${PREFIX}/briefing.json`);

    const rerun = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48');

    expect(rerun.code).toBe(ExitCode.FIGURES_CHANGED);
    expect(received()).toEqual([]);
    const sentAt = JSON.parse(await archived(`${PREFIX}/sent/v001/version.json`)).sentAt.replace(/\.\d{3}Z$/, 'Z');
    expect(rerun.stderr).toBe(
      `mnp-briefings: hq-weekly 2019-W48 (hq): figures changed since sent on ${sentAt}: use \`rerun --resend --reason …\``,
    );
    expect(await archived(`${PREFIX}/briefing.json`)).toBe(before);
    expect((await modelAt(`${DRAFT}/briefing.json`)).headline.portOuts).toBe(4);
  });

  it('a run with --no-deliver drafts too, says the figures changed (exit 4) and leaves the period delivered', async () => {
    const statusOf = async () =>
      JSON.parse(await archived('runs/hq-weekly/2019-W48/status.json')) as { state: string; message: string };
    expect((await statusOf()).state).toBe('delivered');

    const draft = await cli('run', '--report', 'hq-weekly', '--period', '2019-W48', '--no-deliver');

    expect(draft.code).toBe(ExitCode.FIGURES_CHANGED);
    expect(draft.stderr).toContain('hq-weekly 2019-W48 (hq): figures changed since sent on');
    expect(draft.stdout).toMatch(/run state: delivered \(.*drafted without delivery \(--no-deliver\)/);
    expect(received()).toEqual([]);
    const status = await statusOf();
    expect(status.state).toBe('delivered');
    expect(status.message).toContain('drafted without delivery (--no-deliver)');
    expect(status.message).toContain('figures changed since sent');
  });
});

describe('a correction', () => {
  it('is refused without a reason, before anything runs', async () => {
    const resend = await cli('rerun', '--report', 'hq-weekly', '--period', '2019-W48', '--resend');

    expect(resend.code).toBe(ExitCode.USAGE);
    expect(resend.stderr).toContain('--reason is required with --resend');
    expect(received()).toEqual([]);
  });

  it('is refused with a blank reason, a reason without --resend, or with --no-deliver', async () => {
    const rerun = ['rerun', '--report', 'hq-weekly', '--period', '2019-W48'];
    const blank = await cli(...rerun, '--resend', '--reason', '   ');
    const reasonAlone = await cli(...rerun, '--reason', 'late load');
    const notDelivered = await cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--no-deliver',
      '--resend',
      '--reason',
      'x',
    );

    expect([blank.code, reasonAlone.code, notDelivered.code]).toEqual([ExitCode.USAGE, ExitCode.USAGE, ExitCode.USAGE]);
    expect(blank.stderr).toContain('--reason is empty: say why the correction is sent');
    expect(reasonAlone.stderr).toContain('--reason goes with --resend');
    expect(notDelivered.stderr).toContain('--resend sends a correction; --no-deliver sends nothing');
    expect(received()).toEqual([]);
  });

  it('puts its reason and the changed figures, old -> new, at the top of both parts', async () => {
    const resend = await cli(
      'rerun',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--resend',
      '--reason',
      '29 Nov port requests loaded late',
    );

    expect(resend.code).toBe(ExitCode.OK);
    expect(received()).toEqual(HQ);
    const mail = await parseMessage(workspace.smtp.received[0]!.raw);
    const notice = mail.text!.slice(0, mail.text!.indexOf('='.repeat(64)));
    expect(notice).toContain('更正原因：29 Nov port requests loaded late');
    const rows = notice.split('\n').filter((line) => line.startsWith('  '));
    expect(rows).toEqual([
      '  净流量：−1 → −2',
      '  携出：3 → 4',
      '  携出率：0.200% → 0.267%',
      '  全部运营商完成携转量：6 → 7',
      '  中国移动：携出：3 → 4',
      '  中国移动：净流量：−1 → −2',
      '  中国联通：携入：1 → 2',
      '  中国联通：净流量：−1 → 0',
    ]);
    const html = String(mail.html);
    expect(html.indexOf('29 Nov port requests loaded late')).toBeLessThan(html.indexOf('本期要点'));
    expect(html).toMatch(/<th scope="row"[^>]*>全部运营商完成携转量<\/th><td[^>]*>6<\/td><td[^>]*>7<\/td>/);
  });

  it('becomes version 2 and the current view, while version 1 stays as it went out', async () => {
    const versions = await Promise.all(
      ['v001', 'v002'].map(async (v) => JSON.parse(await archived(`${PREFIX}/sent/${v}/version.json`))),
    );

    expect(versions[1]).toMatchObject({
      version: 2,
      correction: true,
      corrects: 1,
      reason: '29 Nov port requests loaded late',
      recipients: 2,
    });
    expect((await modelAt(`${PREFIX}/sent/v001/briefing.json`)).flows.totalCompleted).toBe(6);
    expect((await modelAt(`${PREFIX}/sent/v002/briefing.json`)).flows.totalCompleted).toBe(7);
    expect((await modelAt(`${PREFIX}/briefing.json`)).flows.totalCompleted).toBe(7);
    const ledger = await new FileLedger(join(outDir, 'ledger')).list('hq-weekly', '2019-W48', 'hq');
    expect(ledger.map((record) => [record.status, record.correction, record.reason])).toEqual([
      ['sent', true, '29 Nov port requests loaded late'],
      ['sent', true, '29 Nov port requests loaded late'],
    ]);
    const journal = JSON.parse(await archived('runs/hq-weekly/2019-W48/status.json'));
    expect(journal.corrections).toEqual([
      {
        at: expect.any(String),
        reason: '29 Nov port requests loaded late',
        runId: versions[1].runId,
        audiences: ['hq'],
      },
    ]);
  });

  it('says plainly, in English too, that no figure changed when none did', async () => {
    const resend = await cli(
      'rerun',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W48',
      '--resend',
      '--reason',
      'recipients asked for the English text',
      '--locale',
      'en',
    );

    expect(resend.code).toBe(ExitCode.OK);
    const mail = await parseMessage(workspace.smtp.received[0]!.raw);
    const notice = mail.text!.slice(0, mail.text!.indexOf('='.repeat(64)));
    expect(notice).toContain('Why: recipients asked for the English text');
    // the mail it corrects went out in Chinese: quoted by the subject its readers have
    expect(notice).toContain('This mail corrects the “【携号转网周报】2019-W48” sent on');
    expect(mail.subject).toBe('[Correction] MNP weekly briefing 2019-W48');
    expect(notice).toMatch(/No figure in the summary changed since the mail of .+\./);
    expect(notice.split('\n').filter((line) => line.startsWith('  '))).toEqual([]);
    expect(String(mail.html)).not.toContain('<table class="data" style="border-collapse');
  });
});

describe('status', () => {
  it('shows the correction lineage of the period: sent, corrected when, why, by which run', async () => {
    const io = bufferIo();
    const code = await main(['status', '--out', outDir, '--report', 'hq-weekly', '--period', '2019-W48'], io);
    const versions = await Promise.all(
      ['v001', 'v002', 'v003'].map(async (v) => JSON.parse(await archived(`${PREFIX}/sent/${v}/version.json`))),
    );

    expect(code).toBe(ExitCode.OK);
    const stamp = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');
    const lineage = io.stdout.join('\n').split('\n').slice(-4);
    expect(lineage).toEqual([
      'sent and corrected:',
      `  hq-weekly 2019-W48 sent (v1) ${stamp(versions[0].sentAt)} to hq (2 recipient(s)) by run ${versions[0].runId}`,
      `  hq-weekly 2019-W48 corrected (v2) ${stamp(versions[1].sentAt)} to hq (2 recipient(s)) by run ${versions[1].runId}, why: 29 Nov port requests loaded late`,
      `  hq-weekly 2019-W48 corrected (v3) ${stamp(versions[2].sentAt)} to hq (2 recipient(s)) by run ${versions[2].runId}, why: recipients asked for the English text`,
    ]);
  });
});
