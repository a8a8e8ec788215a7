// mnp-briefings validate and recipients: the configuration checked before it matters, and who
// gets what. Broken copies of the shipped files, each with one fault, must be named.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { runCli } from '../support/run-cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnp-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args);

/** A copy of a shipped config file with one change. */
// biome-ignore lint/suspicious/noExplicitAny: the parsed JSON of a config file, which each case breaks in its own way
type ParsedConfig = any;
async function brokenCopy(file: string, name: string, change: (config: ParsedConfig) => void): Promise<string> {
  const config = JSON.parse(await readFile(file, 'utf8'));
  change(config);
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(config));
  return path;
}

describe('mnp-briefings validate', () => {
  it('passes the shipped files, and a stage whose sending domain holds the sender', async () => {
    const result = await cli(
      'validate',
      '--stage',
      'prod',
      '--context',
      'sesDomain=example.com',
      '--context',
      'opsEmail=operations@example.com',
    );

    expect(result.code).toBe(ExitCode.OK);
    expect(result.stdout).toContain('ok      hq-weekly: cron(30 8 ? * MON *) Asia/Shanghai, next run');
    expect(result.stdout).toContain(
      'ok      config/recipients.json: 32 audiences (hq and every province), 64 address(es), none repeated',
    );
    expect(result.stdout).toContain(
      'ok      stage prod: sender briefings@example.com is inside the sending domain example.com',
    );
  });

  it("names a sender outside the stage's sending domain (exit 2)", async () => {
    const result = await cli(
      'validate',
      '--stage',
      'prod',
      '--context',
      'sesDomain=briefings.example.org',
      '--context',
      'opsEmail=operations@example.com',
    );

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stdout).toContain(
      'PROBLEM stage prod: the sender briefings@example.com (config/recipients.json "from") is not inside the SES sending domain briefings.example.org',
    );
  });

  it('names a schedule that does not parse, a missing province and a repeated address, all in one pass', async () => {
    const reports = await brokenCopy('config/reports.json', 'reports.json', (config) => {
      config[0].schedule.expression = 'cron(30 8 * * MON *)';
    });
    const recipients = await brokenCopy('config/recipients.json', 'recipients.json', (config) => {
      delete config.audiences['65'];
    });

    const result = await cli('validate', '--reports', reports, '--recipients', recipients);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stdout).toContain(
      `PROBLEM ${reports}: hq-weekly: schedule "cron(30 8 * * MON *)": exactly one of day-of-month and day-of-week must be ?`,
    );
    expect(result.stdout).toContain(`PROBLEM ${recipients}: no recipients for province 65`);
    expect(result.stderr).toBe(
      `mnp-briefings: validate: 2 problem(s), e.g. ${reports}: hq-weekly: schedule "cron(30 8 * * MON *)": exactly one of day-of-month and day-of-week must be ?`,
    );
  });

  it('names every fault of a recipients file in one pass, each on its own line', async () => {
    const recipients = await brokenCopy('config/recipients.json', 'five-faults.json', (config) => {
      config.audiences['11'].to.push(config.audiences['11'].to[0].toUpperCase());
      config.audiences['12'].to.push('bad@@example.com');
      config.audiences['13'].to.push('x@evil.com');
      delete config.audiences['65'];
      config.audiences['99'] = { to: ['branch-99@example.com'] };
    });

    const result = await cli('validate', '--recipients', recipients);

    expect(result.code).toBe(ExitCode.USAGE);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('PROBLEM'));
    expect(problems).toHaveLength(5);
    for (const fault of [
      'audiences.12.to.2: not an email address',
      'audiences.99 is not a province code',
      'no recipients for province 65',
      'audiences.13: x@evil.com is outside the allowed domains',
      'audiences.11.to[2]: BRANCH-11-MANAGER@EXAMPLE.COM repeats audiences.11.to[0]',
    ])
      expect(problems.some((line) => line.includes(fault))).toBe(true);
    expect(result.stderr).toContain('validate: 5 problem(s)');
  });

  it("names a stage's missing setting and its sender outside the sending domain together", async () => {
    const result = await cli('validate', '--stage', 'prod', '--context', 'sesDomain=briefings.example.org');

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stdout).toContain('PROBLEM stage prod: CDK context: opsEmail is required on the prod stage');
    expect(result.stdout).toContain('PROBLEM stage prod: the sender briefings@example.com');
  });

  it('refuses a report definition that would mail a template to the wrong audience or over the wrong period', async () => {
    const reports = await brokenCopy('config/reports.json', 'mismatched.json', (config) => {
      config[0].audience = 'provinces'; // every branch would get the national briefing
      config[1].periodKind = 'week';
      config.push({ ...config[0], id: 'hq-daily', audience: 'hq', template: 'nope' });
    });

    const result = await cli('validate', '--reports', reports);

    expect(result.code).toBe(ExitCode.USAGE);
    for (const fault of [
      '0.audience: template hq-weekly is written for audience hq, not provinces',
      '1.periodKind: template province-monthly covers a month, not a week',
      '2.template: nope has no model',
    ])
      expect(result.stdout).toContain(fault);
  });

  it("refuses an address in two provinces' audiences, which would read another province's guidance", async () => {
    const recipients = await brokenCopy('config/recipients.json', 'two-provinces.json', (config) => {
      config.audiences['44'].to.push(config.audiences['11'].to[0].toUpperCase());
      config.audiences['44'].to.push(config.audiences.hq.to[0]); // headquarters reads every province: allowed
    });

    const result = await cli('validate', '--recipients', recipients);

    expect(result.code).toBe(ExitCode.USAGE);
    const problems = result.stdout.split('\n').filter((line) => line.startsWith('PROBLEM'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('is also a reader of province 11: a branch reads its own province');
  });

  it('names a file that is not JSON on one line, where the parser quotes several', async () => {
    const path = join(dir, 'trailing-comma.json');
    const text = await readFile('config/recipients.json', 'utf8');
    await writeFile(path, text.replace(/"\s*\]/, '",\n    ]'));

    const validate = await cli('validate', '--recipients', path);
    const recipients = await cli('recipients', '--recipients', path);

    expect(validate.code).toBe(ExitCode.USAGE);
    const problems = validate.stdout.split('\n').filter((line) => line.includes('not JSON'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PROBLEM .*trailing-comma\.json: not JSON: .*is not valid JSON$/);
    expect(recipients.code).toBe(ExitCode.USAGE);
    expect(recipients.stderr.trim()).toMatch(
      /^mnp-briefings: cannot read recipients file [^\n]*: [^\n]*is not valid JSON$/,
    );
  });

  it('names a repeated address with its file and entry', async () => {
    const recipients = await brokenCopy('config/recipients.json', 'twice.json', (config) => {
      config.audiences['44'].to.push('BRANCH-44-CX@example.com');
    });

    const result = await cli('validate', '--recipients', recipients);

    expect(result.code).toBe(ExitCode.USAGE);
    expect(result.stdout).toContain(
      `PROBLEM ${recipients}: audiences.44.to[2]: BRANCH-44-CX@example.com repeats audiences.44.to[1]`,
    );
  });
});

describe('mnp-briefings recipients', () => {
  it('lists who gets what, for the audiences asked', async () => {
    const result = await cli('recipients', '--audience', 'hq', '44', '--json');

    expect(result.code).toBe(ExitCode.OK);
    expect(JSON.parse(result.stdout).audiences).toEqual([
      {
        audience: 'hq',
        name: 'headquarters',
        reports: ['hq-weekly'],
        locale: 'zh-CN',
        to: ['executive-office@example.com', 'strategy-office@example.com'],
      },
      {
        audience: '44',
        name: '广东省 Guangdong',
        reports: ['province-monthly'],
        locale: 'zh-CN',
        to: ['branch-44-manager@example.com', 'branch-44-cx@example.com'],
      },
    ]);
    expect((await cli('recipients', '--audience', '99')).code).toBe(ExitCode.USAGE);
  });

  it('prints a large audience as a table with one address a row, each once', async () => {
    const many = Array.from({ length: 150 }, (_, index) => `branch-44-reader${index}@example.com`);
    const recipients = await brokenCopy('config/recipients.json', 'many.json', (config) => {
      config.audiences['44'].to = many;
    });

    const result = await cli('recipients', '--recipients', recipients, '--audience', '44');

    expect(result.code).toBe(ExitCode.OK);
    const rows = result.stdout.split('\n').filter((line) => line.startsWith('│') && line.includes('@example.com'));
    expect(rows).toHaveLength(150);
    expect(rows[0]).toMatch(/│ 44 +│ 广东省 Guangdong │ province-monthly │ zh-CN +│ branch-44-reader0@example\.com +│/);
    expect(rows[1]).toMatch(/^│ +│ +│ +│ +│ branch-44-reader1@example\.com +│$/);
    expect(result.stdout).toContain('1 audience(s), 150 address(es)');
  });
});
