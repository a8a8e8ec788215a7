// Reading what a run left behind the way a person or a mail client would: every file under a
// folder, and each .eml decoded by mailparser (base64 and quoted-printable parts, encoded
// headers, inline images), so that a scan for a seeded value cannot be fooled by an encoding.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';

export interface ScannedPlace {
  /** A file path, a file path with #part for a mail part, or "log:<n>". */
  readonly place: string;
  readonly text: string;
}

export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

export async function parseEml(path: string): Promise<ParsedMail> {
  return simpleParser(await readFile(path), { keepCidLinks: true });
}

/** The decoded parts of one message: headers, subject, text, HTML, each attachment. */
export function mailParts(path: string, mail: ParsedMail): ScannedPlace[] {
  const headers = [
    ...mail.headerLines.map((line) => line.line),
    ...[...mail.headers.entries()].map(([key, value]) => `${key}: ${JSON.stringify(value)}`),
  ].join('\n');
  return [
    { place: `${path}#headers`, text: headers },
    { place: `${path}#subject`, text: mail.subject ?? '' },
    { place: `${path}#text`, text: mail.text ?? '' },
    { place: `${path}#html`, text: typeof mail.html === 'string' ? mail.html : '' },
    ...mail.attachments.map((attachment, index) => ({
      place: `${path}#attachment-${index}`,
      text: `${attachment.filename ?? ''}\n${attachment.content.toString('utf8')}\n${attachment.content.toString('latin1')}`,
    })),
  ];
}

/** Every file under `dir` as raw text (utf8 and latin1), plus every .eml decoded part by part. */
export async function scanOutputs(dir: string): Promise<{ places: ScannedPlace[]; files: number; mails: number }> {
  const places: ScannedPlace[] = [];
  let mails = 0;
  for (const path of await filesUnder(dir)) {
    const raw = await readFile(path);
    places.push({ place: path, text: `${raw.toString('utf8')}\n${raw.toString('latin1')}` });
    if (path.endsWith('.eml')) {
      mails += 1;
      places.push(...mailParts(path, await parseEml(path)));
    }
  }
  return { places, files: places.filter((place) => !place.place.includes('#')).length, mails };
}

/** Where each needle occurs: "needle in place". */
export function findLeaks(places: readonly ScannedPlace[], needles: readonly string[]): string[] {
  const found: string[] = [];
  for (const needle of needles) {
    for (const { place, text } of places) if (text.includes(needle)) found.push(`${needle} in ${place}`);
  }
  return found;
}

export interface MailboxCount {
  readonly audience: string;
  readonly recipient: string;
  readonly total: number;
  /** Copies that carry X-MNP-Possible-Duplicate: yes. */
  readonly flagged: number;
  readonly messageIds: readonly string[];
}

/**
 * The file transport's outboxes as mailboxes: OUT/<report>/<period>/<audience>/outbox/
 * <recipient>.eml, a second copy <recipient>.2.eml, and so on. One entry per recipient.
 */
export async function countMailboxes(outDir: string): Promise<MailboxCount[]> {
  const counts = new Map<
    string,
    { audience: string; recipient: string; total: number; flagged: number; messageIds: string[] }
  >();
  for (const path of await filesUnder(outDir)) {
    if (!path.endsWith('.eml') || basename(dirname(path)) !== 'outbox') continue;
    const recipient = basename(path).replace(/(\.\d+)?\.eml$/, '');
    const audience = basename(dirname(dirname(path)));
    const mail = await parseEml(path);
    const key = `${audience}\u0000${recipient}`;
    const entry = counts.get(key) ?? { audience, recipient, total: 0, flagged: 0, messageIds: [] };
    entry.total += 1;
    if (String(mail.headers.get('x-mnp-possible-duplicate') ?? '') === 'yes') entry.flagged += 1;
    entry.messageIds.push(mail.messageId ?? '');
    counts.set(key, entry);
  }
  return [...counts.values()].sort(
    (a, b) => a.audience.localeCompare(b.audience) || a.recipient.localeCompare(b.recipient),
  );
}
