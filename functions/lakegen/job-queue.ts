// Runs background jobs one after another (DuckDB writes of a flushed buffer) while generation
// goes on in the foreground. The first failure is kept and raised at the next enqueue or drain,
// so nothing fails silently.
export class JobQueue {
  private tail: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  /** Queues a job; the returned promise settles when it ran (it never rejects). */
  enqueue(job: () => Promise<void>): Promise<void> {
    this.raiseFailure();
    this.tail = this.tail.then(async () => {
      if (this.failure) return;
      try {
        await job();
      } catch (error) {
        this.failure ??= { error };
      }
    });
    return this.tail;
  }

  /** Waits for every queued job, then raises the first failure if there was one. */
  async drain(): Promise<void> {
    await this.tail;
    this.raiseFailure();
  }

  private raiseFailure(): void {
    if (this.failure) throw this.failure.error;
  }
}
