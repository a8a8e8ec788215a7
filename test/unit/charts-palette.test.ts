// The operator colours of reference/operators.json: each stands out from the white chart card
// (WCAG 1.4.11 asks 3:1 for a graphic that carries meaning), and any two stay apart for a reader
// with red-green colour blindness. The simulation is Machado, Oliveira and Fernandes (2009) at
// full severity on linear RGB; the distance is CIE76 in CIELAB.
import { describe, expect, it } from 'vitest';
import { operatorByCode, operators } from '#reference/index.ts';

type Rgb = readonly [number, number, number];
type Matrix = readonly [Rgb, Rgb, Rgb];

const SIMULATIONS: Readonly<Record<string, Matrix>> = {
  'full colour vision': [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
};

/** The three national operators every briefing shows; China Broadnet appears rarely. */
const MAIN_OPERATORS = ['CMCC', 'CUCC', 'CTCC'];
/** CIE76 distance below which two flat bars start to look alike. */
const MAIN_MIN_DISTANCE = 30;
const ANY_MIN_DISTANCE = 15;

function linearRgb(hex: string): Rgb {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return [channel(1), channel(3), channel(5)];
}

function luminance([r, g, b]: Rgb): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(linearRgb(hex)) + 0.05);
}

function simulate(rgb: Rgb, matrix: Matrix): Rgb {
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  const [r, g, b] = matrix.map((row) => clamp(row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]));
  return [r!, g!, b!];
}

function lab([r, g, b]: Rgb): Rgb {
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

function distance(a: string, b: string, matrix: Matrix): number {
  const [la, lb] = [a, b].map((hex) => lab(simulate(linearRgb(hex), matrix)));
  return Math.hypot(la![0] - lb![0], la![1] - lb![1], la![2] - lb![2]);
}

function pairs<T>(items: readonly T[]): [T, T][] {
  return items.flatMap((a, i) => items.slice(i + 1).map((b): [T, T] => [a, b]));
}

describe('the operator colours', () => {
  it('each stand at least 3:1 against the white chart card', () => {
    const weak = operators
      .filter((operator) => contrastWithWhite(operator.color) < 3)
      .map((operator) => `${operator.code} ${operator.color}`);

    expect(weak).toEqual([]);
  });

  it('keep the calibration: the old Unicom red and Telecom green look alike to a deuteranope', () => {
    expect(distance('#d62728', '#2ca02c', SIMULATIONS.deuteranopia!)).toBeLessThan(ANY_MIN_DISTANCE);
    expect(contrastWithWhite('#ffffff')).toBeCloseTo(1);
    expect(contrastWithWhite('#000000')).toBeCloseTo(21);
  });

  it.each(Object.entries(SIMULATIONS))('stay apart with %s', (_, matrix) => {
    const close = pairs(operators)
      .map(([a, b]) => ({
        pair: `${a.code}/${b.code}`,
        apart: distance(a.color, b.color, matrix),
        main: MAIN_OPERATORS.includes(a.code) && MAIN_OPERATORS.includes(b.code),
      }))
      .filter(({ apart, main }) => apart < (main ? MAIN_MIN_DISTANCE : ANY_MIN_DISTANCE))
      .map(({ pair, apart }) => `${pair}: ${apart.toFixed(0)}`);

    expect(close).toEqual([]);
  });

  it('cover the national operators', () => {
    expect(MAIN_OPERATORS.filter((code) => !operatorByCode.has(code))).toEqual([]);
  });
});
