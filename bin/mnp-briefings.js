#!/usr/bin/env node
// The mnp-briefings command. Its TypeScript runs from a bundle that is rebuilt when a source
// changes (bin/bundled.js), or through tsx, so a fresh clone needs no build step.
import { importEntry } from './bundled.js';

// A reader that stops early (`status | head`) closes the pipe: the output has ended, the
// command has not failed, and a stack trace would be noise.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const { main } = await importEntry('functions/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
