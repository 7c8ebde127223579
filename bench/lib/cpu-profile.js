// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time by function and by module,
// over the samples inside a time window (the measured load run) when one is given.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './paths.js';

/** `window`: [startUs, endUs] on the monotonic clock (process.hrtime), the clock V8 stamps samples with. */
export function summarizeProfile(file, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n.id);
  const selfUs = new Map();
  const totalUs = new Map(); // inclusive: time with the function anywhere on the stack
  let t = profile.startTime;
  let inWindow = 0;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const delta = profile.timeDeltas[i + 1] ?? 0;
    total += delta;
    if (window && (t < window[0] || t > window[1])) continue;
    inWindow += delta;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
    const seen = new Set();
    for (let at = profile.samples[i]; at !== undefined; at = parents.get(at)) {
      const { callFrame } = nodes.get(at);
      if (!callFrame.url || callFrame.url.startsWith('node:') || callFrame.url.startsWith('wasm:')) continue;
      const key = `${callFrame.functionName || '(anonymous)'} ${location(callFrame).short}`;
      if (!seen.has(key)) seen.add(key), totalUs.set(key, (totalUs.get(key) ?? 0) + delta);
    }
  }
  // Clocks that do not line up (no sample in the window) fall back to the whole profile.
  if (window && inWindow === 0) return summarizeProfile(file, undefined);
  const byFunction = new Map();
  const byModule = new Map();
  const byLayer = new Map();
  let sum = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = nodes.get(id);
    const where = location(callFrame);
    // WebAssembly frames have no module name: they belong to whoever called into them
    // (undici's llhttp parser, or PGlite).
    if (where.module === 'wasm:') where.module = `${callerModule(id, nodes, parents)} (WebAssembly)`;
    const fn = `${callFrame.functionName || '(anonymous)'} ${where.short}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byModule.set(where.module, (byModule.get(where.module) ?? 0) + us);
    byLayer.set(layerOf(where.module), (byLayer.get(layerOf(where.module)) ?? 0) + us);
    sum += us;
  }
  const top = (map) => [...map].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, share: us / sum }));
  return { windowed: Boolean(window), totalMs: sum / 1000, profileMs: total / 1000, functions: top(byFunction), modules: top(byModule), layers: top(byLayer), inclusive: top(totalUs) };
}

function callerModule(id, nodes, parents) {
  for (let at = parents.get(id); at !== undefined; at = parents.get(at)) {
    const { module } = location(nodes.get(at).callFrame);
    if (module !== 'wasm:' && !module.startsWith('(')) return module;
  }
  return 'unknown';
}

const LAYERS = [
  [/^skein /, "Skein's own code (dist/)"],
  [/^(graphql|@graphql-tools\/.*)$/, 'graphql-js and @graphql-tools (parse, validate, execute)'],
  [/^(graphql-yoga|@graphql-yoga\/.*|@whatwg-node\/.*|@envelop\/.*)$/, 'graphql-yoga, @envelop, @whatwg-node (Fetch API over node:http, plugins)'],
  [/^undici( \(WebAssembly\))?$/, 'undici (upstream HTTP client)'],
  [/^(fast-xml-parser|saxes|xmlchars|strnum)$/, 'XML (fast-xml-parser, saxes)'],
  [/^dataloader$/, 'dataloader'],
  [/^@electric-sql\/pglite( \(WebAssembly\))?$/, 'PGlite (the embedded registry)'],
  [/^\(program\)$/, '(program): V8 outside JS'],
  [/^node:/, 'Node internals (http, net, streams, events, AbortSignal)'],
  [/^\(garbage collector\)$/, 'garbage collector'],
  [/^\(idle\)$/, 'idle (waiting for I/O)'],
  [/^\(native/, 'native and V8 builtins (socket writev, JSON, string encoding, microtasks)'],
];

function layerOf(module) {
  return LAYERS.find(([pattern]) => pattern.test(module))?.[1] ?? `other: ${module}`;
}

function location({ url, lineNumber, functionName }) {
  if (!url) return { module: functionName.startsWith('(') ? functionName : '(native / V8 builtins)', short: '' };
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return { module: `node:${parts.slice(0, parts[0] === 'internal' ? 2 : 1).join('/')}`, short: `${url}:${lineNumber + 1}` };
  }
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const rel = file.startsWith(`${ROOT}/`) ? file.slice(ROOT.length + 1) : file;
  if (rel.startsWith('wasm://')) return { module: 'wasm:', short: rel };
  const nm = rel.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = rel.slice(nm + 'node_modules/'.length).split('/');
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    return { module: pkg, short: `${pkg}/${parts.slice(pkg.includes('/') ? 2 : 1).join('/')}:${lineNumber + 1}` };
  }
  return { module: rel.startsWith('dist/') ? `skein ${path.dirname(rel)}` : rel, short: `${rel}:${lineNumber + 1}` };
}
