#!/usr/bin/env node
// `npm start` runs this before serving: it compiles src/ to dist/ only when a source
// (or tsconfig.json) changed since the last build, and builds the console (console/ to
// dist/console) only when it changed, so a second start serves at once. Even an
// incremental tsc loads and checks the whole program, which takes seconds.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildConsole } from './build-console.js';

const root = path.resolve(import.meta.dirname, '..');
// Stamped by this script with the time its build started; tsc alone may leave it untouched when no output changed.
const stamp = path.join(root, 'dist', '.tsbuildinfo');
const entry = path.join(root, 'dist', 'cli', 'main.js');

/** The newest modification time of a file, or of any file under a folder. */
function newest(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

const built = existsSync(stamp) && existsSync(entry) ? statSync(stamp).mtimeMs : -Infinity;
const changed = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'tsconfig.json')));
if (changed > built) {
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  console.error(existsSync(entry) ? 'skein: sources changed since the last build; compiling…' : 'skein: compiling src/ to dist/…');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
  utimesSync(stamp, started, started);
}

// It checks its own inputs and returns at once when the build is current.
await buildConsole();
