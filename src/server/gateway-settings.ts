import type { TracingSettings } from '../observe/index.js';
import type { JwtSettings } from './auth/jwt-verifier.js';
import { parseRateLimit, type RateLimitSpec } from '../composite/index.js';

/**
 * What a gateway allows and how it protects itself: request limits, security switches
 * and the shutdown deadline. `skein serve` fills them from flags and the environment
 * (`settingsFromEnvironment`); everything has a default that lets GraphiQL and the demo
 * work, so `startGateway` callers may give none.
 */
export interface GatewaySettings {
  /** Deepest selection nesting in a query (introspection excepted). */
  readonly maxDepth: number;
  /** Aliases in one operation. */
  readonly maxAliases: number;
  /** Directives in one operation. */
  readonly maxDirectives: number;
  /** Lexical tokens in one document. */
  readonly maxTokens: number;
  /** Brackets, braces and parentheses open at once in a document (checked while parsing). */
  readonly maxNesting: number;
  /**
   * Estimated cost of one request, a JSON batch as a whole: an upstream call weighs 10, any
   * other object 1, times the size of each list around it (see src/cost).
   */
  readonly maxCost: number;
  /** Items a list is assumed to hold, for the cost, when neither its arguments nor `@listSize` say. */
  readonly defaultListSize: number;
  /** Upstream calls one request may start (joins, batch calls and composite steps included). */
  readonly maxUpstreamCalls: number;
  /** Bytes of an answer, and of the upstream answers one request may read. */
  readonly maxResponseBytes: number;
  /** How long one request may run; then no upstream call is started or awaited. */
  readonly requestTimeoutMs: number;
  /** Largest request body at /graphql and /api, in bytes. */
  readonly maxBodyBytes: number;
  /** Largest request body at /admin/graphql (OpenAPI and WSDL uploads), in bytes. */
  readonly maxAdminBodyBytes: number;
  /** Operations in one batched request (a JSON array); 0 turns batching off. */
  readonly maxBatch: number;
  /**
   * Persisted-operations mode: only the operations of this manifest (id → document) are
   * served, by `extensions.persistedQuery.sha256Hash` or `documentId`; any other
   * document is refused. Undefined: any valid operation is served.
   */
  readonly persistedOperations?: ReadonlyMap<string, string>;
  /** Refuse browser requests that could skip a CORS preflight unless they carry a CSRF header. */
  readonly csrf: boolean;
  /** Origins allowed to call from a browser (CORS); empty: same origin only; ['*']: any. */
  readonly corsOrigins: readonly string[];
  /** Bearer-token verification (src/server/auth); undefined: tokens are not checked and no plugin runs. */
  readonly jwt?: JwtSettings;
  /**
   * OpenTelemetry tracing, exported with OTLP over HTTP (`tracingSettingsFromEnvironment`
   * reads the standard OTEL_* variables); undefined: off, and no request pays for it.
   */
  readonly tracing?: TracingSettings;
  /** How long a stopping gateway waits for requests in flight, in ms. */
  readonly shutdownTimeoutMs: number;
  /**
   * Serve plain JSON POSTs from programs by the fast lane (same plugins, no Fetch API
   * objects). Off (SKEIN_FAST_LANE=off): every request goes through yoga; answers are
   * the same, only slower.
   */
  readonly fastLane: boolean;
  /**
   * Requests (operations) one client may make, per second, minute or hour, at /graphql,
   * /api, /soap and /mcp alike; a composite's `# @rateLimit` comment sets its own.
   * Undefined: no limit but the composites' own.
   */
  readonly rateLimit?: RateLimitSpec;
  /**
   * Response caching (`--cache`, SKEIN_CACHE=on): answers and upstream calls kept for the
   * maxAge their `@cacheControl` hints allow (src/cache). Off by default; off, no plugin runs.
   */
  readonly cache: boolean;
  /** Bytes the in-memory cache may hold, least recently used dropped first (without REDIS_URL). */
  readonly cacheMaxBytes: number;
  /** Bytes of one cached entry; a larger answer is served but not kept (and counted in /metrics). */
  readonly cacheMaxEntryBytes: number;
  /** Redis (REDIS_URL): where the rate-limit counters and the response cache live, shared by a cluster; undefined: in memory. */
  readonly redisUrl?: string;
  /** What the gateway's Redis keys start with (SKEIN_REDIS_PREFIX), so deployments can share a Redis. */
  readonly redisKeyPrefix: string;
  /** What GraphiQL's first tab holds; a short guide when undefined (the demo passes its own). */
  readonly graphiqlExample?: string;
  /**
   * Show each source's URL in the `/api` catalog, without credentials, query or fragment.
   * Off by default: upstream addresses are the operator's business. `--dev` turns it on.
   */
  readonly showSourceUrls: boolean;
}

export const DEFAULT_SETTINGS: GatewaySettings = {
  maxDepth: 15,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5_000,
  maxNesting: 64,
  maxCost: 5_000,
  defaultListSize: 10,
  maxUpstreamCalls: 500,
  maxResponseBytes: 10 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxBodyBytes: 1024 * 1024,
  maxAdminBodyBytes: 32 * 1024 * 1024,
  maxBatch: 10,
  csrf: true,
  corsOrigins: [],
  shutdownTimeoutMs: 10_000,
  fastLane: true,
  showSourceUrls: false,
  redisKeyPrefix: 'skein',
  cache: false,
  cacheMaxBytes: 64 * 1024 * 1024,
  cacheMaxEntryBytes: 1024 * 1024,
};

