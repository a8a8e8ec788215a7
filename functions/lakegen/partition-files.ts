// File-level helpers of the lake writer: the completeness markers of partition folders.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes the empty _SUCCESS marker into each folder. In parallel: this runs as a background
 * job beside a busy generator, where each awaited step waits for a turn of the event loop.
 */
export async function markPartitionsComplete(partitionDirs: readonly string[]): Promise<void> {
  await Promise.all(partitionDirs.map((dir) => writeFile(join(dir, '_SUCCESS'), '')));
}
