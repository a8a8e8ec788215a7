// What was sent stays what was sent. Under an audience's archive prefix
// (<report>/<period>/<audience>/) the archive keeps:
//   briefing.html|json|txt, charts, message.eml  the current view: the latest version sent (or,
//                                                 before anything was sent, the latest render)
//   sent/v001/, sent/v002/, ...                   every version that went out, written once and
//                                                 never again: the model, page, text, charts,
//                                                 the message as built, and version.json
//   sent/vNNN/completions/<when>-<run>/           a later run's send of that version's figures to
//                                                 recipients who lacked it: the message as it went
//                                                 to them and completion.json, written once
// A dry run, and a rerun once something was sent, renders into <report>/drafts/<period>/<audience>/
// instead, so neither can rewrite what readers hold. Locally and in S3 alike (a ReportStore).
import * as z from 'zod/mini';
import '#reference/schema.ts';
import { type CorrectionNote, changedFigures } from './correction-diff.ts';
import type { DeliveryLedger, DeliveryRecord } from './delivery-ports.ts';
import { ArchiveError } from './errors.ts';
import { parseJsonText } from './json-text.ts';
import type { ReportStore } from './ports.ts';
import type { Briefing } from './report-model.ts';
import { type ArchivedReport, archiveKeys, archivePrefix, CORRECTION_MESSAGE } from './report-run.ts';

const sentVersionSchema = z.object({
  version: z.int().check(z.minimum(1)),
  reportId: z.string(),
  periodId: z.string(),
  audience: z.string(),
  /** When the first recipient of this version was sent to (ISO). */
  sentAt: z.string(),
  /** The run that sent it: a local run's id or a Step Functions execution name. */
  runId: z.string(),
  /** Recipients this run sent it to. */
  recipients: z.int().check(z.minimum(0)),
  messageId: z.string(),
  correction: z.boolean(),
  /** For a correction: why (rerun --resend --reason), and the version it corrects. */
  reason: z.optional(z.string()),
  corrects: z.optional(z.int().check(z.minimum(1))),
  /** Sent with the "data incomplete" banner. */
  dataIncomplete: z.boolean(),
});

export type SentVersion = z.infer<typeof sentVersionSchema>;

const completionSchema = z.object({
  /** The sent version whose figures went out. */
  version: z.int().check(z.minimum(1)),
  sentAt: z.string(),
  runId: z.string(),
  /** Recipients this run sent it to. */
  recipients: z.int().check(z.minimum(1)),
  messageId: z.string(),
  /**
   * Of them, those sent again flagged as a possible duplicate (X-MNP-Possible-Duplicate; the
   * archived message is the audience's, without that header): a run that stopped mid-send may
   * have reached them before.
   */
  possibleDuplicates: z.optional(z.int().check(z.minimum(1))),
});

export type SentCompletion = z.infer<typeof completionSchema>;

export interface SentVersionWithModel {
  readonly record: SentVersion;
  readonly model: Briefing;
}

export function sentVersionPrefix(reportId: string, periodId: string, audience: string, version: number): string {
  return `${archivePrefix(reportId, periodId, audience)}/sent/v${String(version).padStart(3, '0')}`;
}

/**
 * Where renders that are not (or not yet) what readers hold go: dry runs, reruns after a send.
 * Inside the report's folder, so that whatever may write a report's archive may write its drafts.
 */
export function draftPrefix(reportId: string, periodId: string, audience: string): string {
  return `${reportId}/drafts/${periodId}/${audience}`;
}

const VERSION_FILE = /\/sent\/v(\d+)\/version\.json$/;

function decodeJson(body: Uint8Array, where: string): unknown {
  const json = parseJsonText(new TextDecoder().decode(body));
  if (!json.ok) throw new ArchiveError(`${where} is not JSON: ${json.problem}`);
  return json.value;
}

