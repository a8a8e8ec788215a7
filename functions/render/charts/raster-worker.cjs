// One chart SVG to PNG with resvg, on a piscina worker thread (raster-pool.ts). Plain JavaScript
// that loads resvg alone, none of the TypeScript, so a worker starts in tens of milliseconds.
'use strict';
const { Resvg } = require('@resvg/resvg-js');

module.exports = function rasterize({ svg, options }) {
  const image = new Resvg(svg, options).render();
  return { width: image.width, height: image.height, png: image.asPng() };
};
