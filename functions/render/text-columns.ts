// Column alignment for the plain-text part: Chinese characters take two terminal cells, so
// padding counts display width rather than string length.

const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x20000, 0x3fffd],
];

function cellWidth(codePoint: number): number {
  if (codePoint < WIDE_RANGES[0]![0]) return 1;
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 2 : 1;
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += cellWidth(char.codePointAt(0)!);
  return width;
}

export interface TextCell {
  readonly text: string;
  readonly right: boolean;
}

/** Lays rows out in columns as wide as their widest cell, two spaces apart, figures right-aligned. */
export function layOutColumns(rows: readonly (readonly TextCell[])[], indent = 2): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell.text));
  return rows
    .map((row) => {
      const cells = row.map((cell, i) => {
        const gap = ' '.repeat(widths[i]! - displayWidth(cell.text));
        return cell.right ? gap + cell.text : cell.text + gap;
      });
      return (' '.repeat(indent) + cells.join('  ')).trimEnd();
    })
    .join('\n');
}

// Opening marks: fullwidth ( “ 《 「 『 【; closing marks: fullwidth , . ; : ) and 、 》 」 』 】 ” ! ?
const OPENING = /^[\uff08\u201c\u300a\u300c\u300e\u3010]$/;
const CLOSING = /^[\uff0c\u3002\uff1b\uff1a\u3001\uff09\u300b\u300d\u300f\u3011\u201d\uff01\uff1f]/;

/** Splits prose into unbreakable units: words, single Chinese characters, runs of spaces. */
function unitsOf(text: string): string[] {
  const raw =
    text.match(
      /\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d]+/g,
    ) ?? [];
  // Chinese line breaking: a closing mark never starts a line, an opening mark never ends one.
  const units: string[] = [];
  for (const unit of raw) {
    const last = units.at(-1);
    if (last !== undefined && (CLOSING.test(unit) || OPENING.test(last.slice(-1))) && !/^\s/.test(unit))
      units[units.length - 1] = last + unit;
    else units.push(unit);
  }
  return units;
}

/** Wraps prose to a display width: at spaces in English, between characters in Chinese. */
export function wrapText(text: string, width: number): string {
  const units = unitsOf(text);
  const lines: string[] = [];
  let line = '';
  // The display width of `line`, kept as it grows (display width adds up over characters).
  let lineWidth = 0;
  for (const unit of units) {
    const isSpace = /^\s+$/.test(unit);
    const unitWidth = displayWidth(unit);
    if (line !== '' && !isSpace && lineWidth + unitWidth > width) {
      lines.push(line.trimEnd());
      line = '';
      lineWidth = 0;
    }
    if (!(isSpace && line === '')) {
      line += unit;
      lineWidth += unitWidth;
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines.join('\n');
}
