#!/usr/bin/env node
// The `skein` command. The TypeScript sources are compiled to dist/ by `npm install`
// (the prepare script) and by `npm start`; this shim only points at the result.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('skein: dist/ is missing; run `npm run build` (npm install does it for you).');
  process.exit(1);
}
await import(entry.href);
