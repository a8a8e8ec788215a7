#!/usr/bin/env node
// Runs a TypeScript entry point of the repository without a build step: from the bundle where
// bin/bundled.js keeps one for it (the bench's measured runs), else through tsx's loader.
import { relative, resolve } from 'node:path';
import { importEntry, REPO_ROOT } from './bundled.js';

const [entry, ...rest] = process.argv.slice(2);
if (entry === undefined) {
  console.error('usage: node bin/run-ts.js <entry.ts> [arguments...]');
  process.exit(2);
}
process.argv = [process.argv[0], entry, ...rest];
await importEntry(relative(REPO_ROOT, resolve(entry)));