/** Every version sent to an audience, oldest first. */
export async function listSentVersions(
  store: ReportStore,
  reportId: string,
  periodId: string,
  audience: string,
): Promise<SentVersion[]> {
  const keys = (await store.list(`${archivePrefix(reportId, periodId, audience)}/sent/`)).filter((key) =>
    VERSION_FILE.test(key),
  );
  const versions = await Promise.all(
    keys.map(async (key) => sentVersionSchema.parse(decodeJson((await store.get(key))!, store.locate(key)))),
  );
  return versions.sort((a, b) => a.version - b.version);
}

/** The last version sent to an audience, with its model, or undefined when nothing went out yet. */
export async function lastSentVersion(
  store: ReportStore,
  reportId: string,
  periodId: string,
  audience: string,
): Promise<SentVersionWithModel | undefined> {
  const record = (await listSentVersions(store, reportId, periodId, audience)).at(-1);
  if (!record) return undefined;
  const key = archiveKeys(sentVersionPrefix(reportId, periodId, audience, record.version)).json;
  const body = await store.get(key);
  if (!body)
    throw new ArchiveError(
      `sent version ${record.version} of ${reportId} ${periodId} ${audience} has no model at ${store.locate(key)}`,
    );
  return { record, model: decodeJson(body, store.locate(key)) as Briefing };
}

/** The model without what differs between two renders of the same figures: render time, language. */
function figuresOf(model: Briefing): unknown {
  const { generatedAt: _generatedAt, locale: _locale, ...figures } = model;
  return figures;
}

/** Whether a new model's figures differ from a sent one's (anything but the render time and language). */
export function figuresDiffer(sent: Briefing, next: Briefing): boolean {
  return JSON.stringify(figuresOf(sent)) !== JSON.stringify(figuresOf(next));
}

/** The model without whether its data was whole: the banner and the list of partitions that were missing. */
function withoutCompleteness(model: Briefing): Briefing {
  return { ...model, dataIncomplete: false, dataQuality: { ...model.dataQuality, partitionsMissing: [] } };
}

/** The files of a rendered report, as the archive writes them under a prefix. */
async function writeRendered(store: ReportStore, prefix: string, archived: ArchivedReport): Promise<void> {
  const keys = archiveKeys(prefix);
  for (const image of archived.rendered.images)
    await store.put(`${prefix}/${image.fileName}`, image.content, 'image/png');
  await store.put(keys.json, `${JSON.stringify(archived.model, null, 2)}\n`, 'application/json');
  await store.put(keys.text, archived.rendered.text, 'text/plain; charset=utf-8');
  await store.put(keys.html, archived.rendered.pageHtml, 'text/html; charset=utf-8');
}

export interface SentRun {
  readonly runId: string;
  readonly sentAt: Date;
  readonly recipients: number;
  readonly messageId: string;
  readonly correction: boolean;
  readonly reason?: string;
  /** The archive key of the message as built (message.eml or message-correction.eml). */
  readonly messageKey: string;
}

/** The message a send built, as archived, and its file name (message.eml, message-correction.eml). */
async function messageOfSend(store: ReportStore, messageKey: string): Promise<{ body: Uint8Array; name: string }> {
  const body = await store.get(messageKey);
  if (!body) throw new ArchiveError(`the message ${store.locate(messageKey)} of the send is missing`);
  return { body, name: messageKey.slice(messageKey.lastIndexOf('/') + 1) };
}

/**
 * Records a version that went out: writes sent/vNNN/ once (a version folder that exists is
 * never written over), and makes it the current view when the report was rendered elsewhere
 * (a correction rendered as a draft becomes what the archive shows).
 */
