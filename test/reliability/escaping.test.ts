// Text from the lake reaching a template arrives as text. Plan codes are the lake's free text
// that the briefings show (the value mirror lists leavers' plans), and the contract does not
// restrict them; here two of them carry markup, Handlebars braces and an entity. They must be
// escaped in briefing.html and in the HTML part of every message, and read verbatim in the
// text parts, which are plain text.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';
import { hash, writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { type FixtureRow, writePartition } from '../support/lake-writer.ts';
import { filesUnder, parseEml } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const PLAN_MARKUP = '<b>{{x}}</b>';
const PLAN_SCRIPT = `"><script>alert('mnp')</script>&amp;{{{raw}}}<!--`;
const PLANS = [PLAN_MARKUP, PLAN_SCRIPT];

const tally = createTally('escaping');
let root: string;
let outDir: string;

/** A China Mobile leaver of W48 in Guangdong on the given plan, who used almost nothing for three months. */
async function addOverpayingLeaver(lakeDir: string, label: string, plan: string): Promise<void> {
  const leaver: FixtureRow = {
    port_id: `ESC-${label}`,
    msisdn_hash: hash(`esc-${label}`),
    province_code: '44',
    donor_operator: 'CMCC',
    recipient_operator: 'CTCC',
    status: 'completed',
    reject_reason: null,
    requested_at: '2019-11-26 02:00:00',
    completed_at: '2019-11-27 02:00:00',
    channel: 'app',
    tenure_months: 30,
    plan_code: plan,
    monthly_fee_cny: 199,
    updated_at: '2019-11-27 02:00:00',
  };
  await writePartition(lakeDir, 'port_requests', '2019-11-26', [leaver], { fileName: `part-esc-${label}.parquet` });
  for (const month of ['2019-08', '2019-09', '2019-10']) {
    await writePartition(
      lakeDir,
      'usage_monthly',
      month,
      [
        {
          msisdn_hash: hash(`esc-${label}`),
          province_code: '44',
          operator_code: 'CMCC',
          plan_code: plan,
          plan_fee_cny: 199,
          data_allowance_mb: 30_000,
          data_used_mb: 100,
          voice_allowance_min: 1000,
          voice_used_min: 10,
        },
      ],
      { fileName: `part-esc-${label}.parquet` },
    );
  }
}

/** The text a browser shows: tags dropped, entities decoded. */
function visibleText(html: string): string {
  const withoutTags = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, '')
    .replace(/<[^>]*>/g, ' ');
  return withoutTags
    .replace(/&#x([0-9a-f]+);/gi, (_entity, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_entity, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(
      /&(lt|gt|quot|apos|nbsp|amp);/g,
      (_entity, name: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', amp: '&' })[name]!,
    );
}

interface HtmlPlace {
  readonly place: string;
  readonly html: string;
}
interface TextPlace {
  readonly place: string;
  readonly text: string;
}
let htmlPlaces: HtmlPlace[];
let textPlaces: TextPlace[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-escaping-'));
  const lakeDir = join(root, 'lake');
  outDir = join(root, 'out');
  await writeHandMadeLake(lakeDir);
  await addOverpayingLeaver(lakeDir, 'markup', PLAN_MARKUP);
  await addOverpayingLeaver(lakeDir, 'script', PLAN_SCRIPT);
  for (const plan of PLANS) tally.badInput(`markup in a plan code: ${plan}`);
  const io = bufferIo();
  for (const args of [
    ['run', '--report', 'hq-weekly', '--period', '2019-W48'],
    ['run', '--report', 'province-monthly', '--period', '2019-11', '--audience', '44'],
  ]) {
    const code = await main(
      [...args, '--lake', lakeDir, '--out', outDir, '--locale', 'en', '--recipients', 'config/recipients.json'],
      io,
    );
    expect(code, io.stderr.join('\n')).toBe(0);
  }
  htmlPlaces = [];
  textPlaces = [];
  for (const path of await filesUnder(outDir)) {
    if (path.endsWith('briefing.html')) htmlPlaces.push({ place: path, html: await readFile(path, 'utf8') });
    if (path.endsWith('briefing.txt')) textPlaces.push({ place: path, text: await readFile(path, 'utf8') });
    if (path.endsWith('.eml')) {
      const mail = await parseEml(path);
      htmlPlaces.push({ place: `${path}#html`, html: typeof mail.html === 'string' ? mail.html : '' });
      textPlaces.push({ place: `${path}#text`, text: mail.text ?? '' });
    }
  }
}, 120_000);

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

describe('a plan code with markup and braces', () => {
  it('is shown by both reports, in every page and every message (the check is not vacuous)', () => {
    // hq + province 44: two pages and two archived messages, each again in its sent version
    // (sent/v001/), and two recipients each.
    expect(htmlPlaces.length).toBe(2 * 2 + 2 * 2 + 4);
    expect(textPlaces.length).toBe(2 * 2 + 2 * 2 + 4);
  });

  it('arrives as text in briefing.html and in the HTML part of every message', () => {
    const unescaped = htmlPlaces.flatMap(({ place, html }) =>
      PLANS.filter((plan) => html.includes(plan)).map((plan) => `${plan} in ${place}`),
    );
    tally.leaks(unescaped.length, htmlPlaces.length);
    expect(unescaped).toEqual([]);
    for (const { place, html } of htmlPlaces) {
      for (const plan of PLANS) expect(visibleText(html), `${plan} not shown as text in ${place}`).toContain(plan);
      expect(html, place).not.toMatch(/<script|<b>\{\{|alert\('mnp'\)<\/script>/i);
    }
  });

  it('reads verbatim in briefing.txt and in the text part of every message', () => {
    for (const { place, text } of textPlaces) {
      for (const plan of PLANS) expect(text, place).toContain(plan);
      expect(text, place).not.toContain('&lt;');
    }
  });

  it('is data in briefing.json, never evaluated: the braces reach no template', async () => {
    const json = JSON.parse(await readFile(join(outDir, 'hq-weekly', '2019-W48', 'hq', 'briefing.json'), 'utf8')) as {
      valueMirror: { plans: { planCode: string }[] };
    };
    expect(json.valueMirror.plans.map((plan) => plan.planCode)).toEqual(expect.arrayContaining(PLANS));
  });
});
