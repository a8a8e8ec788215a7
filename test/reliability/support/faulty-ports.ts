// Failing fakes at the adapter boundaries: each wraps a real adapter and throws when its plan
// says so, counting what it injected. The product sees the same port interface as always.
import type { MailTransport, OutgoingMail } from '#core/delivery-ports.ts';
import { ArchiveError } from '#core/errors.ts';
import type { MetricQueryName, QueryEngine, QueryParameters, QueryRow, ReportStore } from '#core/ports.ts';

/** An error the way the AWS SDK reports throttling (what Athena answers when it is busy). */
export function throttling(message = 'Rate exceeded'): Error {
  return Object.assign(new Error(message), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
}

/** A read that failed on the way: the file was busy (a loader replacing it). */
export function busyFile(message = 'IO Error: Could not read file: Device or resource busy'): Error {
  return Object.assign(new Error(message), { code: 'EBUSY' });
}

export class FaultyEngine implements QueryEngine {
  /** Every call in order: the query, its attempt number for that query, the time. */
  readonly calls: { name: MetricQueryName; attempt: number; at: number; failed: boolean }[] = [];
  injected = 0;

  constructor(
    private readonly inner: QueryEngine,
    private readonly fault: (name: MetricQueryName, attempt: number, call: number) => Error | undefined,
  ) {}

  async runMetric(name: MetricQueryName, parameters: QueryParameters): Promise<QueryRow[]> {
    const attempt = this.calls.filter((call) => call.name === name).length + 1;
    const error = this.fault(name, attempt, this.calls.length + 1);
    this.calls.push({ name, attempt, at: performance.now(), failed: error !== undefined });
    if (error) {
      this.injected += 1;
      throw error;
    }
    return this.inner.runMetric(name, parameters);
  }

  attemptsOf(name: MetricQueryName): number {
    return this.calls.filter((call) => call.name === name).length;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A transport that refuses some sends and passes the rest to a real one (the file transport). */
export class FaultyTransport implements MailTransport {
  readonly name: string;
  readonly attempts: OutgoingMail[] = [];
  readonly delivered: OutgoingMail[] = [];
  injected = 0;

  constructor(
    private readonly inner: MailTransport,
    private readonly fault: (mail: OutgoingMail, attempt: number) => Error | undefined,
  ) {
    this.name = inner.name;
  }

  async send(mail: OutgoingMail): Promise<{ readonly providerMessageId?: string }> {
    this.attempts.push(mail);
    const error = this.fault(mail, this.attempts.filter((attempt) => attempt.to === mail.to).length);
    if (error) {
      this.injected += 1;
      throw error;
    }
    const accepted = await this.inner.send(mail);
    this.delivered.push(mail);
    return accepted;
  }
}

/** An archive whose writes fail for the keys the predicate names (a full disk, S3 refusing). */
export class FaultyStore implements ReportStore {
  readonly written: string[] = [];
  injected = 0;

  constructor(
    private readonly inner: ReportStore,
    private readonly fails: (key: string) => boolean,
  ) {}

  async put(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    if (this.fails(key)) {
      this.injected += 1;
      // As the store adapters report it: an ArchiveError with the I/O error as its cause.
      const cause = Object.assign(new Error(`EIO: i/o error, write '${key}'`), { code: 'EIO' });
      throw new ArchiveError(`could not write ${key}: ${cause.message}`, { cause });
    }
    await this.inner.put(key, body, contentType);
    this.written.push(key);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  locate(key: string): string {
    return this.inner.locate(key);
  }
}