export async function recordSentVersion(
  store: ReportStore,
  archived: ArchivedReport,
  run: SentRun,
): Promise<SentVersion> {
  const { reportId, periodId, audience } = archived;
  const previous = (await listSentVersions(store, reportId, periodId, audience)).at(-1);
  const version = (previous?.version ?? 0) + 1;
  const prefix = sentVersionPrefix(reportId, periodId, audience, version);
  if (await store.get(`${prefix}/version.json`))
    throw new ArchiveError(
      `sent version ${store.locate(prefix)} exists already: another run recorded it; nothing overwritten`,
    );
  const message = await messageOfSend(store, run.messageKey);
  const record: SentVersion = {
    version,
    reportId,
    periodId,
    audience,
    sentAt: run.sentAt.toISOString(),
    runId: run.runId,
    recipients: run.recipients,
    messageId: run.messageId,
    correction: run.correction,
    ...(run.reason ? { reason: run.reason } : {}),
    ...(run.correction && previous ? { corrects: previous.version } : {}),
    dataIncomplete: archived.model.dataIncomplete,
  };
  await writeRendered(store, prefix, archived);
  await store.put(`${prefix}/${message.name}`, message.body, 'message/rfc822');
  await store.put(`${prefix}/version.json`, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  const current = archivePrefix(reportId, periodId, audience);
  if (archived.prefix !== current) {
    await writeRendered(store, current, archived);
    await store.put(`${current}/${message.name}`, message.body, 'message/rfc822');
  }
  return record;
}

/** A message's Message-ID header, with its angle brackets. */
function messageIdIn(message: Uint8Array): string | undefined {
  const head = new TextDecoder().decode(message.subarray(0, 16_384));
  return /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1];
}

/**
 * A run that stopped mid-send (the mail server gone, the process killed) reached some recipients
 * before it recorded the version sent, which it does once an audience's delivery ends. Its render
 * is still the audience's current view: when the ledger says that very message (its Message-ID)
 * went out, the view is recorded as the version sent, so the next run sets its figures against
 * what those readers hold instead of mailing other figures to the rest of the audience.
 */
/** A record whose message was handed to the transport, or may have been. */
const handedOver = (record: DeliveryRecord) =>
  record.status === 'sent' || record.status === 'sending' || record.status === 'unconfirmed';

/** The render files right under `from` (but `except`), copied under each of `to`. */
async function copyRender(
  store: ReportStore,
  from: string,
  to: readonly string[],
  except?: (name: string) => boolean,
): Promise<void> {
  for (const key of await store.list(`${from}/`)) {
    const name = key.slice(from.length + 1);
    if (name.includes('/') || except?.(name)) continue;
    const body = await store.get(key);
    if (body) for (const prefix of to) await store.put(`${prefix}/${name}`, body, contentTypeOf(key));
  }
}

/** An interrupted send's version, as the ledger's records of its message tell it. */
function interruptedVersion(
  records: readonly DeliveryRecord[],
  fields: Pick<SentVersion, 'version' | 'reportId' | 'periodId' | 'audience' | 'messageId' | 'dataIncomplete'>,
): SentVersion {
  return {
    version: fields.version,
    reportId: fields.reportId,
    periodId: fields.periodId,
    audience: fields.audience,
    sentAt: records.map((entry) => entry.updatedAt).sort()[0]!,
    runId: 'interrupted (recorded by a later run)',
    recipients: records.filter((entry) => entry.status === 'sent').length,
    messageId: fields.messageId,
    correction: false,
    dataIncomplete: fields.dataIncomplete,
  };
}

