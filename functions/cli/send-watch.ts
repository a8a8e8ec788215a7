// What the operator sees while mail goes out: progress once a send phase lasts more than a few
// seconds, and Ctrl-C handled as "stop sending": the first press lets the sends already handed
// to the transport finish and be recorded, starts no more and says so; a second press quits at
// once. Outside a send phase Ctrl-C keeps its usual meaning (the listener is only there during).
import { SingleBar } from 'cli-progress';
import type { CliIo } from './io.ts';

/** Progress appears only after this long: a short send stays quiet. */
const QUIET_MS = 3_000;
/** Without a terminal (logs, CI), one line this often. */
const LINE_EVERY_MS = 5_000;

export interface SendHooks {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: { readonly done: number; readonly total: number }) => void;
}

export interface SendWatch {
  /** True once the operator pressed Ctrl-C during a send phase: later jobs of the command should not start. */
  readonly interrupted: boolean;
  /** Runs one send phase of `total` recipients. */
  during<T>(label: string, total: number, send: (hooks: SendHooks) => Promise<T>): Promise<T>;
}

function progressDisplay(io: CliIo, label: string, total: number): { update(done: number): void; stop(): void } {
  let done = 0;
  let bar: SingleBar | undefined;
  const started = Date.now();
  const show = () => {
    if (io.isTty && process.stderr.isTTY) {
      bar ??= new SingleBar({
        format: `sending ${label} [{bar}] {value}/{total}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      });
      bar.start(total, done);
    } else {
      io.err(
        `sending ${label}: ${done}/${total} recipient(s) done after ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
  };
  let ticker: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    show();
    if (!bar) ticker = setInterval(show, LINE_EVERY_MS);
  }, QUIET_MS);
  return {
    update(value) {
      done = value;
      bar?.update(done);
    },
    stop() {
      clearTimeout(first);
      clearInterval(ticker);
      bar?.stop();
    },
  };
}

export function createSendWatch(io: CliIo): SendWatch {
  const interrupt = new AbortController();
  return {
    get interrupted() {
      return interrupt.signal.aborted;
    },
    async during(label, total, send) {
      const display = progressDisplay(io, label, total);
      let done = 0;
      const onSigint = () => {
        if (interrupt.signal.aborted) {
          io.err(
            'mnp-briefings: interrupted again: quitting now; claims not recorded are taken over when their lease ends',
          );
          process.exit(130);
        }
        interrupt.abort();
        io.err(
          `mnp-briefings: interrupted: ${done} of ${total} recipient(s) of ${label} done; finishing the sends already handed over, starting no more (Ctrl-C again quits at once)`,
        );
      };
      process.on('SIGINT', onSigint);
      try {
        return await send({
          signal: interrupt.signal,
          onProgress: () => {
            done += 1;
            display.update(done);
          },
        });
      } finally {
        process.off('SIGINT', onSigint);
        display.stop();
      }
    },
  };
}
