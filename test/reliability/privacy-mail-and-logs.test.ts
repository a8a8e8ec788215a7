// Privacy, decoded: subscriber hashes and exit-survey free text never appear in any output, any
// log line or any email, and log lines never carry a full email address. This extends
// test/integration/privacy.test.ts, which scans the raw bytes of the files a run writes: here
// every .eml is decoded part by part (base64, quoted-printable, encoded headers), the canary
// hash also reaches the value-mirror join and a port request, and a run through SMTP has a
// recipient refused with a reply that quotes the address, so that error lines are logged too.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { exitReasons, hash, portRequests, usageMonthly, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type LoopbackSmtp, startLoopbackSmtp } from '../integration/mail-smtp-server.ts';
import { writePartition } from '../support/lake-writer.ts';
import { findLeaks, type ScannedPlace, scanOutputs } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const CANARY_VERBATIM = 'CANARY-VERBATIM 请回电 13912345678 张三';
const CANARY_HASH = 'feedface'.repeat(8);
const REFUSED = 'strategy-office@example.com';

const tally = createTally('privacy');
let root: string;
let smtp: LoopbackSmtp;
let places: ScannedPlace[];
let mails: number;
let stdout: string[];
let stderr: string[];
let logLines: Record<string, unknown>[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-privacy-decoded-'));
  const lakeDir = join(root, 'lake');
  await writeHandMadeLake(lakeDir);
  // The canary hash leaves China Mobile in W48 (a port request), answered an exit survey in its
  // own words, and has usage rows that the value mirror joins on.
  await writePartition(
    lakeDir,
    'port_requests',
    '2019-11-26',
    [
      {
        port_id: 'CANARY-P',
        msisdn_hash: CANARY_HASH,
        province_code: '44',
        donor_operator: 'CMCC',
        recipient_operator: 'CUCC',
        status: 'completed',
        reject_reason: null,
        requested_at: '2019-11-26 02:00:00',
        completed_at: '2019-11-27 02:00:00',
        channel: 'app',
        tenure_months: 40,
        plan_code: 'CMCC-128',
        monthly_fee_cny: 128,
        updated_at: '2019-11-27 02:00:00',
      },
    ],
    { fileName: 'part-canary.parquet' },
  );
  await writePartition(
    lakeDir,
    'exit_reasons',
    '2019-11-27',
    [
      {
        response_id: 'CANARY-R',
        port_id: 'CANARY-P',
        msisdn_hash: CANARY_HASH,
        province_code: '44',
        operator_code: 'CMCC',
        category_code: 'PRICE',
        subcategory_code: null,
        collected_at: '2019-11-27 05:00:00',
        channel: 'call',
        verbatim: CANARY_VERBATIM,
      },
    ],
    { fileName: 'part-canary.parquet' },
  );
  for (const month of ['2019-08', '2019-09', '2019-10']) {
    await writePartition(
      lakeDir,
      'usage_monthly',
      month,
      [
        {
          msisdn_hash: CANARY_HASH,
          province_code: '44',
          operator_code: 'CMCC',
          plan_code: 'CMCC-128',
          plan_fee_cny: 128,
          data_allowance_mb: 20_000,
          data_used_mb: 10,
          voice_allowance_min: 1000,
          voice_used_min: 1,
        },
      ],
      { fileName: 'part-canary.parquet' },
    );
  }
  smtp = await startLoopbackSmtp();
  smtp.refuse = (address) =>
    address === REFUSED
      ? { code: 550, text: `5.1.1 <${address}>: Recipient address rejected: User unknown` }
      : undefined;
  const io = bufferIo();
  const outDir = join(root, 'out');
  const common = ['--lake', lakeDir, '--recipients', 'config/recipients.json', '--verbose'];
  const runs: [string[], number][] = [
    [['run', '--report', 'hq-weekly', '--period', '2019-W48', '--out', outDir], ExitCode.OK],
    [['run', '--report', 'province-monthly', '--period', '2019-11', '--out', outDir, '--locale', 'en'], ExitCode.OK],
    [
      [
        'run',
        '--report',
        'hq-weekly',
        '--period',
        '2019-W48',
        '--out',
        join(root, 'out-smtp'),
        '--transport',
        'smtp',
        '--smtp-url',
        smtp.url,
        '--json',
      ],
      ExitCode.DELIVERY_FAILED,
    ],
  ];
  for (const [args, expected] of runs) {
    const code = await main([...args, ...common], io);
    expect(code, io.stderr.slice(-3).join('\n')).toBe(expected);
  }
  stdout = io.stdout;
  stderr = io.stderr;
  logLines = stderr.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
  const local = await scanOutputs(outDir);
  const mailed = await scanOutputs(join(root, 'out-smtp'));
  places = [...local.places, ...mailed.places];
  mails = local.mails + mailed.mails;
  for (const [index, mail] of smtp.received.entries())
    places.push({ place: `smtp:${index}`, text: mail.raw.toString('utf8') });
  for (const [index, line] of [...stdout, ...stderr].entries()) places.push({ place: `printed:${index}`, text: line });
}, 180_000);

