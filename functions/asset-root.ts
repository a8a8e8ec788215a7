// Where the repository's runtime files (functions/sql, templates, assets) are read from. In the
// repository that is its root; in a Lambda bundle the code is flattened into one file, so the
// bundle carries those folders under the task root with the same relative paths.
import { pathToFileURL } from 'node:url';

const lambdaTaskRoot = process.env['LAMBDA_TASK_ROOT'];

export const assetRoot: URL = lambdaTaskRoot
  ? pathToFileURL(`${lambdaTaskRoot.replace(/\/$/, '')}/`)
  : new URL('../', import.meta.url);

/** A file of the repository, by its path from the root (e.g. "templates/locales/en.json"). */
export function assetUrl(relativePath: string): URL {
  return new URL(relativePath, assetRoot);
}
