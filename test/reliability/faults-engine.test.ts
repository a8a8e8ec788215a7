// Faults of the query engine, injected at its port: a fake wraps the real DuckDB engine and
// throttles, or finds a file busy, on chosen queries. Wrapped in retryingEngine
// (functions/adapters/engine/retrying-engine.ts), transient failures are retried with growing
// waits and the run completes with the figures of an undisturbed run. Past the retry limit, or
// on a failure no retry can fix, the run fails cleanly: no report archived from partial
// results, no message sent, no ledger record.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientEngineError, retryingEngine } from '#adapters/engine/retrying-engine.ts';
import { FileLedger } from '#adapters/ledger/file-ledger.ts';
import { besideReport, FileTransport } from '#adapters/mail/file-transport.ts';
import { type LocalRuntime, openLocalRuntime } from '#cli/local-runtime.ts';
import { runReportJob } from '#cli/report-job.ts';
import { LakeError, QueryError } from '#core/errors.ts';
import type { MetricQueryName, QueryEngine } from '#core/ports.ts';
import { parseRecipients, type RecipientsConfig } from '#core/recipients.ts';
import type { Briefing } from '#core/report-model.ts';
import { writeHandMadeLake } from '../fixtures/hand-made-lake.ts';
import { GENERATED_AT, modelOf } from './support/briefing-runs.ts';
import { busyFile, FaultyEngine, FaultyTransport, throttling } from './support/faulty-ports.ts';
import { filesUnder } from './support/mail-scan.ts';
import { createTally } from './support/tally.ts';

const tally = createTally('faults-engine');
const FAST = { retries: 3, minDelayMs: 20, maxDelayMs: 400 };
let root: string;
let lakeDir: string;
let recipients: RecipientsConfig;
let undisturbed: Briefing;
let runs = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mnp-engine-faults-'));
  lakeDir = join(root, 'lake');
  await writeHandMadeLake(lakeDir);
  recipients = parseRecipients(JSON.parse(await readFile('config/recipients.json', 'utf8')));
  undisturbed = await modelOf(lakeDir, { reportId: 'hq-weekly', periodId: '2019-W48' });
});

afterAll(async () => {
  await tally.write();
  await rm(root, { recursive: true, force: true });
});

/** The HQ weekly run of 2019-W48 as the CLI runs it, with the engine wrapped as given. */
async function runWeek(wrap: (engine: QueryEngine) => { engine: QueryEngine; faulty: FaultyEngine }) {
  runs += 1;
  const outDir = join(root, `out-${runs}`);
  const logs: string[] = [];
  const runtime = await openLocalRuntime({ lakeDir, outDir, verbose: true, logSink: (line) => logs.push(line) });
  const { engine, faulty } = wrap(runtime.engine);
  const transport = new FaultyTransport(new FileTransport(besideReport(outDir)), () => undefined);
  const ledger = new FileLedger(join(outDir, 'ledger'));
  const ports = {
    runtime: { ...runtime, engine } as unknown as LocalRuntime,
    recipients,
    ledger,
    transport: async () => transport,
    now: () => GENERATED_AT,
  };
  try {
    const outcome = await runReportJob(
      { reportId: 'hq-weekly', periodId: '2019-W48', homeOperator: 'CMCC', locale: 'en', deliver: true },
      ports,
    ).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error }),
    );
    tally.fault(faulty.injected);
    const reports = (await filesUnder(join(outDir, 'hq-weekly'))).filter((path) =>
      /briefing\.(html|json|txt)$|\.eml$/.test(path),
    );
    const records = await ledger.list('hq-weekly', '2019-W48', 'hq');
    return { ...outcome, faulty, transport, reports, records, logs };
  } finally {
    await runtime.close();
  }
}

const faultyAndRetrying =
  (
    fault: ConstructorParameters<typeof FaultyEngine>[1],
    onRetry?: (event: { name: MetricQueryName; attempt: number }) => void,
  ) =>
  (inner: QueryEngine) => {
    const faulty = new FaultyEngine(inner, fault);
    return { faulty, engine: retryingEngine(faulty, { ...FAST, ...(onRetry ? { onRetry } : {}) }) };
  };

