// The file transport, the local default: each send writes the message as an .eml file that any
// mail client opens, so a run needs no mail server. A second send to the same recipient (a
// correction, a possible duplicate) gets its own file beside the first, as a mailbox would.
import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DeliveryKey, MailTransport, OutgoingMail } from '#core/delivery-ports.ts';
import { MailSendError } from '#core/delivery-ports.ts';

/** Where the .eml for one delivery goes, without the ".eml" (a counter may be added). */
export type OutboxLayout = (key: DeliveryKey) => string;

function safeName(part: string): string {
  return encodeURIComponent(part).replace(/%40/g, '@');
}

/** OUT/<report>/<period>/<audience>/outbox/<recipient>.eml, beside the archived report. */
export function besideReport(outDir: string): OutboxLayout {
  return (key) =>
    join(
      outDir,
      safeName(key.reportId),
      safeName(key.periodId),
      safeName(key.audience),
      'outbox',
      safeName(key.recipient),
    );
}

/** <outbox>/<report>/<period>/<audience>/<recipient>.eml, in a folder of its own. */
export function inOutboxFolder(outbox: string): OutboxLayout {
  return (key) =>
    join(outbox, safeName(key.reportId), safeName(key.periodId), safeName(key.audience), safeName(key.recipient));
}

export class FileTransport implements MailTransport {
  readonly name = 'file';

  constructor(private readonly layout: OutboxLayout) {}

  async send(mail: OutgoingMail): Promise<{ providerMessageId: string }> {
    const base = this.layout(mail.key);
    const temporary = `${base}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(dirname(base), { recursive: true });
      await writeFile(temporary, mail.raw);
      // link() refuses an existing name, so two sends never overwrite each other's file.
      for (let copy = 1; ; copy += 1) {
        const path = copy === 1 ? `${base}.eml` : `${base}.${copy}.eml`;
        try {
          await link(temporary, path);
          return { providerMessageId: path };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    } catch (error) {
      throw new MailSendError(
        `could not write the message for ${mail.key.audience}: ${(error as Error).message}`,
        false,
        { cause: error },
      );
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }
}
