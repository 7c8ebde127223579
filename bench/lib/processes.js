// Child processes of the bench: started with their output in bench/.work/logs/, stopped by
// their own PID (SIGTERM, then SIGKILL), measured through /proc (RSS, peak RSS, CPU time).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WORK } from './paths.js';
import { request } from './http.js';

const LOGS = path.join(WORK, 'logs');
const live = new Set();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts `command args` in `cwd` with extra `env`; its stdout and stderr go to logs/<name>.log. */
export function start(name, command, args, { cwd, env } = {}) {
  mkdirSync(LOGS, { recursive: true });
  const log = path.join(LOGS, `${name}.log`);
  const out = openSync(log, 'w');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
  child.label = name;
  child.log = log;
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  live.add(child);
  return child;
}

export async function stop(child, timeoutMs = 8000) {
  if (!child) return;
  live.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const outcome = await Promise.race([child.exited, sleep(timeoutMs).then(() => 'timeout')]);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await child.exited;
  }
}

/** Stops every process this module started and has not stopped yet. */
export async function stopAll() {
  for (const child of [...live]) await stop(child);
}

/** Waits until `ready()` is true, failing with the process's log when it exits or takes too long. */
export async function waitUntil(child, what, ready, timeoutMs = 60_000) {
  const t0 = Date.now();
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${what}: the process exited (${child.exitCode ?? child.signalCode}) before it was ready; its log ${child.log}:\n${tail(child.log)}`);
    }
    try {
      if (await ready()) return Date.now() - t0;
    } catch {}
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not ready after ${timeoutMs} ms; log ${child?.log}:\n${tail(child?.log)}`);
    await sleep(20);
  }
}

export async function assertPortFree(port) {
  try {
    await request(`http://127.0.0.1:${port}/`);
  } catch {
    return;
  }
  throw new Error(`port ${port} is busy: something else listens there; stop it or pick other ports (BENCH_PORT_BASE)`);
}

/** VmRSS and VmHWM (peak RSS) of a process, in MB. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) / 1024;
  return { rssMb: mb('VmRSS'), hwmMb: mb('VmHWM') };
}

/** User + system CPU seconds of a process (all its threads), or of one of its threads (`tid`; the main thread's is the pid). */
export function cpuSeconds(pid, tid) {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Samples a process's RSS every 100 ms until stopped; `peakMb()` is the highest seen, VmHWM included. */
export function rssSampler(pid) {
  let peak = 0;
  const sample = () => {
    try {
      const m = memory(pid);
      peak = Math.max(peak, m.rssMb, m.hwmMb);
    } catch {}
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    peakMb: () => (sample(), peak),
    stop: () => clearInterval(timer),
  };
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}
