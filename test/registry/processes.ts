import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const SKEIN = path.resolve('bin/skein.js');

export interface GatewayProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly origin: string;
  output(): string;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

/** Runs `skein serve …` (built into dist/ by `npm test`) and waits until it listens. */
export async function spawnGateway(args: readonly string[], env: Record<string, string | undefined>): Promise<GatewayProcess> {
  const child = spawn('node', [SKEIN, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    env: { ...process.env, SKEIN_DATA_DIR: undefined, DATABASE_URL: undefined, SKEIN_ADMIN_TOKEN: undefined, ...env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const origin = await new Promise<string>((resolve, reject) => {
    // A gateway that never listens is killed: left running, it would outlive the suite (and hold its database).
    // Generous (CI runs on a busy machine), and below vitest's hook timeout so the gateway's output is shown.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the gateway did not start within 90 s:\n${out}`));
    }, 90_000);
    const check = () => {
      const match = / at (http:\/\/[^/\s]+)\/graphql/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code} before it listened:\n${out}`));
    });
  });
  return {
    child,
    origin,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the CLI to completion. */
export function runSkein(args: readonly string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [SKEIN, ...args], {
      env: { ...process.env, SKEIN_DATA_DIR: undefined, DATABASE_URL: undefined, SKEIN_ADMIN_TOKEN: undefined, SKEIN_TOKEN: undefined, ...env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A GraphQL request over HTTP. */
export async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<{ status: number; data?: any; errors?: any[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...(await response.json()) };
}

/** Polls `probe` every 10 ms until it is true; the milliseconds it took. */
export async function until(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await probe()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`not true within ${timeoutMs} ms`);
}