/** The environment variable behind each numeric setting (and its `skein serve` flag). */
export const SETTING_VARIABLES = {
  maxDepth: ['SKEIN_MAX_DEPTH', '--max-depth'],
  maxAliases: ['SKEIN_MAX_ALIASES', '--max-aliases'],
  maxDirectives: ['SKEIN_MAX_DIRECTIVES', '--max-directives'],
  maxTokens: ['SKEIN_MAX_TOKENS', '--max-tokens'],
  maxNesting: ['SKEIN_MAX_NESTING', '--max-nesting'],
  maxCost: ['SKEIN_MAX_COST', '--max-cost'],
  defaultListSize: ['SKEIN_DEFAULT_LIST_SIZE', '--default-list-size'],
  maxUpstreamCalls: ['SKEIN_MAX_UPSTREAM_CALLS', '--max-upstream-calls'],
  maxResponseBytes: ['SKEIN_MAX_RESPONSE_BYTES', '--max-response-bytes'],
  requestTimeoutMs: ['SKEIN_REQUEST_TIMEOUT_MS', '--request-timeout'],
  maxBodyBytes: ['SKEIN_MAX_BODY_BYTES', '--max-body-bytes'],
  maxAdminBodyBytes: ['SKEIN_MAX_ADMIN_BODY_BYTES', '--max-admin-body-bytes'],
  maxBatch: ['SKEIN_MAX_BATCH', '--max-batch'],
  shutdownTimeoutMs: ['SKEIN_SHUTDOWN_TIMEOUT_MS', '--shutdown-timeout'],
  cacheMaxBytes: ['SKEIN_CACHE_MAX_BYTES', '--cache-max-bytes'],
  cacheMaxEntryBytes: ['SKEIN_CACHE_MAX_ENTRY_BYTES', '--cache-max-entry-bytes'],
} as const satisfies Partial<Record<keyof GatewaySettings, readonly [string, string]>>;

export type NumericSetting = keyof typeof SETTING_VARIABLES;

/**
 * Settings from flags (given as strings, by setting name) over the environment over the
 * defaults. A value that is not a whole number ≥ 0 (≥ 1 for limits) throws, naming the
 * flag or variable and what it held.
 */
export function settingsFromEnvironment(
  flags: Partial<Record<NumericSetting | 'corsOrigins' | 'csrf' | 'rateLimit' | 'cache', string | boolean | undefined>>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<GatewaySettings, 'persistedOperations' | 'showSourceUrls'> {
  const numbers = {} as Record<NumericSetting, number>;
  for (const [key, [variable, flag]] of Object.entries(SETTING_VARIABLES) as [NumericSetting, readonly [string, string]][]) {
    const fromFlag = flags[key];
    const text = typeof fromFlag === 'string' ? fromFlag : env[variable];
    if (text === undefined || text === '') {
      numbers[key] = DEFAULT_SETTINGS[key];
      continue;
    }
    const value = Number(text);
    const min = key === 'maxBatch' || key === 'shutdownTimeoutMs' || key === 'defaultListSize' ? 0 : 1;
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
      const where = typeof fromFlag === 'string' ? flag : variable;
      throw new Error(`${where} must be a whole number of at least ${min}, not "${text}"`);
    }
    numbers[key] = value;
  }
  const cors = typeof flags.corsOrigins === 'string' ? flags.corsOrigins : env.SKEIN_CORS_ORIGINS;
  const corsOrigins = (cors ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`SKEIN_CORS_ORIGINS / --cors-origins: "${origin}" is not an origin such as https://app.example.com (or *)`);
    }
  }
  const csrf = flags.csrf === false ? false : switchOf(env, 'SKEIN_CSRF');
  const fastLane = switchOf(env, 'SKEIN_FAST_LANE');
  const limit = typeof flags.rateLimit === 'string' ? flags.rateLimit : env.SKEIN_RATE_LIMIT;
  const rateLimit = limit ? parseRateLimit(limit, typeof flags.rateLimit === 'string' ? '--rate-limit' : 'SKEIN_RATE_LIMIT') : undefined;
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  const redisKeyPrefix = env.SKEIN_REDIS_PREFIX || DEFAULT_SETTINGS.redisKeyPrefix;
  // Off unless asked for: a cache changes what clients see (answers up to maxAge old).
  const cache = flags.cache === true || (env.SKEIN_CACHE !== undefined && env.SKEIN_CACHE !== '' && switchOf(env, 'SKEIN_CACHE'));
  return { ...numbers, corsOrigins, csrf, fastLane, rateLimit, redisUrl, redisKeyPrefix, cache };
}

/**
 * Whether clients see what upstreams wrote: body excerpts, SOAP Fault `detail`, why a
 * source could not be prepared. `--expose-upstream-errors` or
 * SKEIN_EXPOSE_UPSTREAM_ERRORS=on; on by default under `--dev` (and `--demo`) unless the
 * variable says off; otherwise off.
 */
export function exposeUpstreamErrors(flag: boolean | undefined, dev: boolean, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (flag === true) return true;
  const text = env.SKEIN_EXPOSE_UPSTREAM_ERRORS;
  if (text === undefined || text === '') return dev;
  return switchOf(env, 'SKEIN_EXPOSE_UPSTREAM_ERRORS');
}

/** An on/off variable, on unless it says off. */
function switchOf(env: Readonly<Record<string, string | undefined>>, variable: string): boolean {
  const text = env[variable]?.toLowerCase();
  if (text !== undefined && !['on', 'off', 'true', 'false', '1', '0', ''].includes(text)) {
    throw new Error(`${variable} must be on or off, not "${env[variable]}"`);
  }
  return !['off', 'false', '0'].includes(text ?? '');
}
