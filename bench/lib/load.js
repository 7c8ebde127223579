// One measured load run against a target: check the answer, warm up, measure, check again.
// The load generator (load-worker.js, autocannon) runs in its own process. Any error,
// timeout, non-2xx status or body that differs from the checked one fails the bench.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BENCH } from './paths.js';
import { settings } from './settings.js';

/**
 * `onMeasure()` is called as the measured run starts; the object it returns is stopped
 * (`await probe.stop()`) as the run ends, and what that gives is merged into the result:
 * RSS, CPU time, upstream calls (lib/probe.js).
 */
export async function measure(target, { connections, duration = settings.duration, warmup = settings.warmup, onMeasure } = {}) {
  const expectBody = await target.check();
  if (warmup > 0) await generate(target, { connections, duration: warmup, expectBody });
  const probe = onMeasure?.();
  const result = await generate(target, { connections, duration, expectBody });
  const extra = probe ? await probe.stop() : {};
  await target.check();
  return { ...result, ...extra };
}

async function generate(target, { connections, duration, expectBody }) {
  const options = { url: target.url, method: target.method, headers: target.headers, body: target.body, connections, duration, expectBody };
  const result = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(BENCH, 'lib', 'load-worker.js'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}: ${err}`))));
  });
  const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
  if (failures > 0 || result.requests === 0) {
    throw new Error(
      `${target.label} (${connections} connections): ${result.requests} 2xx answers, ${result.errors} errors, ${result.timeouts} timeouts, ` +
        `${result.non2xx} non-2xx, ${result.mismatches} wrong bodies` +
        (result.firstMismatch ? `\n  expected: ${expectBody}\n  got:      ${result.firstMismatch}` : ''),
    );
  }
  return result;
}
