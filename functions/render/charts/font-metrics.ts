// Reads the few facts the charts need from a TrueType file: its family name, which characters it
// has a glyph for (the 'cmap' table) and how wide each glyph is (the 'hmtx' table). With these,
// Vega lays out Chinese labels at their real width instead of a Latin estimate, and a label
// the font cannot draw is caught before it renders as boxes.
import { readFileSync } from 'node:fs';

export interface FontMetrics {
  /** The English family name (name ID 1), as the SVG text must spell it. */
  readonly family: string;
  hasGlyph(codePoint: number): boolean;
  /** Advance width of a text at a font size, in the same units as the size; no kerning. */
  measure(text: string, fontSize: number): number;
}

export function loadFontMetrics(file: string | URL): FontMetrics {
  const view = toDataView(readFileSync(file));
  const tables = readTableDirectory(view, String(file));
  const glyphOf = readCmap(view, tables.cmap);
  const unitsPerEm = view.getUint16(tables.head + 18);
  const advances = readAdvances(view, tables.hhea, tables.hmtx);
  const advanceOf = (glyph: number): number => advances[Math.min(glyph, advances.length - 1)] ?? 0;
  return {
    family: readFamilyName(view, tables.name),
    hasGlyph: (codePoint) => glyphOf(codePoint) !== 0,
    measure(text, fontSize) {
      let units = 0;
      for (const char of text) units += advanceOf(glyphOf(char.codePointAt(0) ?? 0));
      return (units * fontSize) / unitsPerEm;
    },
  };
}

/** The distinct characters of a text that the font has no glyph for, in order of appearance. */
export function missingGlyphsIn(metrics: FontMetrics, text: string): string[] {
  const missing = new Set<string>();
  for (const char of text) {
    if (!metrics.hasGlyph(char.codePointAt(0) ?? 0)) missing.add(char);
  }
  return [...missing];
}

function toDataView(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

type TableOffsets = Record<'cmap' | 'head' | 'hhea' | 'hmtx' | 'name', number>;

function readTableDirectory(view: DataView, source: string): TableOffsets {
  const found = new Map<string, number>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i += 1) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(...[0, 1, 2, 3].map((k) => view.getUint8(record + k)));
    found.set(tag, view.getUint32(record + 8));
  }
  const offsetOf = (tag: string): number => {
    const offset = found.get(tag);
    if (offset === undefined) throw new Error(`${source} is not a TrueType font with a '${tag}' table`);
    return offset;
  };
  return {
    cmap: offsetOf('cmap'),
    head: offsetOf('head'),
    hhea: offsetOf('hhea'),
    hmtx: offsetOf('hmtx'),
    name: offsetOf('name'),
  };
}

/** Glyph lookup from the best Unicode subtable: format 12 (full range) before format 4 (BMP). */
function readCmap(view: DataView, cmap: number): (codePoint: number) => number {
  const subtables: number[] = [];
  for (let i = 0; i < view.getUint16(cmap + 2); i += 1) {
    const record = cmap + 4 + 8 * i;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    if (platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10))) {
      subtables.push(cmap + view.getUint32(record + 4));
    }
  }
  const format12 = subtables.find((offset) => view.getUint16(offset) === 12);
  if (format12 !== undefined) return readFormat12(view, format12);
  const format4 = subtables.find((offset) => view.getUint16(offset) === 4);
  if (format4 !== undefined) return readFormat4(view, format4);
  throw new Error('font has no Unicode cmap subtable of format 4 or 12');
}

function readFormat12(view: DataView, table: number): (codePoint: number) => number {
  const groups = view.getUint32(table + 12);
  return (codePoint) => {
    for (let i = 0; i < groups; i += 1) {
      const group = table + 16 + 12 * i;
      const start = view.getUint32(group);
      if (codePoint >= start && codePoint <= view.getUint32(group + 4)) {
        return view.getUint32(group + 8) + codePoint - start;
      }
    }
    return 0;
  };
}

function readFormat4(view: DataView, table: number): (codePoint: number) => number {
  const segments = view.getUint16(table + 6) / 2;
  const ends = table + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codePoint) => {
    if (codePoint > 0xffff) return 0;
    for (let i = 0; i < segments; i += 1) {
      if (codePoint > view.getUint16(ends + 2 * i)) continue;
      const start = view.getUint16(starts + 2 * i);
      if (codePoint < start) return 0;
      const delta = view.getUint16(deltas + 2 * i);
      const rangeOffsetAt = rangeOffsets + 2 * i;
      const rangeOffset = view.getUint16(rangeOffsetAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsetAt + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

function readAdvances(view: DataView, hhea: number, hmtx: number): number[] {
  const count = view.getUint16(hhea + 34);
  return Array.from({ length: count }, (_, i) => view.getUint16(hmtx + 4 * i));
}

function readFamilyName(view: DataView, name: number): string {
  const count = view.getUint16(name + 2);
  const strings = name + view.getUint16(name + 4);
  for (let i = 0; i < count; i += 1) {
    const record = name + 6 + 12 * i;
    const [platform, , language, nameId, length, offset] = [0, 2, 4, 6, 8, 10].map((k) => view.getUint16(record + k));
    if (platform === 3 && language === 0x409 && nameId === 1 && length !== undefined && offset !== undefined) {
      const bytes = new Uint8Array(view.buffer, view.byteOffset + strings + offset, length);
      return new TextDecoder('utf-16be').decode(bytes);
    }
  }
  throw new Error("font has no English family name (name ID 1) in its 'name' table");
}
