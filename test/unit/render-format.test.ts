// How a figure reads in each language: the formatter the templates, sentences and alt texts share.
import { describe, expect, it } from 'vitest';
import { createFormatter, NOT_AVAILABLE } from '#render/format.ts';

const zh = createFormatter('zh-CN');
const en = createFormatter('en');

describe('counts and nets', () => {
  it('writes counts with thousands separators', () => {
    // prepare
    const portOuts = 1_234_567;
    // act
    const written = [zh.count(portOuts), en.count(portOuts)];
    // assess
    expect(written).toEqual(['1,234,567', '1,234,567']);
  });

  it('signs a net flow with a plus or a real minus sign, and leaves zero unsigned', () => {
    // prepare
    const nets = [1_234, -567, 0, -0];
    // act
    const written = nets.map((net) => en.signed(net));
    // assess
    expect(written).toEqual(['+1,234', '\u2212567', '0', '0']);
  });
});

describe('shares, rates and changes', () => {
  it('writes a share given as a fraction as a percent with one decimal', () => {
    expect(zh.share(0.576)).toBe('57.6%');
    expect(en.share(0.576)).toBe('57.6%');
  });

  it('writes a rate to three significant digits, so a national port-out rate keeps its change', () => {
    expect(en.rate(0.001066)).toBe('0.107%');
    expect(en.rate(0.001092)).toBe('0.109%');
    expect(en.rate(0.002)).toBe('0.200%');
    expect(en.rate(0.125)).toBe('12.5%');
    expect(en.rate(0)).toBe('0.0%');
  });

  it('keeps three digits of the rate of a real base, which never reads 0', () => {
    // 1 port-out of 30 million subscribers; 3,002 of a national base of 1.03 billion; 1 of 1.03 billion
    expect(en.rate(1 / 30_000_000)).toBe('0.00000333%');
    expect(en.rate(3_002 / 1_030_000_000)).toBe('0.000291%');
    expect(en.rate(1 / 1_030_000_000)).toBe('0.0000000971%');
    expect(en.points(7.7e-9)).toBe('+0.00000077 pt');
  });

  it('signs a relative change, and keeps a small one from reading 0.0%', () => {
    expect(en.change(0.12)).toBe('+12.0%');
    expect(en.change(-0.034)).toBe('\u22123.4%');
    expect(en.change(0.005)).toBe('+0.5%');
    // 6,001 port-outs against 6,000: "up (0.0%)" read as a contradiction
    expect(en.change(1 / 6_000)).toBe('+0.02%');
    expect(en.change(0)).toBe('0.0%');
  });

  it('writes a change of a share in percentage points, in words of the locale', () => {
    // act
    const written = [en.points(0.025), zh.points(0.025), en.points(-0.0004), en.points(-0.000026), en.points(0)];
    // assess: two significant digits, so −0.0026 points (0.1066 % against 0.1092 %) never reads 0.00
    expect(written).toEqual(['+2.5 pt', '+2.5 个百分点', '\u22120.040 pt', '\u22120.0026 pt', '0.0 pt']);
  });

  it('counts significant digits after rounding, so a value that rounds up to a power of ten gains none', () => {
    // 0.996 points to two digits is 1.0; 9.996 % to three is 10.0 %; 1e-8 points to two is 0.0000010
    expect(en.points(0.00996)).toBe('+1.0 pt');
    expect(en.points(-0.009994)).toBe('\u22121.0 pt');
    expect(en.rate(0.09996)).toBe('10.0%');
    expect(en.points(9.99999999999e-9)).toBe('+0.0000010 pt');
    expect(en.points(0.0099)).toBe('+0.99 pt');
  });
});

describe('amounts and dates', () => {
  it('writes yuan amounts with two decimals', () => {
    expect(zh.cny(128.5)).toBe('¥128.50');
    expect(en.cny(1_280)).toBe('¥1,280.00');
  });

  it('writes a calendar date the way each locale reads it', () => {
    expect(zh.date('2019-11-25')).toBe('2019年11月25日');
    expect(en.date('2019-11-25')).toBe('25 Nov 2019');
  });

  it('shows an instant in Beijing time', () => {
    expect(en.dateTime('2019-12-02T00:30:00.000Z')).toBe('2 Dec 2019, 08:30');
  });
});

describe('missing figures', () => {
  it('shows a null figure as an em dash, never 0 or NaN', () => {
    // act
    const written = [
      en.count(null),
      en.signed(null),
      en.share(null),
      en.rate(null),
      en.change(null),
      en.points(null),
      en.cny(null),
      en.share(Number.NaN),
    ];
    // assess
    expect(new Set(written)).toEqual(new Set([NOT_AVAILABLE]));
    expect(NOT_AVAILABLE).toBe('\u2014');
  });
});
