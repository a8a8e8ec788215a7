// Every metric query of both report kinds gives the same rows on DuckDB and on a real Trino (the
// engine Athena runs), over the same Parquet files: the hand-made lake, and a generated lake with
// quarantined rows, status updates, a re-delivered file and instants at Beijing midnight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePeriod } from '#core/period.ts';
import { METRIC_QUERIES, type MetricQueryName } from '#core/ports.ts';
import { planQueries } from '#core/query-plan.ts';
import { reportDefinition } from '#core/report-definitions.ts';
import { comparableRows, type EnginePair, openEngines, trinoSkipReason } from './support/engines.ts';
import { TEST_LAKES, type TestLakeName } from './support/lakes.ts';

const CASES = (Object.keys(TEST_LAKES) as TestLakeName[]).flatMap((lake) => [
  { lake, report: 'hq-weekly', period: TEST_LAKES[lake].week },
  { lake, report: 'province-monthly', period: TEST_LAKES[lake].month },
]);

describe.skipIf(trinoSkipReason !== '')('DuckDB and Trino', () => {
  describe.each(CASES)('$report $period on the $lake lake', ({ lake, report, period }) => {
    const plan = planQueries(parsePeriod(period), reportDefinition(report).trend);
    let engines: EnginePair;

    beforeAll(async () => {
      engines = await openEngines(lake);
    });

    afterAll(async () => {
      await engines?.close();
    });

    it.each(METRIC_QUERIES.map((name) => [name]))('%s gives identical rows', async (name: MetricQueryName) => {
      const duckdbRows = await engines.duckdb.runMetric(name, plan.queries[name]);
      const trinoRows = await engines.trino.runMetric(name, plan.queries[name]);
      // The queries have something to agree on: an empty result on both would prove nothing.
      expect(duckdbRows.length).toBeGreaterThan(0);
      expect(comparableRows(trinoRows)).toEqual(comparableRows(duckdbRows));
    });
  });
});
