import { createHash } from 'node:crypto';
import { realClock, type Clock } from '../sources/index.js';
import type { CacheStore } from './cache-store.js';

/** An entry found: what was stored, how old it is and for how long it was stored. */
export interface CachedEntry {
  readonly value: string;
  /** Whole seconds since it was stored (the `Age` header). */
  readonly ageSeconds: number;
  readonly maxAge: number;
}

/** What the cache did, for /metrics. */
export interface CacheStats {
  hits: number;
  misses: number;
  stored: number;
  /** Entries not stored because they were larger than `maxEntryBytes`. */
  tooLarge: number;
}

export interface ResponseCacheOptions {
  readonly store: CacheStore;
  /** An entry larger than this is not stored (and counted in `stats.tooLarge`); never an error. */
  readonly maxEntryBytes: number;
  /** Where the entries' age is read; real time by default. */
  readonly clock?: Clock;
}

/**
 * The gateway's cache of whole answers and of upstream answers, over one store. An entry
 * keeps when it was stored and for how long, so its age is known on every hit and an
 * entry past its maxAge is never served, whatever the store does with it.
 */
export class ResponseCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, stored: 0, tooLarge: 0 };
  readonly #store: CacheStore;
  readonly #maxEntryBytes: number;
  readonly #clock: Clock;

  constructor(options: ResponseCacheOptions) {
    this.#store = options.store;
    this.#maxEntryBytes = options.maxEntryBytes;
    this.#clock = options.clock ?? realClock;
  }

  /** The entry under `key` while it is fresh; undefined otherwise (a store that fails is a miss). */
  async read(key: string): Promise<CachedEntry | undefined> {
    const text = await this.#store.get(key);
    const entry = text === undefined ? undefined : decode(text, this.#clock.now());
    if (entry) this.stats.hits++;
    else this.stats.misses++;
    return entry;
  }

  /** Stores `value` for `maxAge` seconds, unless it is too large; does not wait for the store. */
  write(key: string, value: string, maxAge: number): void {
    const bytes = Buffer.byteLength(value);
    if (bytes > this.#maxEntryBytes) {
      this.stats.tooLarge++;
      return;
    }
    this.stats.stored++;
    const entry = `${this.#clock.now()}:${maxAge}:${value}`;
    void this.#store.set(key, entry, maxAge * 1000, bytes + entry.length - value.length);
  }

  /** Undefined while the store answers; else why not (for /readyz). */
  trouble(): string | undefined {
    return this.#store.trouble();
  }

  connected(): Promise<void> {
    return this.#store.connected();
  }

  close(): Promise<void> {
    return this.#store.close();
  }
}

/** A key of fixed length for any number of parts: SHA-256 of them, each ended by a NUL. */
export function cacheKey(kind: 'answer' | 'call', parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return `${kind}:${hash.digest('base64url')}`;
}

/** JSON with every object's keys sorted, so `{a, b}` and `{b, a}` make the same key. */
export function stableJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJSON).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJSON((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

function decode(text: string, now: number): CachedEntry | undefined {
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  if (first < 0 || second < 0) return undefined;
  const storedAt = Number(text.slice(0, first));
  const maxAge = Number(text.slice(first + 1, second));
  if (!Number.isFinite(storedAt) || !Number.isFinite(maxAge) || now >= storedAt + maxAge * 1000) return undefined;
  return { value: text.slice(second + 1), ageSeconds: Math.max(0, Math.floor((now - storedAt) / 1000)), maxAge };
}
