#!/usr/bin/env node
// Builds the console web app (console/) into dist/console: type-checks it, bundles it with
// Vite (hashed file names under assets/), then writes a brotli and a gzip copy of every
// text file beside it, so the gateway sends compressed bytes without compressing per
// request. `npm run build` runs it after tsc; it returns at once when nothing it reads
// changed since the last build (console/, src/drawing/, src/composite/execute/plan-report.ts, the lock file).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist', 'console');
const stamp = path.join(out, '.built');
const inputs = ['console', 'src/drawing', 'src/composite/execute/plan-report.ts', 'package-lock.json', 'scripts/build-console.js'].map((p) => path.join(root, p));

/** The newest modification time of a file, or of any file under a folder. */
function newest(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newest(path.join(file, name))));
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

export async function buildConsole({ force = false } = {}) {
  const built = existsSync(stamp) ? statSync(stamp).mtimeMs : -Infinity;
  if (!force && Math.max(...inputs.map(newest)) <= built) return false;
  const started = Date.now();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const checked = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'console', 'tsconfig.json')], { stdio: 'inherit' });
  if (checked.status !== 0) throw new Error('the console does not type-check (tsc -p console/tsconfig.json)');
  rmSync(out, { recursive: true, force: true });
  const { build } = await import('vite');
  await build({
    root: path.join(root, 'console'),
    base: '/console/',
    logLevel: 'warn',
    configFile: false,
    oxc: { jsx: { runtime: 'automatic' } },
    build: {
      outDir: out,
      emptyOutDir: true,
      // The console and the explorer are two pages sharing one set of chunks.
      rolldownOptions: {
        input: { console: path.join(root, 'console', 'index.html'), explorer: path.join(root, 'console', 'explorer.html') },
        // Notes about the dependencies' own code ("use client" in framer-motion) and the build's timings: not ours to act on.
        onLog(level, log, handler) {
          if (log.code === 'MODULE_LEVEL_DIRECTIVE' || log.code === 'PLUGIN_TIMINGS') return;
          handler(level, log);
        },
      },
      chunkSizeWarningLimit: 2000,
      // Inlined assets would be data: URLs the CSP need not allow; small fonts are fine inline.
      assetsInlineLimit: 4096,
    },
  });
  for (const file of listFiles(out)) {
    if (!/\.(js|css|html|svg|json|txt|map)$/.test(file)) continue;
    const body = readFileSync(file);
    writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  }
  // Stamped with the time the build started: a file changed while it ran makes the next build run.
  writeFileSync(stamp, '');
  utimesSync(stamp, new Date(started), new Date(started));
  console.error(`skein: built the console into dist/console in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildConsole({ force: process.argv.includes('--force') }).catch((error) => {
    console.error(`skein: ${error.message}`);
    process.exit(1);
  });
}
