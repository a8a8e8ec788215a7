#!/usr/bin/env node
// The mnp-briefings command. Its TypeScript runs from a bundle that is rebuilt when a source
// changes (bin/bundled.js), or through tsx, so a fresh clone needs no build step.
import { importEntry } from './bundled.js';

const { main } = await importEntry('functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