describe('an engine that throttles or finds a file busy, then recovers', () => {
  it('is retried with growing waits, and the run completes with the figures of an undisturbed run', async () => {
    const retried: string[] = [];
    const run = await runWeek(
      faultyAndRetrying(
        (name, attempt) =>
          name === 'flows' && attempt <= 3
            ? throttling()
            : name === 'data_quality' && attempt === 1
              ? busyFile()
              : undefined,
        ({ name, attempt }) => retried.push(`${name}#${attempt}`),
      ),
    );

    expect(run.error).toBeUndefined();
    expect(run.faulty.injected).toBe(4);
    expect(run.faulty.attemptsOf('flows')).toBe(4);
    expect(run.faulty.attemptsOf('data_quality')).toBe(2);
    expect(retried.sort()).toEqual(['data_quality#1', 'flows#1', 'flows#2', 'flows#3']);
    const flows = run.faulty.calls.filter((call) => call.name === 'flows').map((call) => call.at);
    const waits = flows.slice(1).map((at, index) => at - flows[index]!);
    // p-retry: min * 2^(n-1), times a random factor between 1 and 2, capped at max.
    for (const [index, wait] of waits.entries())
      expect(wait, `wait before attempt ${index + 2}`).toBeGreaterThanOrEqual(0.9 * FAST.minDelayMs * 2 ** index);
    expect(run.result!.archived[0]!.model).toEqual(undisturbed);
    expect(run.transport.delivered.map((mail) => mail.to).sort()).toEqual([...recipients.audiences['hq']!.to].sort());
  });
});

describe('an engine that keeps failing mid-run', () => {
  it('fails the run after the retry limit: nothing archived, nothing sent, nothing recorded', async () => {
    const run = await runWeek(
      faultyAndRetrying((name, _attempt, call) => (call >= 4 && name === 'value_mirror' ? throttling() : undefined)),
    );

    expect(run.error).toBeInstanceOf(QueryError);
    expect((run.error as Error).message).toBe('query value_mirror failed after 4 attempts: Rate exceeded');
    expect(run.faulty.attemptsOf('value_mirror')).toBe(1 + FAST.retries);
    expect(run.reports).toEqual([]);
    expect(run.transport.attempts).toEqual([]);
    expect(run.records).toEqual([]);
  });

  it('does not retry a failure no retry can fix, and fails at once', async () => {
    const broken = new LakeError(
      'port_requests/dt=2019-11-26/part-0.parquet: column tenure_months is VARCHAR, the data contract says integer',
    );
    const run = await runWeek(faultyAndRetrying((name) => (name === 'requests' ? broken : undefined)));

    expect(run.error).toBe(broken);
    expect(run.faulty.attemptsOf('requests')).toBe(1);
    expect(run.reports).toEqual([]);
    expect(run.transport.attempts).toEqual([]);
  });

  it('without the retrying wrapper (the engine as wired today), fails on the first throttle, cleanly', async () => {
    const run = await runWeek((inner) => {
      const faulty = new FaultyEngine(inner, (name, attempt) =>
        name === 'flows' && attempt === 1 ? throttling() : undefined,
      );
      return { faulty, engine: faulty };
    });

    expect(run.error).toMatchObject({ name: 'ThrottlingException' });
    expect(run.reports).toEqual([]);
    expect(run.transport.attempts).toEqual([]);
    expect(run.records).toEqual([]);
  });
});

describe('which engine failures are worth a retry', () => {
  it('are throttling, busy or exhausted resources, and errors that say so; not a broken lake or bad SQL', () => {
    const wrapped = (cause: unknown) => new QueryError('query flows failed in DuckDB: IO Error', 'flows', { cause });
    expect(isTransientEngineError(throttling())).toBe(true);
    expect(
      isTransientEngineError(Object.assign(new Error('Too many requests'), { $metadata: { httpStatusCode: 429 } })),
    ).toBe(true);
    expect(isTransientEngineError(wrapped(busyFile()))).toBe(true);
    expect(
      isTransientEngineError(wrapped(new Error('IO Error: Cannot open file "x.parquet": Too many open files'))),
    ).toBe(true);
    expect(isTransientEngineError(Object.assign(new Error('unavailable'), { transient: true }))).toBe(true);
    expect(
      isTransientEngineError(new LakeError('x.parquet is not a readable Parquet file', { cause: busyFile() })),
    ).toBe(false);
    expect(isTransientEngineError(wrapped(new Error('Binder Error: Referenced column "dt" not found')))).toBe(false);
    expect(isTransientEngineError(wrapped(new Error('Conversion Error: invalid timestamp field format')))).toBe(false);
    expect(isTransientEngineError('a string')).toBe(false);
  });
});
