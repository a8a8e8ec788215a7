// The plain-text part in a terminal: columns that line up with Chinese text, prose that wraps.
import { describe, expect, it } from 'vitest';
import { displayWidth, layOutColumns, wrapText } from '#render/text-columns.ts';

describe('display width', () => {
  it('counts a Chinese character as two terminal cells', () => {
    expect(displayWidth('中国移动')).toBe(8);
    expect(displayWidth('−1,234')).toBe(6);
  });
});

describe('text columns', () => {
  it('line up figures on the right, whatever the script of the labels', () => {
    // prepare
    const rows = [
      [
        { text: '运营商', right: false },
        { text: 'Port-ins', right: true },
      ],
      [
        { text: '中国移动', right: false },
        { text: '4,444', right: true },
      ],
    ];
    // act
    const table = layOutColumns(rows);
    // assess
    expect(table.split('\n')).toEqual(['  运营商    Port-ins', '  中国移动     4,444']);
  });
});

describe('wrapped prose', () => {
  it('breaks English at spaces within the width', () => {
    // act
    const lines = wrapText('Port-outs rose on the week (+12.0%); network is the largest category.', 30).split('\n');
    // assess
    expect(lines).toEqual(['Port-outs rose on the week', '(+12.0%); network is the', 'largest category.']);
  });

  it('breaks Chinese between characters, never before a closing mark or after an opening one', () => {
    // act
    const lines = wrapText('携出较上月下降（−3.4%）；本省完成携转 15,432。', 16).split('\n');
    // assess
    expect(lines.every((line) => !/^[，。；）]/.test(line) && !/（$/.test(line))).toBe(true);
    expect(lines.join('')).toBe('携出较上月下降（−3.4%）；本省完成携转 15,432。'.replace(' ', ''));
  });
});
