// One report run by the CLI (archive only, in English) and the briefing.json it wrote, without
// the one field that differs between any two runs (generatedAt).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { ExitCode } from '#cli/exit-codes.ts';
import { bufferIo } from '#cli/io.ts';
import { main } from '#cli/main.ts';

export interface BriefingRun {
  readonly report: string;
  readonly period: string;
  /** 'hq', or a province code */
  readonly audience: string;
}

export async function runBriefingJson(
  run: BriefingRun,
  lake: string,
  out: string,
  engineArgs: readonly string[],
): Promise<Record<string, unknown>> {
  const io = bufferIo();
  const audienceArgs = run.audience === 'hq' ? [] : ['--audience', run.audience];
  const code = await main(
    [
      'run',
      '--report',
      run.report,
      '--period',
      run.period,
      ...audienceArgs,
      '--lake',
      lake,
      '--out',
      out,
      '--no-deliver',
      '--locale',
      'en',
      ...engineArgs,
    ],
    io,
  );
  expect(code, io.stderr.join('\n')).toBe(ExitCode.OK);
  const briefing = JSON.parse(
    await readFile(join(out, run.report, run.period, run.audience, 'briefing.json'), 'utf8'),
  ) as Record<string, unknown>;
  delete briefing['generatedAt'];
  return briefing;
}
