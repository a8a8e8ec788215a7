// What the run command prints about each report: where it went and its headline figures.
import type { ArchivedReport } from '#core/report-run.ts';
import { categoryByCode, provinceByCode } from '#reference/index.ts';
import { createFormatter } from '#render/format.ts';

// Every figure reads as in the briefing (the same formatter and precision rules), in English:
// a relative change that is not zero never reads 0.0 %.
const english = createFormatter('en');

const count = (value: number) => english.count(value);
const signed = (value: number) => english.signed(value);
const signedOrDash = (value: number | null) => (value === null ? '—' : signed(value));
const change = (value: number | null) => (value === null ? '' : ` (${english.change(value)})`);

export function headlineLines(report: ArchivedReport, locate: (key: string) => string): string[] {
  const { model } = report;
  const who =
    model.report === 'province-monthly' ? ` ${provinceByCode.get(model.provinceCode)?.en ?? model.provinceCode}` : '';
  const head = model.headline;
  const top = head.topCategory;
  return [
    `${model.report} ${model.period.id}${who} -> ${locate(report.keys.html)}`,
    `  net flow (${model.homeOperator}) ${signed(head.net)} (${signedOrDash(head.netChange)} on the previous period), port-outs ${count(head.portOuts)}${change(head.portOutsChange)}, port-out rate ${english.rate(head.portOutRate)} (${english.points(head.portOutRateChange)})`,
    `  top category of leavers: ${top ? `${[top.category, ...top.tiedWith].map((code) => categoryByCode.get(code)?.en ?? code).join(', ')}${top.tiedWith.length > 0 ? ' (tied)' : ''} ${english.share(top.share)}` : '—'}; data quality: ${count(model.dataQuality.rowsRead)} rows read, ${count(model.dataQuality.quarantinedTotal)} quarantined, ${model.dataQuality.partitionsMissing.length} partitions missing`,
  ];
}
