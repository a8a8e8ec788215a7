// The operations commands on a real lake, the real CLI and a real SMTP server on loopback:
// rerun after a partial failure, the hold for a missing _SUCCESS marker, a resumable backfill,
// status in a table and in JSON, and a preview that sends nothing.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { parseMessage } from '../unit/delivery-fixtures.ts';
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
const recipientsReceived = () => smtp.received.map((mail) => mail.envelopeTo[0]!).sort();
const countOf = (addresses: readonly string[]) =>
  addresses.reduce((counts, address) => counts.set(address, (counts.get(address) ?? 0) + 1), new Map<string, number>());

/** Every province's recipients, from the configuration the runs use. */
async function provinceRecipients(): Promise<string[]> {
  const config = JSON.parse(await readFile('config/recipients.json', 'utf8')) as {
    audiences: Record<string, { to: string[] }>;
  };
  return Object.entries(config.audiences)
    .filter(([audience]) => audience !== 'hq')
    .flatMap(([, audience]) => audience.to.map((to) => to.toLowerCase()))
    .sort();
}

/** Hides a partition's _SUCCESS marker; the returned function puts it back ("the marker lands"). */
async function withoutMarker(table: string, partition: string): Promise<() => Promise<void>> {
  const marker = join(workspace.lakeDir, table, partition, '_SUCCESS');
  await rename(marker, `${marker}.hidden`);
  return () => rename(`${marker}.hidden`, marker);
}

describe('mnp-briefings rerun', () => {
  it('after a partial failure delivers exactly the recipients that were missing, once each', async () => {
    const everyone = await provinceRecipients();
    const refused = [everyone[3]!, everyone[40]!];
    smtp.refuse = (address) =>
      refused.includes(address.toLowerCase()) ? { code: 550, text: '5.1.1 mailbox unavailable' } : undefined;

    const first = await workspace.cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--out',
      out('rerun'),
      ...viaSmtp(),
    );
    const firstReceived = recipientsReceived();
    smtp.reset();
    const rerun = await workspace.cli(
      'rerun',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--out',
      out('rerun'),
      ...viaSmtp(),
    );
    const status = JSON.parse(
      (await workspace.cli('status', '--out', out('rerun'), '--report', 'province-monthly', '--json')).stdout,
    );

    expect(first.code).toBe(ExitCode.DELIVERY_FAILED);
    expect(firstReceived).toEqual(everyone.filter((address) => !refused.includes(address)));
    expect(rerun.code).toBe(ExitCode.OK);
    expect(recipientsReceived()).toEqual([...refused].sort());
    expect(rerun.stdout).toContain(`delivery (smtp): 2 sent, ${everyone.length - 2} skipped, 0 failed`);
    expect([...countOf([...firstReceived, ...recipientsReceived()]).values()].every((count) => count === 1)).toBe(true);
    expect(status.runs[0]).toMatchObject({
      reportId: 'province-monthly',
      periodId: '2019-12',
      state: 'delivered',
      attempts: 2,
    });
    const retried = status.runs[0].deliveries.filter((delivery: { recipient: string }) =>
      refused.includes(delivery.recipient),
    );
    expect(
      retried.map((delivery: { status: string; attempts: number }) => [delivery.status, delivery.attempts]),
    ).toEqual([
      ['sent', 2],
      ['sent', 2],
    ]);
    // Two provincial runs of 31 reports each: over a minute on a loaded 2-core machine.
  }, 180_000);

  it('with --audience and --resend sends a correction to that audience only', async () => {
    await workspace.cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--out',
      out('resend'),
      ...viaSmtp(),
    );
    smtp.received.length = 0;

    const resend = await workspace.cli(
      'rerun',
      '--report',
      'province-monthly',
      '--period',
      '2019-11',
      '--audience',
      '44',
      '--resend',
      '--reason',
      'late load',
      '--out',
      out('resend'),
      ...viaSmtp(),
    );

    expect(resend.code).toBe(ExitCode.OK);
    expect(recipientsReceived()).toEqual(['branch-44-cx@example.com', 'branch-44-manager@example.com'].sort());
    const subjects = await Promise.all(smtp.received.map(async (mail) => (await parseMessage(mail.raw)).subject));
    expect(subjects).toEqual([
      '【更正】【携号转网月度指导】广东省 2019-11',
      '【更正】【携号转网月度指导】广东省 2019-11',
    ]);
    // The lineage of one audience: its first send (with the 30 others) and its correction.
    const status = await workspace.cli('status', '--out', out('resend'), '--audience', '44');
    const lineage = status.stdout.slice(status.stdout.indexOf('sent and corrected:')).split('\n');
    expect(lineage).toHaveLength(3);
    expect(lineage[1]).toMatch(/sent \(v1\) .* to 44 \(2 recipient\(s\)\)/);
    expect(lineage[2]).toMatch(/corrected \(v2\) .* to 44 \(2 recipient\(s\)\) .*, why: late load/);
  });
});

