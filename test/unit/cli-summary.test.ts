// What `run` prints for each report: its headline figures read as the briefing writes them, so
// a change that is not zero never reads 0.0 % on the terminal either.
import { describe, expect, it } from 'vitest';
import { headlineLines } from '#cli/summary.ts';
import type { HqWeeklyBriefing } from '#core/report-model.ts';
import type { ArchivedReport } from '#core/report-run.ts';
import { smallHqModel } from './render-models.ts';

function archivedWith(model: HqWeeklyBriefing): ArchivedReport {
  return {
    reportId: model.report,
    periodId: model.period.id,
    audience: 'hq',
    locale: 'en',
    prefix: 'hq-weekly/2019-W48/hq/',
    keys: { html: 'briefing.html', json: 'briefing.json', text: 'briefing.txt' },
    model,
    rendered: { html: '', text: '', images: [], pageHtml: '' },
  };
}

describe('the headline lines of a run', () => {
  it('writes a small relative change with the digits it needs, as the page does', () => {
    const model = smallHqModel();
    // 5,001 port-outs against 5,000
    model.headline = { ...model.headline, portOuts: 5_001, portOutsChange: 1 / 5_000 };
    const [, figures] = headlineLines(archivedWith(model), (key) => key);
    expect(figures).toContain('port-outs 5,001 (+0.02%)');
  });

  it('writes no change as 0.0% and a missing one not at all', () => {
    const model = smallHqModel();
    model.headline = { ...model.headline, portOuts: 12, portOutsChange: 0 };
    expect(headlineLines(archivedWith(model), (key) => key)[1]).toContain('port-outs 12 (0.0%)');
    model.headline = { ...model.headline, portOutsChange: null };
    expect(headlineLines(archivedWith(model), (key) => key)[1]).toContain('port-outs 12, port-out rate');
  });
});
