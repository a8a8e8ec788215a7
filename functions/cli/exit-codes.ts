// Exit codes a script can act on.
export const ExitCode = {
  OK: 0,
  /** The run failed: engine, archive or configuration trouble after the arguments were fine. */
  FAILED: 1,
  /** Bad arguments: unknown report, malformed period, missing lake. Nothing was done. */
  USAGE: 2,
  /** Some deliveries failed; the rest went out and a rerun completes them. */
  DELIVERY_FAILED: 3,
  /**
   * A rerun found figures other than those sent (a late load, say): nothing was sent to the
   * audiences concerned and the archive keeps what they hold; `rerun --resend --reason ...`
   * sends the correction.
   */
  FIGURES_CHANGED: 4,
  /** `check`: at least one scheduled report is overdue (one line each on stdout). */
  OVERDUE: 5,
  /** Held: the period's data is not complete yet (no _SUCCESS); nothing was sent. */
  HELD: 75,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
