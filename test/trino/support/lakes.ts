// The lakes both engines read in the Trino tests, written once by the global setup: the
// hand-made lake of the figure tests, and a generated lake (bad rows, status updates) with
// Beijing-midnight edges and a re-delivered file added. Each gets a schema in the test Trino.
import { join } from 'node:path';
import { generateLake } from '#lakegen/generate-lake.ts';
import { writeHandMadeLake } from '../../fixtures/hand-made-lake.ts';
import { addEdgeRows } from './edge-rows.ts';

export interface TestLake {
  /** The Trino schema of its tables. */
  readonly schema: string;
  /** The report periods the tests run on it. */
  readonly week: string;
  readonly month: string;
  readonly province: string;
}

export const TEST_LAKES = {
  handmade: { schema: 'handmade', week: '2019-W48', month: '2019-11', province: '44' },
  generated: { schema: 'generated', week: '2019-W50', month: '2019-12', province: '44' },
} as const satisfies Record<string, TestLake>;

export type TestLakeName = keyof typeof TEST_LAKES;

export async function writeTestLake(name: TestLakeName, root: string): Promise<string> {
  const lakeDir = join(root, name);
  if (name === 'handmade') {
    await writeHandMadeLake(lakeDir);
  } else {
    await generateLake({ lakeDir, from: '2019-11-01', to: '2019-12-31', seed: 1789, scale: 0.1 });
    await addEdgeRows(lakeDir);
  }
  return lakeDir;
}