describe('a report whose _SUCCESS marker is missing', () => {
  it('is held (exit 75, nothing sent, visible in status), then runs once the marker lands', async () => {
    const restore = await withoutMarker('port_requests', 'dt=2019-12-10');

    const held = await workspace.cli(
      'run',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--out',
      out('hold'),
    );
    const heldStatus = JSON.parse((await workspace.cli('status', '--out', out('hold'), '--json')).stdout);
    const heldOutbox = await workspace.outboxFiles(out('hold'));
    await restore();
    const ran = await workspace.cli('run', '--report', 'province-monthly', '--period', '2019-12', '--out', out('hold'));
    const ranStatus = JSON.parse((await workspace.cli('status', '--out', out('hold'), '--json')).stdout);

    expect(held.code).toBe(ExitCode.HELD);
    expect(held.stdout).toContain('held, nothing sent');
    expect(held.stdout).toContain('port_requests/dt=2019-12-10');
    expect(heldOutbox).toEqual([]);
    expect(heldStatus.runs).toMatchObject([
      { state: 'held', partitionsMissing: ['port_requests/dt=2019-12-10'], deliveries: [] },
    ]);
    expect(ran.code).toBe(ExitCode.OK);
    expect(ranStatus.runs[0]).toMatchObject({ state: 'delivered', attempts: 2, partitionsMissing: [] });
    expect(await workspace.outboxFiles(out('hold'))).toHaveLength(62);
  });

  it('goes out with the "data incomplete" banner once the weekly grace window has closed', async () => {
    const restore = await withoutMarker('port_requests', 'dt=2019-12-17');
    try {
      const held = await workspace.cli('run', '--report', 'hq-weekly', '--period', '2019-W51', '--out', out('grace'));
      // Seven hours later, past the weekly report's 6 h grace window.
      const statusFile = join(out('grace'), 'runs/hq-weekly/2019-W51/status.json');
      const status = JSON.parse(await readFile(statusFile, 'utf8'));
      await writeFile(
        statusFile,
        JSON.stringify({ ...status, firstAttemptAt: new Date(Date.now() - 7 * 3_600_000).toISOString() }),
      );
      const late = await workspace.cli('run', '--report', 'hq-weekly', '--period', '2019-W51', '--out', out('grace'));
      const briefing = JSON.parse(await readFile(join(out('grace'), 'hq-weekly/2019-W51/hq/briefing.json'), 'utf8'));

      expect(held.code).toBe(ExitCode.HELD);
      expect(late.code).toBe(ExitCode.OK);
      expect(briefing.dataQuality.partitionsMissing).toEqual(['port_requests/dt=2019-12-17']);
      expect(await readFile(join(out('grace'), 'hq-weekly/2019-W51/hq/briefing.html'), 'utf8')).toMatch(
        /数据不完整|data incomplete/i,
      );
    } finally {
      await restore();
    }
  });

  it('stays held after the provincial grace window unless --allow-incomplete', async () => {
    const restore = await withoutMarker('port_requests', 'dt=2019-11-20');
    try {
      await workspace.cli(
        'run',
        '--report',
        'province-monthly',
        '--period',
        '2019-11',
        '--audience',
        '44',
        '--out',
        out('stay'),
      );
      const statusFile = join(out('stay'), 'runs/province-monthly/2019-11/status.json');
      const status = JSON.parse(await readFile(statusFile, 'utf8'));
      await writeFile(
        statusFile,
        JSON.stringify({ ...status, firstAttemptAt: new Date(Date.now() - 49 * 3_600_000).toISOString() }),
      );
      const stays = await workspace.cli(
        'run',
        '--report',
        'province-monthly',
        '--period',
        '2019-11',
        '--audience',
        '44',
        '--out',
        out('stay'),
        '--json',
      );
      const forced = await workspace.cli(
        'run',
        '--report',
        'province-monthly',
        '--period',
        '2019-11',
        '--audience',
        '44',
        '--out',
        out('stay'),
        '--allow-incomplete',
      );

      expect(stays.code).toBe(ExitCode.HELD);
      expect(JSON.parse(stays.stdout)).toMatchObject({
        state: 'held',
        partitionsMissing: ['port_requests/dt=2019-11-20'],
      });
      expect(JSON.parse(stays.stdout).retryAt).toBeUndefined();
      expect(forced.code).toBe(ExitCode.OK);
      expect(await workspace.outboxFiles(out('stay'))).toHaveLength(2);
    } finally {
      await restore();
    }
  });
});

