// `npm run charts:compile`: writes the compiled chart templates the renderer fills at run time.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileVegaTemplates } from './vega-templates.ts';

export const VEGA_TEMPLATES_FILE = fileURLToPath(new URL('../render/charts/vega-templates.json', import.meta.url));

writeFileSync(VEGA_TEMPLATES_FILE, `${JSON.stringify(compileVegaTemplates(), null, 2)}\n`);
console.info(`wrote ${VEGA_TEMPLATES_FILE}`);
