import { createLogger, type Logger } from '../observe/index.js';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { redisAddress as where } from '../cache/index.js';
import type { RateLimitSpec } from '../composite/index.js';
import type { ReadinessCheck } from './health.js';

/** A refused request: how long until the client may try again. */
export interface RateLimited {
  readonly retryAfterSeconds: number;
}

/**
 * The counters behind the rate limits, one per (bucket, client), in fixed windows of the
 * limit's length: in memory, or in Redis when given a URL, so every gateway of a cluster
 * counts against the same numbers.
 *
 * Redis gone: the counters fall back to this process's memory (rate-limiter-flexible's
 * insurance limiter) until Redis answers again. Neither open (an outage would lift every
 * limit, an invitation to whoever caused it) nor closed (one Redis would take the whole
 * cluster down): each gateway goes on holding each client to the limit by itself, so n
 * gateways let a client make up to n times the limit meanwhile. /readyz says so, but
 * stays 200: no other instance would do better.
 */
export interface RateLimits {
  /** Counts one request of `client` against `bucket` ('*' for the gateway's limit, else a composite); resolves with a refusal or undefined. */
  consume(spec: RateLimitSpec, bucket: string, client: string): Promise<RateLimited | undefined>;
  /** For /readyz: how the counters' store is doing (an advisory check: failing it does not make the gateway unready). */
  readonly readiness: ReadinessCheck;
  /**
   * Resolves once Redis answers, or has failed to (then counting starts in memory): so
   * the first requests after start count where the cluster counts. At once without Redis.
   */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimitsOptions {
  readonly redisUrl?: string;
  /** Redis keys start with `<prefix>:rl:`. */
  readonly keyPrefix: string;
  readonly logger?: Logger;
}

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const logger = options.logger ?? createLogger();
  const limiters = new Map<string, RateLimiterAbstract>();
  let redis: Redis | undefined;
  let lastError: string | undefined;
  let closing = false;

  // ioredis is loaded only by a gateway given REDIS_URL: the others (and the checking
  // thread) do not pay for importing it at start-up.
  let RedisClient: typeof Redis | undefined;
  const load = async () => {
    RedisClient ??= (await import('ioredis')).Redis;
  };
  const client = (): Redis => {
    if (redis) return redis;
    if (!RedisClient) throw new Error('rate limits: connected() must be awaited before counting in Redis');
    // No offline queue: while Redis is away a count fails at once (and falls back to
    // memory) instead of waiting for a reconnection with the request on hold.
    redis = new RedisClient(options.redisUrl!, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
    const down = (reason: string) => {
      if (lastError === undefined) logger.warn(`Redis at ${where(options.redisUrl!)} is unreachable (${reason}); rate limits are counted in this gateway's memory until it answers`);
      lastError = reason;
    };
    redis.on('error', (error: Error) => down(error.message || String(error)));
    // A connection that was serving and is lost: ioredis reconnects (and reports its failures as errors).
    redis.on('close', () => {
      if (lastError === undefined && !closing) down('connection lost');
    });
    redis.on('ready', () => {
      if (lastError !== undefined) logger.info(`Redis at ${where(options.redisUrl!)} answers again; rate limits are shared again`);
      lastError = undefined;
    });
    return redis;
  };

  const limiterOf = (spec: RateLimitSpec): RateLimiterAbstract => {
    let limiter = limiters.get(spec.text);
    if (!limiter) {
      const shape = { points: spec.points, duration: spec.seconds };
      limiter = options.redisUrl
        ? new RateLimiterRedis({
            ...shape,
            storeClient: client(),
            keyPrefix: `${options.keyPrefix}:rl:${spec.text}`,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new RateLimiterMemory({ ...shape, keyPrefix: `${options.keyPrefix}:rl:${spec.text}` }),
          })
        : new RateLimiterMemory({ ...shape, keyPrefix: `${options.keyPrefix}:rl:${spec.text}` });
      limiters.set(spec.text, limiter);
    }
    return limiter;
  };

  return {
    async consume(spec, bucket, client) {
      if (options.redisUrl && !RedisClient) await load();
      try {
        await limiterOf(spec).consume(`${bucket}:${client}`);
        return undefined;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return { retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        throw refusal;
      }
    },
    async connected() {
      if (!options.redisUrl) return;
      await load();
      const redis = client();
      if (redis.status === 'ready') return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          redis.off('ready', done);
          redis.off('error', done);
          resolve();
        };
        redis.once('ready', done);
        redis.once('error', done);
      });
    },
    readiness: {
      name: 'rate-limits',
      advisory: true,
      check() {
        if (!options.redisUrl || !redis) return true; // counting in memory by choice
        if (redis.status !== 'ready') {
          throw new Error(`Redis at ${where(options.redisUrl)} is ${lastError ? `unreachable (${lastError})` : redis.status}; counting in this gateway's memory until it answers`);
        }
        return true;
      },
    },
    async close() {
      closing = true;
      redis?.disconnect();
    },
  };
}