describe('mnp-briefings backfill', () => {
  it('exits 1 on Ctrl-C between two sends of a period, naming what it left unsent, and the same command finishes it', async () => {
    const args = ['backfill', '--report', 'hq-weekly', '--from', '2019-W48', '--to', '2019-W49', '--send'];
    let interrupted = false;
    // Ctrl-C as the first message is addressed: the rate limit holds the second back
    smtp.refuse = () => {
      if (!interrupted) process.emit('SIGINT');
      interrupted = true;
      return undefined;
    };
    const io = bufferIo();
    const code = await main(
      [
        ...args,
        '--out',
        out('ctrl-c-send'),
        '--lake',
        workspace.lakeDir,
        '--recipients',
        resolve('config/recipients.json'),
        '--transport',
        'smtp',
        '--smtp-url',
        smtp.url,
        '--rate',
        '1',
      ],
      io,
    );

    expect(code).toBe(ExitCode.FAILED);
    expect(io.stderr.at(-1)).toBe(
      'mnp-briefings: backfill: interrupted: 1 period(s) not started, and recipients of 2019-W48 not delivered; run the same command again to resume',
    );
    expect(smtp.received).toHaveLength(1);
    const resumed = await workspace.cli(...args, '--out', out('ctrl-c-send'), ...viaSmtp());
    expect(resumed.code).toBe(ExitCode.OK);
    expect(recipientsReceived()).toEqual(
      [
        'executive-office@example.com',
        'strategy-office@example.com',
        'executive-office@example.com',
        'strategy-office@example.com',
      ].sort(),
    );
  });

  it('stops after the period in progress on Ctrl-C, says what it did not start, and exits 1', async () => {
    const listeners = process.listenerCount('SIGINT');
    const io = bufferIo();
    const err = io.err;
    // Ctrl-C as the first period ends: between sends, while the next one would start its queries.
    io.err = (line) => {
      err(line);
      if (line.startsWith('backfill 1/4')) process.emit('SIGINT');
    };
    const args = [
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W48',
      '--to',
      '2019-W51',
      '--out',
      out('ctrl-c'),
    ];
    const code = await main(
      [...args, '--lake', workspace.lakeDir, '--recipients', resolve('config/recipients.json')],
      io,
    );
    const resumed = await workspace.cli(...args);

    expect(code).toBe(ExitCode.FAILED);
    expect(io.stderr).toContain(
      'mnp-briefings: interrupted: finishing the period in progress, starting no other (Ctrl-C again quits at once)',
    );
    expect(io.stdout.join('\n')).toContain(
      'note: backfill interrupted during 2019-W48: the 3 period(s) after it were not started; the same command resumes',
    );
    expect(io.stderr.at(-1)).toBe(
      'mnp-briefings: backfill: interrupted: 3 period(s) not started; run the same command again to resume',
    );
    expect(process.listenerCount('SIGINT')).toBe(listeners);
    expect(resumed.code).toBe(ExitCode.OK);
    expect(resumed.stdout).toContain('4 period(s): 3 ran, 1 skipped as done, 0 started, 0 failed');
  });

  it('runs oldest first, and a second call after an interruption resumes without resending', async () => {
    // The last week's data is late: the weeks before it go out, it waits (its trend spans them all).
    const restore = await withoutMarker('port_requests', 'dt=2019-12-18');
    const range = [
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W48',
      '--to',
      '2019-W51',
      '--send',
      '--out',
      out('backfill'),
      ...viaSmtp(),
    ];

    const interrupted = await workspace.cli(...range, '--json');
    const firstReceived = smtp.received.map(
      (mail) => `${mail.envelopeTo[0]} ${/Subject: (.*)/.exec(mail.raw.toString('utf8'))?.[1]}`,
    );
    await restore();
    const resumed = await workspace.cli(...range);

    const periods = JSON.parse(interrupted.stdout).periods as { period: string; state: string; sent: number }[];
    expect(interrupted.code).toBe(ExitCode.HELD);
    expect(periods.map((row) => [row.period, row.state, row.sent])).toEqual([
      ['2019-W48', 'delivered', 2],
      ['2019-W49', 'delivered', 2],
      ['2019-W50', 'delivered', 2],
      ['2019-W51', 'held', 0],
    ]);
    expect(interrupted.stderr).toContain('backfill 4/4 2019-W51 held');
    expect(resumed.code).toBe(ExitCode.OK);
    expect(resumed.stdout).toMatch(/2019-W48 +│ skipped/);
    expect(resumed.stdout).toMatch(/2019-W50 +│ skipped/);
    expect(resumed.stdout).toMatch(/2019-W51 +│ ran +│ delivered/);
    expect(resumed.stdout).toContain('4 period(s): 1 ran, 3 skipped as done, 0 started, 0 failed');
    expect(firstReceived).toHaveLength(6);
    // Over both calls: each headquarters recipient got each of the four weeks exactly once.
    expect(smtp.received).toHaveLength(8);
    expect(
      [
        ...countOf(
          smtp.received.map(
            (mail) => `${mail.envelopeTo[0]} ${mail.raw.toString('utf8').match(/Message-ID: (.*)/i)?.[1]}`,
          ),
        ).values(),
      ].every((count) => count === 1),
    ).toBe(true);
  });

  it('without --send archives only, and refuses a range that runs backwards', async () => {
    const archived = await workspace.cli(
      'backfill',
      '--report',
      'province-monthly',
      '--from',
      '2019-11',
      '--to',
      '2019-12',
      '--out',
      out('archive-only'),
    );
    const backwards = await workspace.cli(
      'backfill',
      '--report',
      'province-monthly',
      '--from',
      '2019-12',
      '--to',
      '2019-11',
      '--out',
      out('archive-only'),
    );

    expect(archived.code).toBe(ExitCode.OK);
    expect(archived.stdout).toContain('2 period(s): 2 ran');
    expect(await workspace.outboxFiles(out('archive-only'))).toEqual([]);
    expect(await readFile(join(out('archive-only'), 'province-monthly/2019-11/44/briefing.html'), 'utf8')).toContain(
      '<html',
    );
    expect(backwards.code).toBe(ExitCode.USAGE);
    expect(backwards.stderr).toMatch(/2019-12 comes after 2019-11/);
  });
});

