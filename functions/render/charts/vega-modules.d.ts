// Vega's modular packages ship no types; the umbrella package's typings (vega-typings) describe
// the parser and the view they export. The transform registries are plain objects of classes.
declare module 'vega-parser' {
  export { parse } from 'vega';
}
declare module 'vega-view' {
  export { View } from 'vega';
}
declare module 'vega-scenegraph' {
  export const textMetrics: unknown;
}
declare module 'vega-dataflow' {
  export const transforms: Record<string, unknown>;
}
declare module 'vega-transforms';
declare module 'vega-view-transforms';
declare module 'vega-encode';
