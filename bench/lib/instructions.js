// Instructions per request of a gateway's main thread, counted by valgrind's callgrind
// tool. CPU time per request, on this kind of shared 2-core machine, moves by 20 % and more
// from one 5-second run to the next with the same code (whatever else the host runs); the
// instructions the main thread (where every request is served) executes for the same
// requests move by a few percent (up to ~10 % for some builds, whose JIT decisions vary; more
// when another heavy process runs beside it, as V8's helper threads then leave more of the
// garbage collection to the main thread, so run it alone). It is the steadier figure, beside the
// CPU time, which is what a user pays. V8's helper threads are left out: what the JIT
// compiler and the concurrent garbage collector happen to do inside the window moves the
// count of all threads by 15 % between runs of the same code.
//
// The gateway runs under valgrind (about 50 times slower), uninstrumented while it starts
// and warms up (so the JIT has compiled the hot path), then counted over `requests`
// requests sent `connections` at a time with keep-alive, every answer checked.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WORK } from './paths.js';
import { assertPortFree, start, stop, waitUntil } from './processes.js';

/** Whether valgrind's callgrind (and callgrind_control) can be run here. */
export function callgrindAvailable() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `command` (argv of a node process: [script, ...args]) under callgrind, sends
 * `warmup` then `requests` requests of `target` to it, and returns the instructions it
 * executed per measured request.
 */
export async function instructionsPerRequest({ name, command, env, port, target, warmup = 8000, requests = 8000, connections = 4 }) {
  await assertPortFree(port);
  const dir = path.join(WORK, 'callgrind', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Instrumentation off until the warm-up is done; JIT code needs --smc-check to be seen changing.
  const out = path.join(dir, 'callgrind.out');
  const valgrindArgs = ['--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', '--smc-check=all-non-file', `--callgrind-out-file=${out}`];
  const child = start(`${name}-callgrind`, 'valgrind', [...valgrindArgs, process.execPath, ...command], { env });
  let expected;
  await waitUntil(child, `${name} under valgrind`, async () => Boolean((expected = await target.check())), 180_000);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = (count) => sendAll(target, agent, expected, count, connections);
  const control = (...args) => execFileSync('callgrind_control', [...args, String(child.pid)], { stdio: 'ignore' });
  try {
    await send(warmup);
    control('--instr=on');
    await send(50);
    control('--zero');
    await send(requests);
    control('--dump');
  } finally {
    agent.destroy();
    await stop(child, 60_000);
  }
  // The first dump (.1) of thread 1, the main thread.
  const dump = existsSync(`${out}.1-01`) ? readFileSync(`${out}.1-01`, 'utf8') : undefined;
  const total = Number(/^summary: (\d+)/m.exec(dump ?? '')?.[1] ?? /^totals: (\d+)/m.exec(dump ?? '')?.[1]);
  if (!total) throw new Error(`${name}: callgrind wrote no count for the measured requests; see ${child.log}`);
  return total / requests;
}

/** Sends `count` requests, `connections` at a time; rejects on the first wrong answer. */
async function sendAll(target, agent, expected, count, connections) {
  const url = new URL(target.url);
  let sent = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: target.method, headers: target.headers, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 && body === expected ? resolve() : reject(new Error(`${target.label}: HTTP ${res.statusCode} ${body.slice(0, 300)}`))));
      });
      req.on('error', reject);
      req.end(target.body);
    });
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (sent++ < count) await one();
    }),
  );
}
