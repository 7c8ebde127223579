import { loggerTo } from '../helpers/log-capture.js';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewaySettings } from '../../src/server/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// The cache in Redis: gateways sharing it serve what any of them cached; Redis going away
// mid-run fails open (answers are served uncached, /readyz stays 200 and says so under
// `degraded`) and the cache is shared again once Redis answers.

const SHARED_REDIS = 'redis://127.0.0.1:6379';
const SOURCE = (url: string) => `extend schema @source(name: "shop", kind: REST, url: "${url}")
type Order @cacheControl(maxAge: 60) { id: ID! total: Float }
type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`;
const QUERY = '{ order(id: "1") { id total } }';

let upstream: RecordingUpstream;
const opened: TestGateway[] = [];
let prefixes = 0;
/** Redis keys of this file's own, one prefix per test, so parallel runs never meet. */
const prefix = () => `skein-test:${process.pid}:${Date.now()}:cache${++prefixes}`;

beforeAll(async () => {
  upstream = await startRecordingUpstream({ 'GET /orders/*': { json: { id: '1', total: 9.5 } } });
});
afterAll(async () => {
  await Promise.all(opened.map((g) => g.close()));
  await upstream.close();
  const redis = new Redis(SHARED_REDIS);
  const keys = await redis.keys(`skein-test:${process.pid}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});
beforeEach(() => void (upstream.received.length = 0));

async function gateway(settings: Partial<GatewaySettings>, log: (line: string) => void = () => {}): Promise<TestGateway> {
  const started = await startTestGateway({ sources: { 'shop.graphql': SOURCE(upstream.url) } }, {}, { settings: { cache: true, ...settings }, logger: loggerTo(log) });
  opened.push(started);
  return started;
}
const readyz = async (g: TestGateway) => {
  const response = await fetch(`${new URL(g.url).origin}/readyz`);
  return { status: response.status, body: (await response.json()) as { status: string; degraded?: Record<string, string> } };
};

describe('the cache in Redis', () => {
  it('is shared by two gateways: what one cached the other serves, with its age, calling no upstream', async () => {
    const keyPrefix = prefix();
    const [a, b] = [await gateway({ redisUrl: SHARED_REDIS, redisKeyPrefix: keyPrefix }), await gateway({ redisUrl: SHARED_REDIS, redisKeyPrefix: keyPrefix })];
    expect((await a.query(QUERY)).data).toEqual({ order: { id: '1', total: 9.5 } });
    expect(upstream.received).toHaveLength(1);
    // The write is not awaited by the request: wait until Redis holds the answer.
    const redis = new Redis(SHARED_REDIS);
    try {
      let keys: string[] = [];
      while ((keys = await redis.keys(`${keyPrefix}:cache:answer:*`)).length === 0) await new Promise((r) => setTimeout(r, 10));
      const ttl = await redis.pttl(keys[0]);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      redis.disconnect();
    }
    const fromB = await b.query(QUERY);
    expect(fromB.data).toEqual({ order: { id: '1', total: 9.5 } });
    expect(fromB.headers.get('age')).toMatch(/^\d+$/);
    expect(fromB.headers.get('cache-control')).toBe('max-age=60, public');
    expect(upstream.received).toHaveLength(1);
    expect((await readyz(b)).body).toEqual({ status: 'ready', checks: ['schema', 'rate-limits', 'cache'] });
  });

  it('fails open when Redis goes away mid-run: answers served uncached, /readyz degraded, shared again once it is back', async () => {
    const redis = await startOwnRedis();
    const lines: string[] = [];
    try {
      const g = await gateway({ redisUrl: redis.url, redisKeyPrefix: prefix() }, (line) => lines.push(line));
      await g.query(QUERY);
      await waitFor(async () => (await g.query(QUERY)).headers.get('age') !== null);
      const before = upstream.received.length;

      await redis.stop();
      for (let i = 0; i < 3; i++) {
        const answer = await g.query(QUERY);
        expect(answer.status).toBe(200);
        expect(answer.data).toEqual({ order: { id: '1', total: 9.5 } });
        expect(answer.headers.get('age')).toBeNull();
      }
      expect(upstream.received.length - before).toBe(3);
      const degraded = await readyz(g);
      expect(degraded.status).toBe(200);
      expect(degraded.body.degraded?.cache).toMatch(new RegExp(`^Redis at 127\\.0\\.0\\.1:${redis.port} is .*; serving uncached until it answers$`));
      expect(lines.filter((line) => line.includes('the response cache serves uncached'))).toHaveLength(1);

      await redis.start();
      await waitFor(async () => (await readyz(g)).body.degraded === undefined);
      await g.query(QUERY);
      await waitFor(async () => (await g.query(QUERY)).headers.get('age') !== null);
      expect(lines.some((line) => line.includes('the response cache is shared again'))).toBe(true);
    } finally {
      await redis.stop();
    }
  });
});

/** Polls until `check` holds (the vitest timeout bounds it): for what happens off the request's path. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A redis-server of this test's own on a free port, which it stops and starts again. */
async function startOwnRedis(): Promise<{ url: string; port: number; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child!.once('error', reject);
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
    });
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
