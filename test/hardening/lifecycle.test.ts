import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGateway, until, type GatewayProcess } from '../registry/processes.js';

/** `skein serve --demo` (built into dist/ by `npm test`) in a data folder of its own. */
async function serve(delayMs: number, extra: string[] = []): Promise<{ gateway: GatewayProcess; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-lifecycle-'));
  const gateway = await spawnGateway(['--demo', '--data', path.join(dir, 'data'), ...extra], { SKEIN_DEMO_DELAY_MS: String(delayMs) });
  return { gateway, dir };
}

const slowQuery = (origin: string) =>
  fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ user(id: "8") { name } }' }),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

/** Waits until the slow query's upstream call is under way (the gateway's /metrics says so), not for a guessed time. */
const upstreamCallInFlight = (origin: string) =>
  until(async () => {
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    return /^skein_upstream_in_flight\{source="users"\} 1$/m.test(metrics);
  });

describe('graceful lifecycle of skein serve', () => {
  let running: { gateway: GatewayProcess; dir: string } | undefined;
  afterEach(async () => {
    await running?.gateway.stop();
    if (running) rmSync(running.dir, { recursive: true, force: true });
    running = undefined;
  });

  it('is alive and ready; on SIGTERM it refuses new requests, finishes the one in flight and exits 0', async () => {
    running = await serve(1_000);
    const { gateway } = running;
    expect((await fetch(`${gateway.origin}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.origin}/readyz`);
    // The demo's event source (NATS on 127.0.0.1:4222, which .ci/run starts) is checked too.
    expect(await ready.json()).toEqual({ status: 'ready', checks: ['schema', 'store', 'event sources'] });

    const inFlight = slowQuery(gateway.origin);
    await upstreamCallInFlight(gateway.origin);
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    gateway.child.kill('SIGTERM');
    await until(async () => gateway.output().includes('skein: SIGTERM: not accepting new requests'));

    // A new request: the listener is closed (refused), or a kept-alive connection answers 503.
    const late = await fetch(`${gateway.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    }).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { user: { name: expect.any(String) } } });
    expect(await exited).toBe(0);
    expect(gateway.output()).toContain('skein: SIGTERM: not accepting new requests');
    expect(gateway.output()).toContain('skein: every request finished; stopped');
  });

  it('cuts off what is still running at the shutdown deadline, and still exits 0', async () => {
    running = await serve(3_000, ['--shutdown-timeout', '300']);
    const { gateway } = running;
    const inFlight = slowQuery(gateway.origin).then(
      () => 'answered',
      () => 'cut off',
    );
    await upstreamCallInFlight(gateway.origin);
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)));
    gateway.child.kill('SIGTERM');
    expect(await inFlight).toBe('cut off');
    expect(await exited).toBe(0);
    expect(gateway.output()).toContain('skein: stopped; 1 request cut off at the deadline');
  });
});
