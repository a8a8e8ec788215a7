// Where a local lake's curated layer lives: MNP_CURATED_DIR, or <lake>/_curated beside the raw
// table folders (a name starting with '_' is not a table to any reader of the lake, Athena
// included). A read-only lake takes MNP_CURATED_DIR or `curate --curated DIR`.
import { join } from 'node:path';

export const CURATED_FOLDER = '_curated';

export function curatedDirOf(lakeDir: string, explicit?: string): string {
  const fromEnvironment = process.env.MNP_CURATED_DIR?.trim();
  return explicit ?? (fromEnvironment ? fromEnvironment : join(lakeDir, CURATED_FOLDER));
}
