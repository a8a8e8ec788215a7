// What the deployed state machine is started with (--target aws): the execution input, its
// name and the machine's name. Plain functions without the AWS SDK, so that a command's
// arguments are checked before the SDK is loaded.
/** What the state machine takes as its execution input (functions/handlers/support/run-input.ts). */
export interface AwsRunInput {
  readonly reportId: string;
  readonly periodId?: string;
  readonly audiences?: readonly string[];
  readonly resend?: boolean;
  /** Why a resend corrects what went out: shown in the correction, kept in the ledger and journal. */
  readonly reason?: string;
  readonly archiveOnly?: boolean;
  readonly sendDespiteMissingData?: boolean;
}

export function stateMachineName(stage: string, reportId: string): string {
  return `mnp-briefings-${stage}-${reportId}`;
}

/** The execution input with only the flags that are set: what the state machine's defaults do not say. */
export function awsRunInput(
  reportId: string,
  fields: {
    periodId?: string | undefined;
    audiences?: readonly string[] | undefined;
    resend?: boolean | undefined;
    reason?: string | undefined;
    archiveOnly?: boolean | undefined;
    sendDespiteMissingData?: boolean | undefined;
  },
): AwsRunInput {
  return {
    reportId,
    ...(fields.periodId ? { periodId: fields.periodId } : {}),
    ...(fields.audiences ? { audiences: fields.audiences } : {}),
    ...(fields.resend ? { resend: true } : {}),
    ...(fields.resend && fields.reason ? { reason: fields.reason } : {}),
    ...(fields.archiveOnly ? { archiveOnly: true } : {}),
    ...(fields.sendDespiteMissingData ? { sendDespiteMissingData: true } : {}),
  };
}

/** An execution name: unique per start, readable in the console, within Step Functions' 80 characters. */
export function executionName(kind: string, input: AwsRunInput, now: Date): string {
  const stamp = now.toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  return `${kind}-${input.periodId ?? 'latest'}-${stamp}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 80);
}
