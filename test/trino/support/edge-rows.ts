// Rows added to a generated lake where two engines could part ways: instants a millisecond
// either side of Beijing midnight at the bounds of 2019-W50 and December 2019, a value-mirror
// leaver with cents in the fee, answers re-delivered a day later, and a re-delivered file (the
// same rows again in a second file).
import { hash } from '../../fixtures/hand-made-lake.ts';
import { type FixtureRow, writePartition } from '../../support/lake-writer.ts';

/** UTC instants of Beijing midnights: 2019-12-09 00:00 and 2019-12-16 00:00 (W50), 2019-12-01 and 2020-01-01. */
const MIDNIGHTS_UTC = ['2019-12-08 16:00:00', '2019-12-15 16:00:00', '2019-11-30 16:00:00', '2019-12-31 16:00:00'];

function utcMillis(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** The Beijing date of a UTC instant: the dt partition of a row stamped then. */
function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
}

function edgePorts(): FixtureRow[] {
  return MIDNIGHTS_UTC.flatMap((midnight, index) =>
    [-1, 0].map((offset): FixtureRow => {
      const completed = utcMillis(midnight) + offset;
      const requested = completed - 20 * 3_600_000;
      return {
        port_id: `EDGE-P${index}${offset === 0 ? 'B' : 'A'}`,
        msisdn_hash: hash(`edge-${index}-${offset}`),
        province_code: '44',
        donor_operator: 'CMCC',
        recipient_operator: index % 2 === 0 ? 'CTCC' : 'CUCC',
        status: 'completed',
        reject_reason: null,
        requested_at: sqlTimestamp(requested),
        completed_at: sqlTimestamp(completed),
        channel: 'online',
        tenure_months: 40,
        plan_code: 'CMCC-58',
        monthly_fee_cny: 58.35,
        updated_at: sqlTimestamp(completed),
        dt: beijingDate(requested),
      };
    }),
  );
}

function edgeRejections(): FixtureRow[] {
  return MIDNIGHTS_UTC.flatMap((midnight, index) =>
    [-1, 0].map((offset): FixtureRow => {
      const requested = utcMillis(midnight) + offset;
      return {
        port_id: `EDGE-R${index}${offset === 0 ? 'B' : 'A'}`,
        msisdn_hash: hash(`edge-r-${index}-${offset}`),
        province_code: '11',
        donor_operator: 'CUCC',
        recipient_operator: 'CMCC',
        status: 'rejected',
        reject_reason: 'ARREARS',
        requested_at: sqlTimestamp(requested),
        completed_at: null,
        channel: 'store',
        tenure_months: 3,
        plan_code: 'CUCC-88',
        monthly_fee_cny: 88,
        updated_at: sqlTimestamp(requested + 60_000),
        dt: beijingDate(requested),
      };
    }),
  );
}

function edgeExits(): FixtureRow[] {
  return MIDNIGHTS_UTC.flatMap((midnight, index) =>
    [-1, 0].map((offset): FixtureRow => {
      const collected = utcMillis(midnight) + offset;
      return {
        response_id: `EDGE-E${index}${offset === 0 ? 'B' : 'A'}`,
        port_id: null,
        msisdn_hash: hash(`edge-e-${index}-${offset}`),
        province_code: '44',
        operator_code: 'CMCC',
        category_code: index % 2 === 0 ? 'PRICE' : 'NETWORK',
        subcategory_code: null,
        collected_at: sqlTimestamp(collected),
        channel: 'sms',
        verbatim: null,
        dt: beijingDate(collected),
      };
    }),
  );
}

/**
 * Answers of the last millisecond of a Beijing day re-delivered 25 hours later, in another
 * category: a window holding both days counts the later copy only (the curated layer's
 * exit_answers_superseded), a window ending on the first day the earlier one.
 */
function edgeRedeliveredExits(): FixtureRow[] {
  return edgeExits()
    .filter((row) => String(row['response_id']).endsWith('A') && !String(row['response_id']).startsWith('EDGE-E3'))
    .map((row) => {
      const collected = utcMillis(String(row['collected_at'])) + 25 * 3_600_000;
      return { ...row, category_code: 'SERVICE', collected_at: sqlTimestamp(collected), dt: beijingDate(collected) };
    });
}

async function writeByPartition(
  lakeDir: string,
  table: 'port_requests' | 'exit_reasons',
  rows: readonly FixtureRow[],
  fileName: string,
) {
  const byDate = new Map<string, FixtureRow[]>();
  for (const row of rows) byDate.set(String(row['dt']), [...(byDate.get(String(row['dt'])) ?? []), row]);
  for (const [dt, partitionRows] of byDate) await writePartition(lakeDir, table, dt, partitionRows, { fileName });
}

/** Writes the edge rows twice (edges-0 and a re-delivered edges-1) into the lake's partitions. */
export async function addEdgeRows(lakeDir: string): Promise<void> {
  for (const fileName of ['edges-0.parquet', 'edges-1.parquet']) {
    await writeByPartition(lakeDir, 'port_requests', [...edgePorts(), ...edgeRejections()], fileName);
    await writeByPartition(lakeDir, 'exit_reasons', [...edgeExits(), ...edgeRedeliveredExits()], fileName);
  }
}
