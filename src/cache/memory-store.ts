import { LRUCache } from 'lru-cache';
import type { CacheStore } from './cache-store.js';

/**
 * Entries in this process's memory, least recently used dropped first once their sizes
 * (in bytes, keys included) would pass `maxBytes` (lru-cache).
 */
export function createMemoryStore(maxBytes: number): CacheStore {
  const entries = new LRUCache<string, string>({ maxSize: maxBytes, ttlAutopurge: false });
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, value, ttlMs, bytes) {
      entries.set(key, value, { ttl: ttlMs, size: bytes + key.length });
    },
    trouble: () => undefined,
    connected: async () => {},
    async close() {
      entries.clear();
    },
  };
}
