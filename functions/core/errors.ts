// The errors an operator can act on. Each names what went wrong in one line; the CLI maps
// them to that line and an exit code, and keeps the underlying error as `cause` for logs.

export class MnpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A period id that is not an ISO week or a month, or a range that runs backwards. */
export class PeriodError extends MnpError {}

/** Arguments or configuration that do not validate. */
export class ConfigurationError extends MnpError {}

/** The lake is missing, or its files break the data contract in a way rows cannot be quarantined for. */
export class LakeError extends MnpError {}

/** There is no lake where one was expected. */
export class LakeNotFoundError extends LakeError {}

/** A partition the report needs has no _SUCCESS marker yet. */
export class DataNotReadyError extends MnpError {
  constructor(
    message: string,
    readonly missingPartitions: readonly string[],
  ) {
    super(message);
  }
}

/** The query engine failed (after its retries). */
export class QueryError extends MnpError {
  constructor(
    message: string,
    readonly queryName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Delivery of a message failed for one or more recipients. */
export class DeliveryError extends MnpError {}

/** A record of the delivery ledger cannot be read (cut short by a crash, edited by hand). */
export class LedgerError extends MnpError {}

/** Writing the rendered report to the archive failed; nothing is sent after this. */
export class ArchiveError extends MnpError {}

/** A rerun found figures other than those sent: only a resend with a reason sends them. */
export class FiguresChangedError extends MnpError {}

/** Scheduled reports are overdue: missed, held past their deadline, partly delivered or failed. */
export class OverdueReportsError extends MnpError {}
