// The part of Vega the charts use: the parser, the view and the transforms of the compiled
// specs (data, encoding and layout), registered here as the umbrella `vega` package would,
// without its geo, force, hierarchy, label, regression, voronoi, word-cloud and crossfilter
// transforms (about 150 KiB less in the Deliver bundle, which loads it on every cold start).
import { transforms } from 'vega-dataflow';
import * as encodeTransforms from 'vega-encode';
import * as dataTransforms from 'vega-transforms';
import { extend } from 'vega-util';
import * as viewTransforms from 'vega-view-transforms';

extend(transforms, dataTransforms, viewTransforms, encodeTransforms);

export { parse } from 'vega-parser';
export { textMetrics } from 'vega-scenegraph';
export { View } from 'vega-view';
