// Starting Skein as the bench measures it: one process, no extra Node flags.
//  - `registry`: `skein serve --schema <dir> --dev --data <registry>`, the default. The
//    embedded registry (PGlite) is created and seeded by a first start (prepareRegistry),
//    like the peer's supergraph is composed before its gateway starts; later starts reuse it.
//  - `no-registry`: `skein serve --no-registry --schema <dir>`, the schema folder as it is,
//    with no registry and no admin API (immutable deployments).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { graphql } from './http.js';
import { SKEIN_BIN, WORK } from './paths.js';
import { assertPortFree, memory, start, stop, waitUntil } from './processes.js';

export const PASS_THROUGH = '{ order(id: 1) { id userId hotelId roomId total } }';

/** The command line of a Skein gateway (also used as the peer bench's GW_CMD). */
export function skeinCommand({ mode = 'registry', schema, port, dataDir }) {
  if (mode === 'no-registry') return [SKEIN_BIN, 'serve', '--no-registry', '--schema', schema, '--port', String(port), '--host', '127.0.0.1'];
  if (mode !== 'registry') throw new Error(`Skein mode must be "registry" or "no-registry", not "${mode}"`);
  return [SKEIN_BIN, 'serve', '--schema', schema, '--port', String(port), '--host', '127.0.0.1', '--dev', '--data', dataDir];
}

/** How a mode reads in RESULTS.md. */
export const modeLabel = (mode) => (mode === 'no-registry' ? '`skein serve --no-registry`' : '`skein serve` (embedded registry)');

/** How scenarios 1–4 start Skein (BENCH_SKEIN_MODE), and the data dir that mode needs. */
export async function defaultMode(ctx, name, schema, port) {
  const mode = ctx.settings.skeinMode;
  return { mode, dataDir: mode === 'registry' ? await ctx.registry(name, schema, port) : undefined };
}

export function registryDir(name) {
  return path.join(WORK, 'registry', name);
}

/**
 * Starts a gateway and waits for its first correct answer to `readyQuery` (a real upstream
 * call, not just a listening socket). Returns { child, url, firstAnswerMs, stop }.
 */
export async function startSkein({ name, mode = 'registry', schema, port, dataDir, env = {}, nodeArgs = [], readyQuery = PASS_THROUGH }) {
  await assertPortFree(port);
  const url = `http://127.0.0.1:${port}/graphql`;
  const t0 = performance.now();
  const child = start(name, process.execPath, [...nodeArgs, ...skeinCommand({ mode, schema, port, dataDir })], { env });
  await waitUntil(child, `Skein (${name})`, async () => {
    const r = await graphql(url, readyQuery);
    return r.status === 200 && r.json?.data && !r.json.errors;
  });
  const firstAnswerMs = performance.now() - t0;
  return { child, url, firstAnswerMs, stop: () => stop(child) };
}

/** Creates a fresh embedded registry seeded from `schema` by one start of `skein serve`; returns that start's figures. */
export async function prepareRegistry({ name, schema, port, env }) {
  const dataDir = registryDir(name);
  rmSync(dataDir, { recursive: true, force: true });
  const gw = await startSkein({ name: `${name}-seed`, schema, port, dataDir, env, readyQuery: '{ __typename }' });
  const m = memory(gw.child.pid);
  const figures = { dataDir, firstAnswerMs: gw.firstAnswerMs, rssMb: m.rssMb, peakRssMb: Math.max(m.rssMb, m.hwmMb) };
  await gw.stop();
  return figures;
}
