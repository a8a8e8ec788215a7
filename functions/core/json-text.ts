// Text read back as JSON (a journal, a ledger record, a snapshot, a config file), or why not, in
// one line: errors name their file on one line, and Node's parser quotes the text around the
// fault, line breaks included.

export type JsonText =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: string };

export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: text.trim() === '' ? 'empty' : (error as Error).message.replace(/\s*\n\s*/g, ' ') };
  }
}