async function recordInterruptedSend(
  store: ReportStore,
  reportId: string,
  periodId: string,
  audience: string,
  records: readonly DeliveryRecord[],
): Promise<SentVersion | undefined> {
  const firstSends = records.filter((record) => !record.correction && handedOver(record));
  if (firstSends.length === 0) return undefined;
  if ((await listSentVersions(store, reportId, periodId, audience)).length > 0) return undefined;
  const current = archivePrefix(reportId, periodId, audience);
  const message = await store.get(`${current}/message.eml`);
  const model = await store.get(archiveKeys(current).json);
  const messageId = message && messageIdIn(message);
  if (!message || !model || !messageId || !firstSends.some((record) => record.messageId === messageId))
    return undefined;
  const prefix = sentVersionPrefix(reportId, periodId, audience, 1);
  await copyRender(store, current, [prefix]);
  const record = interruptedVersion(
    firstSends.filter((entry) => entry.messageId === messageId),
    {
      version: 1,
      reportId,
      periodId,
      audience,
      messageId,
      dataIncomplete: (decodeJson(model, store.locate(archiveKeys(current).json)) as Briefing).dataIncomplete,
    },
  );
  await store.put(`${prefix}/version.json`, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  return record;
}

/**
 * The same for a correction (rerun --resend) that stopped mid-send: its render and message are in
 * the audience's drafts, and when the ledger says that message went out to someone it is
 * recorded as the version after the last one, as a correction with its reason. Then a later
 * rerun finishes it (its queued recipients) instead of mailing another, and status shows it.
 */
async function recordInterruptedCorrection(
  store: ReportStore,
  reportId: string,
  periodId: string,
  audience: string,
  records: readonly DeliveryRecord[],
): Promise<SentVersion | undefined> {
  if (!records.some((record) => record.correction)) return undefined;
  const versions = await listSentVersions(store, reportId, periodId, audience);
  const previous = versions.at(-1);
  if (!previous) return undefined;
  const drafts = draftPrefix(reportId, periodId, audience);
  const message = await store.get(`${drafts}/${CORRECTION_MESSAGE}`);
  const messageId = message && messageIdIn(message);
  if (!messageId || versions.some((version) => version.messageId === messageId)) return undefined;
  const corrections = records.filter(
    (record) => record.correction && record.messageId === messageId && handedOver(record),
  );
  const model = await store.get(archiveKeys(drafts).json);
  if (corrections.length === 0 || !model) return undefined;
  const prefix = sentVersionPrefix(reportId, periodId, audience, previous.version + 1);
  // the render and the correction's message, as the send left them; the plain message.eml beside them never went out
  await copyRender(
    store,
    drafts,
    [prefix, archivePrefix(reportId, periodId, audience)],
    (name) => name === 'message.eml',
  );
  const reason = corrections.find((record) => record.reason)?.reason;
  const record: SentVersion = {
    ...interruptedVersion(corrections, {
      version: previous.version + 1,
      reportId,
      periodId,
      audience,
      messageId,
      dataIncomplete: (decodeJson(model, store.locate(archiveKeys(drafts).json)) as Briefing).dataIncomplete,
    }),
    correction: true,
    ...(reason ? { reason } : {}),
    corrects: previous.version,
  };
  await store.put(`${prefix}/version.json`, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  return record;
}

function contentTypeOf(key: string): string {
  if (key.endsWith('.png')) return 'image/png';
  if (key.endsWith('.json')) return 'application/json';
  if (key.endsWith('.txt')) return 'text/plain; charset=utf-8';
  if (key.endsWith('.html')) return 'text/html; charset=utf-8';
  if (key.endsWith('.eml')) return 'message/rfc822';
  return 'application/octet-stream';
}

/** Where a run renders an audience's report, and what was sent to it before. */
export interface AudienceArchivePlan {
  /** The draft prefix, or undefined for the audience's own archive prefix. */
  readonly prefix: string | undefined;
  readonly lastSent: SentVersionWithModel | undefined;
}

/**
 * A dry run renders as a draft; so does any run once a version went out to the audience,
 * counting a send that stopped before it was recorded (recordInterruptedSend, from the ledger).
 */
export async function planAudienceArchive(
  store: ReportStore,
  ledger: Pick<DeliveryLedger, 'list'>,
  reportId: string,
  periodId: string,
  audience: string,
  options: { readonly dryRun: boolean },
): Promise<AudienceArchivePlan> {
  const records = await ledger.list(reportId, periodId, audience);
  await recordInterruptedSend(store, reportId, periodId, audience, records);
  await recordInterruptedCorrection(store, reportId, periodId, audience, records);
  const lastSent = await lastSentVersion(store, reportId, periodId, audience);
  const draft = options.dryRun || lastSent !== undefined;
  return { prefix: draft ? draftPrefix(reportId, periodId, audience) : undefined, lastSent };
}

export type SendDecision =
  | {
      readonly action: 'deliver';
      readonly correctionNote?: CorrectionNote;
      /**
       * A resend that asks for the correction the audience last got, as it was (its reason, its
       * figures, its language): the same command again after it stopped halfway. It is finished,
       * as a rerun would (the recipients it queued), not mailed again to those who have it.
       */
      readonly repeatsLastCorrection?: true;
    }
  /** The figures differ from what went out: only a resend with a reason may send them. */
  | { readonly action: 'figures-changed'; readonly sentAt: string };

/**
 * Whether a run may deliver an audience's new render: always when nothing went out yet or the
 * figures are those sent (a rerun completes the recipients still missing); a resend carries a
 * note of why and what changed; otherwise changed figures stop the audience's delivery.
 */
export function decideSend(
  archived: ArchivedReport,
  lastSent: SentVersionWithModel | undefined,
  options: { readonly resend: boolean; readonly reason?: string | undefined },
): SendDecision {
  if (!lastSent) return { action: 'deliver' };
  const differ = figuresDiffer(lastSent.model, archived.model);
  if (
    options.resend &&
    options.reason !== undefined &&
    lastSent.record.correction &&
    lastSent.record.reason === options.reason &&
    lastSent.model.locale === archived.model.locale &&
    !differ
  )
    return { action: 'deliver', repeatsLastCorrection: true };
  if (options.resend) {
    const changes = changedFigures(lastSent.model, archived.model);
    return {
      action: 'deliver',
      correctionNote: {
        reason: options.reason ?? '',
        correctsSentAt: lastSent.record.sentAt,
        correctsLocale: lastSent.model.locale,
        changes,
        otherFiguresChanged:
          changes.length === 0 &&
          differ &&
          figuresDiffer(withoutCompleteness(lastSent.model), withoutCompleteness(archived.model)),
        dataCompleted: lastSent.model.dataIncomplete && !archived.model.dataIncomplete,
      },
    };
  }
  return differ ? { action: 'figures-changed', sentAt: lastSent.record.sentAt } : { action: 'deliver' };
}

/**
 * A rerun that sent the last version's figures to recipients who lacked them (added to the
 * audience since, or failed before) built its own message (another Date, another render time):
 * kept beside the version it completes, in a folder of its own, written once.
 */
async function recordCompletion(
  store: ReportStore,
  completed: SentVersion,
  run: Omit<SentRun, 'correction' | 'reason'> & { readonly possibleDuplicates: number },
): Promise<SentCompletion> {
  const { reportId, periodId, audience } = completed;
  const folder = `${run.sentAt.toISOString()}-${run.runId}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const prefix = `${sentVersionPrefix(reportId, periodId, audience, completed.version)}/completions/${folder}`;
  if (await store.get(`${prefix}/completion.json`))
    throw new ArchiveError(`${store.locate(prefix)} exists already: another run recorded it; nothing overwritten`);
  const message = await messageOfSend(store, run.messageKey);
  const record: SentCompletion = {
    version: completed.version,
    sentAt: run.sentAt.toISOString(),
    runId: run.runId,
    recipients: run.recipients,
    messageId: run.messageId,
    ...(run.possibleDuplicates > 0 ? { possibleDuplicates: run.possibleDuplicates } : {}),
  };
  await store.put(`${prefix}/${message.name}`, message.body, 'message/rfc822');
  await store.put(`${prefix}/completion.json`, `${JSON.stringify(record, null, 2)}\n`, 'application/json');
  return record;
}

/** The completions of a sent version, oldest first. */
export async function listCompletions(store: ReportStore, version: SentVersion): Promise<SentCompletion[]> {
  const prefix = `${sentVersionPrefix(version.reportId, version.periodId, version.audience, version.version)}/completions/`;
  const keys = (await store.list(prefix)).filter((key) => key.endsWith('/completion.json'));
  const completions = await Promise.all(
    keys.map(async (key) => completionSchema.parse(decodeJson((await store.get(key))!, store.locate(key)))),
  );
  return completions.sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

/**
 * After an audience's delivery: the first version that reached anyone, and every resend that
 * did, is recorded as a sent version; a rerun that only completed missing recipients of the
 * same figures records a completion of the last version.
 */
export async function recordDelivery(
  store: ReportStore,
  archived: ArchivedReport,
  outcome: {
    readonly sent: number;
    readonly messageKey: string;
    readonly resend: boolean;
    readonly dryRun: boolean;
    readonly messageId?: string | undefined;
    /** Of the recipients sent, those sent again flagged as a possible duplicate. */
    readonly possibleDuplicates?: number;
  },
  lastSent: SentVersionWithModel | undefined,
  run: { readonly runId: string; readonly at: Date; readonly reason?: string | undefined },
): Promise<SentVersion | undefined> {
  if (outcome.dryRun || outcome.sent === 0) return undefined;
  if (lastSent && !outcome.resend) {
    await recordCompletion(store, lastSent.record, {
      runId: run.runId,
      sentAt: run.at,
      recipients: outcome.sent,
      messageId: outcome.messageId ?? '',
      messageKey: outcome.messageKey,
      possibleDuplicates: outcome.possibleDuplicates ?? 0,
    });
    return undefined;
  }
  const correction = outcome.resend && lastSent !== undefined;
  return recordSentVersion(store, archived, {
    runId: run.runId,
    sentAt: run.at,
    recipients: outcome.sent,
    messageId: outcome.messageId ?? '',
    correction,
    ...(correction && run.reason ? { reason: run.reason } : {}),
    messageKey: outcome.messageKey,
  });
}

/** One step of a period's correction lineage: a version sent to one or more audiences by one run. */
export interface LineageEntry {
  readonly version: number;
  readonly correction: boolean;
  readonly sentAt: string;
  readonly runId: string;
  readonly reason?: string;
  readonly audiences: readonly string[];
  readonly recipients: number;
  /** Recipients later runs sent the same version to (its completions). */
  readonly completedFor: number;
  /** Of those, the ones sent again flagged as possible duplicates: they may have had it already. */
  readonly completedAgain: number;
  readonly dataIncomplete: boolean;
}

/** What went out for a period, oldest first: the first send, then each correction, with why and by which run. */
export async function correctionLineage(
  store: ReportStore,
  reportId: string,
  periodId: string,
  audiences: readonly string[],
): Promise<LineageEntry[]> {
  const entries = new Map<string, { -readonly [K in keyof LineageEntry]: LineageEntry[K] }>();
  for (const audience of audiences) {
    for (const version of await listSentVersions(store, reportId, periodId, audience)) {
      const key = `${version.runId}\u0000${version.version}`;
      const entry = entries.get(key);
      const completions = await listCompletions(store, version);
      const completedFor = completions.reduce((sum, later) => sum + later.recipients, 0);
      const completedAgain = completions.reduce((sum, later) => sum + (later.possibleDuplicates ?? 0), 0);
      if (entry) {
        entry.audiences = [...entry.audiences, audience];
        entry.recipients += version.recipients;
        entry.completedFor += completedFor;
        entry.completedAgain += completedAgain;
        // biome-ignore lint/complexity/useMathMinMax: ISO timestamps compare as strings; Math.min would turn them into NaN
        entry.sentAt = entry.sentAt < version.sentAt ? entry.sentAt : version.sentAt;
        continue;
      }
      entries.set(key, {
        version: version.version,
        correction: version.correction,
        sentAt: version.sentAt,
        runId: version.runId,
        ...(version.reason ? { reason: version.reason } : {}),
        audiences: [audience],
        recipients: version.recipients,
        completedFor,
        completedAgain,
        dataIncomplete: version.dataIncomplete,
      });
    }
  }
  return [...entries.values()].sort((a, b) => a.sentAt.localeCompare(b.sentAt) || a.version - b.version);
}