afterAll(async () => {
  await tally.write();
  await smtp?.close();
  await rm(root, { recursive: true, force: true });
});

describe('the scan', () => {
  it('has reports, decoded mails and log lines to look at', () => {
    expect(places.filter((place) => place.place.endsWith('briefing.json')).length).toBeGreaterThanOrEqual(33);
    // Files: hq and 31 provinces, each a message.eml, its copy in the sent version (sent/v001/)
    // and two recipients' copies; SMTP: hq's message.eml and its sent version's copy (one of its
    // two recipients was received by the server).
    expect(mails).toBe(32 * 4 + 2);
    expect(smtp.received.length).toBe(1);
    expect(places.some((place) => place.place.endsWith('#html') && place.text.includes('<table'))).toBe(true);
    expect(logLines.some((line) => line['message'] === 'query done')).toBe(true);
    expect(logLines.some((line) => line['message'] === 'delivery failed')).toBe(true);
  });

  it('would find the canary: the seeded rows reach the figures', async () => {
    // The canary leaver is one of the W48 port-outs of China Mobile in Guangdong.
    const briefing = JSON.parse(
      await readFile(join(root, 'out', 'hq-weekly', '2019-W48', 'hq', 'briefing.json'), 'utf8'),
    ) as { flows: { home: { current: { portOuts: number } } } };
    expect(briefing.flows.home.current.portOuts).toBe(3 + 1);
  });
});

describe('subscriber data', () => {
  it('never appears in a file, a decoded mail part, a mail as received, or a printed line', () => {
    const hashes = [
      ...new Set([
        CANARY_HASH,
        ...[...portRequests, ...exitReasons, ...usageMonthly].map((row) => String(row['msisdn_hash'])),
        hash('h1'),
      ]),
    ];
    const texts = [CANARY_VERBATIM, '13912345678', '张三', 'fixture verbatim text'];
    const leaks = findLeaks(places, [...hashes, ...texts]);
    tally.leaks(leaks.length, places.length);
    expect(leaks).toEqual([]);
  });
});

describe('log lines', () => {
  it('carry no full email address, even when an SMTP reply quotes one', () => {
    const addresses = logLines.flatMap((line) =>
      [...JSON.stringify(line).matchAll(/([A-Za-z0-9._%+*-]+)@([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)/g)].map(
        (match) => match[0],
      ),
    );
    const full = addresses.filter((address) => !/^[A-Za-z0-9._%+-]\*\*\*@/.test(address));
    tally.leaks(full.length, logLines.length);
    expect(addresses.length).toBeGreaterThan(0);
    expect(full).toEqual([]);
    expect(JSON.stringify(logLines)).toContain('s***@example.com');
  });
});
