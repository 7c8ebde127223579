import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKEIN } from '../registry/processes.js';

describe('skein serve --dev listens on loopback and answers only to local names', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-dev-'));
  let child: ReturnType<typeof spawn>;
  let origin: string;
  let output = '';

  beforeAll(async () => {
    // No --host: --dev chooses 127.0.0.1 (built into dist/ by `npm test`).
    child = spawn('node', [SKEIN, 'serve', '--dev', '--port', '0', '--data', path.join(dir, 'data'), '--schema', 'test/registry/schema'], {
      env: { ...process.env, HOST: undefined, SKEIN_ADMIN_TOKEN: undefined, DATABASE_URL: undefined, SKEIN_ALLOWED_HOSTS: 'gateway.test', NO_COLOR: '1' },
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    origin = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const match = / at (http:\/\/[^/\s]+)\/graphql/.exec(output);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** GET with the Host header given (fetch sets its own). */
  const get = (host: string) =>
    new Promise<{ status: number; json(): Promise<unknown> }>((resolve, reject) => {
      const url = `${origin}/admin/graphql?query=${encodeURIComponent('{ status { actor } }')}`;
      http
        .get(url, { headers: { host, accept: 'application/json' } }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, json: async () => JSON.parse(body) }));
        })
        .on('error', reject);
    });

  it('binds 127.0.0.1 without --host', () => {
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves localhost, 127.0.0.1, [::1] and SKEIN_ALLOWED_HOSTS at any port, and refuses any other Host with 421 (DNS rebinding)', async () => {
    const port = new URL(origin).port;
    for (const host of [`localhost:${port}`, '127.0.0.1', `[::1]:${port}`, 'gateway.test:8080']) {
      expect(await (await get(host)).json()).toEqual({ data: { status: { actor: 'dev' } } });
    }
    const refused = await get(`rebound.example:${port}`);
    expect(refused.status).toBe(421);
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: `this gateway answers to localhost, 127.0.0.1 and [::1], not to Host "rebound.example:${port}"; add the name to SKEIN_ALLOWED_HOSTS (comma-separated) to use it`,
          extensions: { code: 'HOST_NOT_ALLOWED' },
        },
      ],
    });
  });
});
