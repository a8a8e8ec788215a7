// The locale files: both languages say the same things, every key a template names exists, and
// no template or render module carries words of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES, messagesOf } from '#render/locale.ts';

function keysOf(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => keysOf(value, prefix === '' ? key : `${prefix}.${key}`));
}

function filesUnder(dir: string, ending: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(ending))
    .map((name) => join(dir, name));
}

const templateFiles = filesUnder('templates', '.hbs');
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

describe('locale files', () => {
  it('have exactly the same keys in Chinese and English', () => {
    // prepare
    const [zh, en] = LOCALES.map((locale) => new Set(keysOf(messagesOf(locale))));
    // act
    const onlyZh = [...zh!].filter((key) => !en!.has(key));
    const onlyEn = [...en!].filter((key) => !zh!.has(key));
    // assess
    expect({ onlyZh, onlyEn }).toEqual({ onlyZh: [], onlyEn: [] });
  });

  it('have no empty message', () => {
    for (const locale of LOCALES) {
      const empty = keysOf(messagesOf(locale)).filter(
        (key) =>
          key
            .split('.')
            .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], messagesOf(locale)) === '',
      );
      expect(empty, locale).toEqual([]);
    }
  });

  it('hold every key the templates name', () => {
    // prepare
    const keys = new Set(keysOf(messagesOf('zh-CN')));
    const named = templateFiles.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\(?t "([^"]+)"/g)].map((match) => match[1]!),
    );
    // act
    const missing = named.filter((key) => !keys.has(key));
    // assess
    expect(named.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });

  it('hold the subject lines of both reports and the correction prefix', () => {
    expect(messagesOf('zh-CN').subject).toEqual({
      'hq-weekly': '【携号转网周报】{period}',
      'province-monthly': '【携号转网月度指导】{province} {period}',
      correctionPrefix: '【更正】',
    });
    expect(messagesOf('en').subject).toEqual({
      'hq-weekly': 'MNP weekly briefing {period}',
      'province-monthly': 'MNP monthly guidance {province} {period}',
      correctionPrefix: '[Correction] ',
    });
  });
});

describe('words outside the locale files', () => {
  it('appear in no template: no Chinese characters in templates', () => {
    const withChinese = templateFiles.filter((file) => CJK.test(readFileSync(file, 'utf8')));
    expect(withChinese).toEqual([]);
  });

  it('appear in no render module: no Chinese characters in functions/render', () => {
    const modules = filesUnder('functions/render', '.ts').filter(
      (file) => !file.includes(`${join('render', 'charts')}`),
    );
    const withChinese = modules.filter((file) =>
      CJK.test(readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '')),
    );
    expect(withChinese).toEqual([]);
  });

  it('appear in no template as English text between tags', () => {
    // Outside tags and {{expressions}}, templates hold only punctuation and rules.
    const withWords = templateFiles
      .filter((file) => !file.includes('styles'))
      .filter((file) =>
        /[A-Za-z]{2,}/.test(
          readFileSync(file, 'utf8')
            .replace(/\{\{[^}]*\}\}/g, '')
            .replace(/<[^>]*>/g, ''),
        ),
      );
    expect(withWords).toEqual([]);
  });
});
