// The recipients configuration as a file: read, parsed and validated once, with the file named
// in every error. Used by every command that delivers (and by the bench).
import { readFile } from 'node:fs/promises';
import { ConfigurationError } from '#core/errors.ts';
import { parseJsonText } from '#core/json-text.ts';
import { parseRecipients, type RecipientsConfig } from '#core/recipients.ts';
import { DEFAULT_RECIPIENTS_FILE } from './command-options.ts';

export { DEFAULT_RECIPIENTS_FILE };

export async function loadRecipients(path: string): Promise<RecipientsConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigurationError(`cannot read recipients file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const json = parseJsonText(text);
  if (!json.ok) throw new ConfigurationError(`cannot read recipients file ${path}: ${json.problem}`);
  return parseRecipients(json.value, path);
}
