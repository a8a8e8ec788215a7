// Reads a rendered briefing the way a reader finds a figure: the opening sentence of a section,
// the cell of a table at its row and column, the value of a headline block. Tests then check a
// figure in its place rather than "somewhere in the page".
import { type CheerioAPI, load } from 'cheerio';

export interface BriefingPage {
  /** The opening sentence of the section whose heading is `heading`. */
  lead(heading: string): string;
  /** The cell of the table captioned `caption` (its start), in the row whose header starts with `row`, under the column headed `column`. */
  cell(caption: string, row: string, column: string): string;
  /** The rows of the table captioned `caption`: row header -> cells. */
  rows(caption: string): Map<string, string[]>;
  /** The texts of the headline block labelled `label`: [value line, change line]. */
  kpi(label: string): string[];
}

const text = ($: CheerioAPI, element: Parameters<CheerioAPI>[0]) => $(element).text().replace(/\s+/g, ' ').trim();

export function readBriefingPage(html: string): BriefingPage {
  const $ = load(html);
  const table = (caption: string) => {
    const found = $('table').filter((_, element) => text($, $(element).find('caption')).startsWith(caption));
    if (found.length !== 1) throw new Error(`expected one table captioned "${caption}", found ${found.length}`);
    return found.first();
  };
  return {
    lead(heading) {
      const h2 = $('h2').filter((_, element) => text($, element) === heading);
      if (h2.length !== 1) throw new Error(`expected one section headed "${heading}", found ${h2.length}`);
      return text($, h2.first().nextAll('p.lead').first());
    },
    rows(caption) {
      const rows = new Map<string, string[]>();
      table(caption)
        .find('tbody tr')
        .each((_, tr) => {
          rows.set(
            text($, $(tr).find('th').first()),
            $(tr)
              .find('td')
              .map((__, td) => text($, td))
              .get(),
          );
        });
      return rows;
    },
    cell(caption, row, column) {
      const found = table(caption);
      const headers = found
        .find('thead th')
        .map((_, th) => text($, th))
        .get();
      const index = headers.indexOf(column);
      if (index < 1) throw new Error(`no column "${column}" in "${caption}": ${headers.join(' | ')}`);
      const tr = found.find('tbody tr').filter((_, element) => text($, $(element).find('th').first()).startsWith(row));
      if (tr.length !== 1) throw new Error(`expected one row "${row}" in "${caption}", found ${tr.length}`);
      return text(
        $,
        tr
          .first()
          .find('td')
          .eq(index - 1),
      );
    },
    kpi(label) {
      const block = $('td.kpi').filter((_, element) => text($, $(element).find('p.kpi-label')) === label);
      if (block.length !== 1) throw new Error(`expected one headline block "${label}", found ${block.length}`);
      return block
        .first()
        .find('p')
        .not('.kpi-label')
        .map((_, p) => text($, p))
        .get();
    },
  };
}
