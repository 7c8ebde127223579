import type { Redis } from 'ioredis';
import type { CacheStore } from './cache-store.js';

export interface RedisStoreOptions {
  readonly url: string;
  /** Keys are `<keyPrefix>:cache:<key>`. */
  readonly keyPrefix: string;
  readonly log: (line: string) => void;
  /** How long a read may take before it counts as a miss, in ms. */
  readonly commandTimeoutMs?: number;
}

/**
 * Entries in Redis (`REDIS_URL`), so every gateway of a cluster serves what any of them
 * cached; each expires in Redis at its maxAge (`SET … PX`).
 *
 * Redis gone: the cache fails open. A read that fails or takes longer than
 * `commandTimeoutMs` is a miss and the request is served uncached; a write is dropped.
 * (Failing closed would turn a cache outage into a gateway outage, for data the
 * upstreams can always give again.) The outage is logged once, and `trouble()` says so
 * for /readyz (advisory: the gateway stays ready). No offline queue: nothing waits for a
 * reconnection with a request on hold; ioredis reconnects on its own.
 */
export function createRedisStore(options: RedisStoreOptions): CacheStore {
  const { url, log } = options;
  const prefix = `${options.keyPrefix}:cache:`;
  let redis: Redis | undefined;
  let lastError: string | undefined;
  let closing = false;

  const down = (reason: string) => {
    if (lastError === undefined && !closing) {
      log(`skein: Redis at ${redisAddress(url)} is unreachable (${reason}); the response cache serves uncached until it answers`);
    }
    lastError = reason;
  };
  const open = async (): Promise<Redis> => {
    if (redis) return redis;
    // Loaded only by a gateway that caches in Redis.
    const { Redis: RedisClient } = await import('ioredis');
    if (redis) return redis;
    redis = new RedisClient(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      commandTimeout: options.commandTimeoutMs ?? 500,
    });
    redis.on('error', (error: Error) => down(error.message || String(error)));
    redis.on('close', () => down('connection lost'));
    redis.on('ready', () => {
      if (lastError !== undefined) log(`skein: Redis at ${redisAddress(url)} answers again; the response cache is shared again`);
      lastError = undefined;
    });
    return redis;
  };

  return {
    async get(key) {
      try {
        const client = await open();
        if (client.status !== 'ready') return undefined;
        return (await client.get(prefix + key)) ?? undefined;
      } catch (error) {
        down((error as Error).message);
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      try {
        const client = await open();
        if (client.status !== 'ready') return;
        await client.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
      } catch (error) {
        down((error as Error).message);
      }
    },
    trouble() {
      if (!redis || redis.status === 'ready') return undefined;
      return `Redis at ${redisAddress(url)} is ${lastError ? `unreachable (${lastError})` : redis.status}; serving uncached until it answers`;
    },
    async connected() {
      const client = await open();
      if (client.status === 'ready') return;
      await new Promise<void>((resolve) => {
        const done = () => {
          client.off('ready', done);
          client.off('error', done);
          resolve();
        };
        client.once('ready', done);
        client.once('error', done);
      });
    },
    async close() {
      closing = true;
      redis?.disconnect();
    },
  };
}

/** Host and port of a Redis URL, never its password: what logs and /readyz may say. */
export function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'REDIS_URL';
  }
}
