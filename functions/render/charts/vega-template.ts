// A chart variant's Vega, compiled from its Vega-Lite spec at build time (functions/chartgen), with
// slots where the spec took values from the data; filled here at run time, so that no Lambda
// bundle and no CLI run loads the Vega-Lite compiler. The generator compiles the spec with a
// marker in each slot, and a test checks that the filled template equals Vega-Lite's own output
// for every chart variant the renderer can draw.
//
// A slot takes one of three forms in the compiled Vega:
// - a string slot: the marker "⟦name⟧" as a whole value, or quoted inside an expression;
// - a list slot: ["⟦name⟧"], a one-element array in place of the list, also inside an
//   expression (`indexof(["⟦name⟧"], datum['f'])`); a sort order, which
//   Vega-Lite writes as `datum["f"]==="a" ? 0 : datum["f"]==="b" ? 1 : 2`, comes out as
//   `datum["f"]==="⟦name⟧" ? 0 : 1` and is written out again for the real order;
// - a number slot: a number no chart computes (numberSlot()), as Vega-Lite copies numbers.
import { ChartError } from './chart-error.ts';

export interface VegaTemplate {
  /** The compiled Vega with slot markers. */
  readonly vega: unknown;
  /** Slot names by the number that stands for them in `vega`. */
  readonly numberSlots: Readonly<Record<string, string>>;
}

export type SlotValue = string | number | boolean | readonly unknown[];
export type SlotValues = Readonly<Record<string, SlotValue>>;

const OPEN = '\u27e6';
const CLOSE = '\u27e7';

export function slotMarker(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

/** The stand-in for the index-th number slot of a template: large and never a whole number. */
export function numberSlot(index: number): number {
  return 987_000_000.125 + index;
}

const NAME = '([A-Za-z]+)';
const MARKER = new RegExp(`^${OPEN}${NAME}${CLOSE}$`);
/**
 * A slot inside an expression, in one pass (so that a filled-in text is never read as a marker):
 * Vega-Lite's sort-index test of a one-entry order, a list (`indexof(["a","b"], datum['f'])`),
 * or a quoted string.
 */
const IN_EXPRESSION = new RegExp(
  `(datum\\[[^\\]]+\\])==="${OPEN}${NAME}${CLOSE}" \\? 0 : 1|\\["${OPEN}${NAME}${CLOSE}"\\]|"${OPEN}${NAME}${CLOSE}"`,
  'g',
);

/** The template's Vega with every slot filled; fails, naming it, on a slot the values lack. */
export function fillVegaTemplate(template: VegaTemplate, values: SlotValues): object {
  const slotValue = (name: string): SlotValue => {
    const value = values[name];
    if (value === undefined) throw new ChartError(`the chart template has a slot "${name}" that no value fills`);
    return value;
  };
  const fillString = (text: string): unknown => {
    const whole = MARKER.exec(text);
    if (whole) return slotValue(whole[1]!);
    if (!text.includes(OPEN)) return text;
    return text.replace(
      IN_EXPRESSION,
      (_, sortField?: string, sortName?: string, listName?: string, stringName?: string) => {
        if (sortField !== undefined) return sortIndexExpression(sortField, listOf(sortName!, slotValue(sortName!)));
        if (listName !== undefined) return JSON.stringify(listOf(listName, slotValue(listName)));
        return JSON.stringify(slotValue(stringName!));
      },
    );
  };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') return fillString(node);
    if (typeof node === 'number') {
      const name = template.numberSlots[String(node)];
      return name === undefined ? node : slotValue(name);
    }
    if (Array.isArray(node)) {
      const whole = node.length === 1 && typeof node[0] === 'string' ? MARKER.exec(node[0]) : null;
      if (whole) return listOf(whole[1]!, slotValue(whole[1]!));
      return node.map(fill);
    }
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    }
    return node;
  };
  return fill(template.vega) as object;
}

/**
 * What a view of the parsed template can be given before it runs: the data set that holds the
 * `data` slot, and the top-level signals that hold a slot of the same name (see functions/chartgen).
 * Every other slot is fixed by the parse. Every chart variant's Vega-Lite spec takes its data as
 * the `data` slot, so a template without that data set is refused.
 */
export interface ViewInputs {
  readonly dataSet: string;
  readonly signals: readonly string[];
}

export function viewInputsOf(template: VegaTemplate): ViewInputs {
  const vega = template.vega as {
    data?: { name: string; values?: unknown }[];
    signals?: { name: string; value?: unknown }[];
  };
  const dataMarker = slotMarker('data');
  const dataSet = vega.data?.find(
    (set) => Array.isArray(set.values) && set.values.length === 1 && set.values[0] === dataMarker,
  )?.name;
  if (dataSet === undefined) throw new ChartError('the chart template has no data set holding its "data" slot');
  const signals = (vega.signals ?? [])
    .filter((signal) => typeof signal.value === 'number' && template.numberSlots[String(signal.value)] === signal.name)
    .map((signal) => signal.name);
  return { dataSet, signals };
}

function listOf(name: string, value: SlotValue): readonly unknown[] {
  if (!Array.isArray(value)) throw new ChartError(`the chart template's slot "${name}" takes a list`);
  return value;
}

/** `datum["f"]==="a" ? 0 : datum["f"]==="b" ? 1 : 2`, as Vega-Lite writes an explicit sort order. */
function sortIndexExpression(field: string, order: readonly unknown[]): string {
  return order.map((entry, index) => `${field}===${JSON.stringify(entry)} ? ${index} : `).join('') + order.length;
}
