// Helpers of the plain-text part only: tables whose columns line up in a terminal (Chinese
// characters are two cells wide) and prose wrapped to the terminal's width.
import type Handlebars from 'handlebars';
import { layOutColumns, type TextCell, wrapText } from './text-columns.ts';

/** The width of the text part's prose, in terminal cells. */
const TEXT_WIDTH = 76;

interface TableData {
  textTable?: TextCell[][];
}

/**
 * Plain-text tables: {{#textTable}} collects the rows its {{#row}} blocks declare, cell by cell
 * ({{cell x}} for words, {{figure x}} for right-aligned figures), then prints them in columns
 * as wide as their content. The template still says which figure goes where.
 */
export function registerTextHelpers(hbs: typeof Handlebars): void {
  type BlockOptions = { fn: (context: unknown, options?: { data: unknown }) => string; data: TableData };
  const tableOf = (options: { data: TableData }): TextCell[][] => {
    const table = options.data.textTable;
    if (!table) throw new Error('{{cell}}, {{figure}} and {{#row}} belong inside {{#textTable}}');
    return table;
  };
  const addCell = (text: unknown, right: boolean, options: { data: TableData }) => {
    const row = tableOf(options).at(-1);
    if (!row) throw new Error('{{cell}} and {{figure}} belong inside {{#row}}');
    row.push({ text: String(text), right });
    return '';
  };
  hbs.registerHelper({
    textTable(this: unknown, options: BlockOptions) {
      const data = hbs.createFrame(options.data) as TableData;
      data.textTable = [];
      options.fn(this, { data });
      return `${layOutColumns(data.textTable)}\n`;
    },
    row(this: unknown, options: BlockOptions) {
      tableOf(options).push([]);
      options.fn(this, { data: options.data });
      return '';
    },
    cell: (text: unknown, options: { data: TableData }) => addCell(text, false, options),
    figure: (text: unknown, options: { data: TableData }) => addCell(text, true, options),
    /** Prose wrapped for a terminal: {{wrap sentence}}; indent=4 indents the lines after the first. */
    wrap: (text: unknown, options: { hash: { indent?: number } }) => {
      const indent = options.hash.indent ?? 0;
      return wrapText(String(text), TEXT_WIDTH - indent).replaceAll('\n', `\n${' '.repeat(indent)}`);
    },
  });
}