describe('mnp-briefings status', () => {
  it('shows each run and each delivery with its failure reason, as a table and as JSON', async () => {
    smtp.refuse = (address) =>
      address === 'strategy-office@example.com' ? { code: 550, text: '5.1.1 no such mailbox' } : undefined;
    await workspace.cli('run', '--report', 'hq-weekly', '--period', '2019-W50', '--out', out('status'), ...viaSmtp());

    const table = await workspace.cli('status', '--out', out('status'), '--recipients');
    const summary = await workspace.cli('status', '--out', out('status'));
    const json = JSON.parse((await workspace.cli('status', '--out', out('status'), '--json')).stdout);

    expect(table.code).toBe(ExitCode.OK);
    expect(table.stdout).toMatch(/hq-weekly +│ 2019-W50 +│ delivery-failed/);
    expect(table.stdout).toMatch(/strategy-office@example\.com +│ failed +│ 1 .*SMTP 550/);
    expect(table.stdout).toMatch(
      /executive-office@example\.com +│ sent +│ 1 +│ \S+ +│ <hq-weekly\.2019-W50\.hq\.[0-9a-f]{16}@/,
    );
    expect(table.stdout).toContain('1 run(s); deliveries: 1 sent, 1 failed');
    // By default one line per period: 1 sent, 1 not delivered, nothing in flight, 1 attempt.
    expect(summary.stdout).toMatch(/hq-weekly +│ 2019-W50 +│ delivery-failed +│ 1 +│ 1 +│ 0 +│ 1 +│/);
    expect(summary.stdout).not.toContain('executive-office@example.com');
    expect(json.runs).toHaveLength(1);
    expect(json.runs[0]).toMatchObject({
      reportId: 'hq-weekly',
      periodId: '2019-W50',
      state: 'delivery-failed',
      message: expect.stringMatching(/^1 of 2 recipient\(s\) sent; not delivered to hq/),
    });
    expect(json.runs[0].deliveries).toMatchObject([
      { audience: 'hq', recipient: 'executive-office@example.com', status: 'sent', attempts: 1 },
      {
        audience: 'hq',
        recipient: 'strategy-office@example.com',
        status: 'failed',
        attempts: 1,
        reason: expect.stringContaining('550'),
      },
    ]);
  });

  const backfillW50WithoutSend = () =>
    workspace.cli(
      'backfill',
      '--report',
      'hq-weekly',
      '--from',
      '2019-W50',
      '--to',
      '2019-W50',
      '--out',
      out('status'),
    );

  it('lets a backfill without --send pass over a period whose delivery is incomplete, which it cannot resume', async () => {
    // W50 of out('status') went to one of two recipients (the test before this one).
    const backfill = await backfillW50WithoutSend();

    expect(backfill.code).toBe(ExitCode.OK);
    expect(backfill.stdout).toMatch(/2019-W50 +│ skipped +│ delivery-failed/);
  });

  it('lets a backfill without --send run such a period again without taking its state for a failure of its own', async () => {
    // A later attempt at W50 failed (the journal says so), so the backfill runs it; it sends nothing
    // and names the state the period's deliveries give.
    const statusFile = join(out('status'), 'runs/hq-weekly/2019-W50/status.json');
    const recorded = await readFile(statusFile, 'utf8');
    await writeFile(statusFile, JSON.stringify({ ...JSON.parse(recorded), state: 'failed' }));
    try {
      const backfill = await backfillW50WithoutSend();

      expect(backfill.stderr).not.toContain('not delivered');
      expect(backfill.code).toBe(ExitCode.OK);
      expect(backfill.stdout).toMatch(/2019-W50 +│ ran +│ delivery-failed/);
    } finally {
      await writeFile(statusFile, recorded);
    }
  });

  it('says so when nothing ran yet', async () => {
    const empty = await workspace.cli('status', '--out', out('never'));

    expect(empty.code).toBe(ExitCode.OK);
    expect(empty.stdout).toBe('no runs recorded yet');
  });

  it('refuses a period or audience that cannot exist, rather than saying nothing ran', async () => {
    await workspace.cli(
      'run',
      '--report',
      'hq-weekly',
      '--period',
      '2019-W50',
      '--out',
      out('filtered'),
      '--no-deliver',
    );

    const typo = await workspace.cli('status', '--out', out('filtered'), '--period', '2019-w50');
    const wrongKind = await workspace.cli(
      'status',
      '--out',
      out('filtered'),
      '--report',
      'hq-weekly',
      '--period',
      '2019-12',
    );
    const noSuchAudience = await workspace.cli('status', '--out', out('filtered'), '--audience', '99');
    const none = await workspace.cli('status', '--out', out('filtered'), '--period', '2019-W51');
    const found = await workspace.cli('status', '--out', out('filtered'), '--period', '2019-W50');

    expect([typo.code, wrongKind.code, noSuchAudience.code]).toEqual([ExitCode.USAGE, ExitCode.USAGE, ExitCode.USAGE]);
    expect(typo.stderr).toContain('"2019-w50" is not a period');
    expect(wrongKind.stderr).toContain('hq-weekly is a weekly report');
    expect(noSuchAudience.stderr).toContain('--audience 99');
    expect(none.code).toBe(ExitCode.OK);
    expect(none.stdout).toBe('no run recorded for 2019-W51');
    expect(found.stdout).toContain('1 run(s)');
  });
});

