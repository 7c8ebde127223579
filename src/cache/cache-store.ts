/**
 * Where cached entries live: this process's memory (memory-store.ts) or Redis
 * (redis-store.ts), shared by a cluster. A store never throws: a cache can only fail
 * open, so a store that cannot answer answers "not cached" and drops what it is given.
 */
export interface CacheStore {
  /** The entry under `key`, or undefined (absent, expired, or the store unreachable). */
  get(key: string): Promise<string | undefined>;
  /** Keeps `value` under `key` for `ttlMs`; `bytes` is its size in UTF-8, already measured. */
  set(key: string, value: string, ttlMs: number, bytes: number): Promise<void>;
  /** Undefined when the store answers; else why not, in words (for /readyz). */
  trouble(): string | undefined;
  /** Resolves once the store answers, or has failed to (then the gateway serves uncached). */
  connected(): Promise<void>;
  close(): Promise<void>;
}
