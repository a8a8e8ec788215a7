// Isolation: a province's recipients receive only their province's report. A recognisable
// canary (a plan code) is seeded into Hebei (13) only; the provincial monthly report runs for
// all 31 provinces and is delivered by the file transport. The canary must show in Hebei's
// page, JSON, text and every Hebei message, and nowhere else; each message goes to its own
// province's recipients only, and names no other province.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { parseRecipients, type RecipientsConfig } from '#core/recipients.ts';
import { provinces } from '#reference/index.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { writePartition } from '../support/lake-writer.ts';
import { filesUnder, mailParts, parseEml, type ScannedPlace } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const CANARY = 'CANARY-HEBEI-PLAN-7Q';
const CANARY_PROVINCE = '13';
const PERIOD = '2019-11';

const tally = createTally('province-isolation');
let root: string;
let reportDir: string;
let recipients: RecipientsConfig;
/** Every place under each audience's folder: files and decoded mail parts. */
let byAudience: Map<string, ScannedPlace[]>;
let outboxMails: { audience: string; recipient: string; to: string[]; subject: string; text: string }[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-isolation-'));
  const lakeDir = join(root, 'lake');
  const outDir = join(root, 'out');
  reportDir = join(outDir, 'province-monthly', PERIOD);
  await writeHandMadeLake(lakeDir);
  // A China Mobile leaver in Hebei in November, on the canary plan, who used almost nothing.
  await writePartition(
    lakeDir,
    'port_requests',
    '2019-11-12',
    [
      {
        port_id: 'CANARY-13',
        msisdn_hash: hash('canary-13'),
        province_code: CANARY_PROVINCE,
        donor_operator: 'CMCC',
        recipient_operator: 'CUCC',
        status: 'completed',
        reject_reason: null,
        requested_at: '2019-11-12 02:00:00',
        completed_at: '2019-11-13 02:00:00',
        channel: 'store',
        tenure_months: 50,
        plan_code: CANARY,
        monthly_fee_cny: 288,
        updated_at: '2019-11-13 02:00:00',
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
          msisdn_hash: hash('canary-13'),
          province_code: CANARY_PROVINCE,
          operator_code: 'CMCC',
          plan_code: CANARY,
          plan_fee_cny: 288,
          data_allowance_mb: 40_000,
          data_used_mb: 5,
          voice_allowance_min: 2000,
          voice_used_min: 3,
        },
      ],
      { fileName: 'part-canary.parquet' },
    );
  }
  recipients = parseRecipients(JSON.parse(await readFile('config/recipients.json', 'utf8')));
  const io = bufferIo();
  const code = await main(
    [
      'run',
      '--report',
      'province-monthly',
      '--period',
      PERIOD,
      '--lake',
      lakeDir,
      '--out',
      outDir,
      '--locale',
      'en',
      '--recipients',
      'config/recipients.json',
    ],
    io,
  );
  expect(code, io.stderr.join('\n')).toBe(ExitCode.OK);

  byAudience = new Map();
  outboxMails = [];
  for (const path of await filesUnder(reportDir)) {
    const audience = relative(reportDir, path).split(sep)[0]!;
    const raw = await readFile(path);
    const places = byAudience.get(audience) ?? [];
    places.push({ place: path, text: raw.toString('utf8') });
    if (path.endsWith('.eml')) {
      const mail = await parseEml(path);
      places.push(...mailParts(path, mail));
      if (basename(dirname(path)) === 'outbox') {
        const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((group) =>
          group.value.map((address) => address.address ?? ''),
        );
        outboxMails.push({
          audience,
          recipient: basename(path).replace(/(\.\d+)?\.eml$/, ''),
          to,
          subject: mail.subject ?? '',
          text: mail.text ?? '',
        });
      }
    }
    byAudience.set(audience, places);
  }
}, 180_000);

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

describe('the canary of one province', () => {
  it('reaches every output of that province: page, JSON, text, each message', () => {
    const mine = byAudience.get(CANARY_PROVINCE)!;
    for (const suffix of ['briefing.html', 'briefing.json', 'briefing.txt', 'message.eml#html', 'message.eml#text']) {
      expect(
        mine.some((place) => place.place.endsWith(suffix) && place.text.includes(CANARY)),
        suffix,
      ).toBe(true);
    }
    const mails = outboxMails.filter((mail) => mail.audience === CANARY_PROVINCE);
    expect(mails.length).toBe(recipients.audiences[CANARY_PROVINCE]!.to.length);
    for (const mail of mails) expect(mail.text).toContain(CANARY);
  });

  it('appears in no page, JSON, text or message of another province', () => {
    expect([...byAudience.keys()].sort()).toEqual(provinces.map((province) => province.code).sort());
    const leaks: string[] = [];
    let scanned = 0;
    for (const [audience, places] of byAudience) {
      if (audience === CANARY_PROVINCE) continue;
      for (const place of places) {
        scanned += 1;
        if (place.text.includes(CANARY)) leaks.push(place.place);
      }
    }
    tally.leaks(leaks.length, scanned);
    expect(leaks).toEqual([]);
  });
});

describe('the messages of each province', () => {
  it('go to the recipients of that province only, one copy each', () => {
    const copies = new Map<string, number>();
    for (const mail of outboxMails) {
      const own = recipients.audiences[mail.audience]!.to;
      expect(own, `${mail.recipient} in ${mail.audience}`).toContain(mail.recipient);
      expect([...mail.to].sort(), mail.audience).toEqual([...own].sort());
      copies.set(mail.recipient, (copies.get(mail.recipient) ?? 0) + 1);
    }
    tally.mailboxes([...copies.entries()].map(([recipient, total]) => ({ recipient, total, flagged: 0 })));
    expect(outboxMails.length).toBe(
      provinces.reduce((sum, province) => sum + recipients.audiences[province.code]!.to.length, 0),
    );
    expect([...copies.values()].every((count) => count === 1)).toBe(true);
  });

  it('name their own province and no other', () => {
    for (const mail of outboxMails) {
      const own = provinces.find((province) => province.code === mail.audience)!;
      expect(`${mail.subject}\n${mail.text}`, mail.audience).toContain(own.en);
      const others = provinces
        .filter((province) => province.code !== mail.audience && !own.en.includes(province.en))
        .filter((province) => mail.text.includes(province.en));
      expect(
        others.map((province) => province.en),
        `other provinces named in ${mail.audience}'s message`,
      ).toEqual([]);
    }
  });
});