describe('mnp-briefings preview', () => {
  it('renders the report and its message into a folder of its own and sends nothing', async () => {
    const preview = await workspace.cli(
      'preview',
      '--report',
      'province-monthly',
      '--period',
      '2019-12',
      '--audience',
      '44',
      '--out',
      out('preview'),
      '--json',
    );
    const printed = JSON.parse(preview.stdout);

    expect(preview.code).toBe(ExitCode.OK);
    expect(printed.reports).toHaveLength(1);
    expect(printed.reports[0]).toMatchObject({ audience: '44', locale: 'zh-CN' });
    expect(printed.reports[0].html.startsWith(join(out('preview'), 'preview', 'province-monthly'))).toBe(true);
    expect(await readFile(printed.reports[0].html, 'utf8')).toContain('<html');
    expect((await readFile(printed.reports[0].message, 'utf8')).length).toBeGreaterThan(1000);
    expect(await workspace.outboxFiles(out('preview'))).toEqual([]);
    expect(JSON.parse((await workspace.cli('status', '--out', out('preview'), '--json')).stdout).runs).toEqual([]);
  });

  it('leaves what was sent alone when --out names the archive', async () => {
    const archive = out('sent-then-preview');
    const period = ['--report', 'province-monthly', '--period', '2019-12', '--audience', '44', '--out', archive];
    expect((await workspace.cli('run', ...period)).code).toBe(ExitCode.OK);
    const sentPage = join(archive, 'province-monthly', '2019-12', '44', 'briefing.json');
    const sent = { bytes: await readFile(sentPage, 'utf8'), modified: (await stat(sentPage)).mtimeMs };

    const preview = await workspace.cli('preview', ...period, '--json');

    expect(preview.code).toBe(ExitCode.OK);
    expect(JSON.parse(preview.stdout).reports[0].json).toBe(
      join(archive, 'preview', 'province-monthly', '2019-12', '44', 'briefing.json'),
    );
    expect(await readFile(sentPage, 'utf8')).toBe(sent.bytes);
    expect((await stat(sentPage)).mtimeMs).toBe(sent.modified);
  });
});
