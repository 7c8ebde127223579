import { describe, expect, it } from 'vitest';
import { cacheKey, createMemoryStore, ResponseCache, stableJSON } from '../../src/cache/index.js';
import { ManualClock } from '../helpers/manual-clock.js';

// The cache over its in-memory store: entries age on an injected clock and are never
// served past their maxAge; the store is bounded by bytes, least recently used out first;
// an entry too large is skipped and counted, never an error.

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ResponseCache over memory', () => {
  it('serves an entry with its age in whole seconds until its maxAge has passed', async () => {
    const clock = new ManualClock();
    const cache = new ResponseCache({ store: createMemoryStore(1 << 20), maxEntryBytes: 1 << 10, clock });
    cache.write('answer:a', '{"x":1}', 10);
    await settle();
    expect(await cache.read('answer:a')).toEqual({ value: '{"x":1}', ageSeconds: 0, maxAge: 10 });
    clock.advance(1_999);
    expect((await cache.read('answer:a'))?.ageSeconds).toBe(1);
    clock.advance(8_000);
    expect((await cache.read('answer:a'))?.ageSeconds).toBe(9);
    clock.advance(1);
    expect(await cache.read('answer:a')).toBeUndefined();
    expect(cache.stats).toEqual({ hits: 3, misses: 1, stored: 1, tooLarge: 0 });
  });

  it('holds at most its bytes, dropping the least recently used first', async () => {
    const clock = new ManualClock();
    // Each entry is 107 bytes: its key (2), the stored time and maxAge ("0:60:", 5) and the value (100): 9 fit in 1,000.
    const cache = new ResponseCache({ store: createMemoryStore(1_000), maxEntryBytes: 1_000, clock });
    const value = 'v'.repeat(100);
    for (let i = 0; i < 7; i++) cache.write(`k${i}`, value, 60);
    await settle();
    // Reading k0 makes it the most recently used: k1 goes first.
    expect(await cache.read('k0')).toBeDefined();
    for (let i = 7; i < 10; i++) cache.write(`k${i}`, value, 60);
    await settle();
    const present: string[] = [];
    for (let i = 0; i < 10; i++) if (await cache.read(`k${i}`)) present.push(`k${i}`);
    expect(present).toEqual(['k0', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
  });

  it('skips an entry larger than maxEntryBytes and counts it; the next one is kept', async () => {
    const cache = new ResponseCache({ store: createMemoryStore(10_000), maxEntryBytes: 100 });
    cache.write('big', 'é'.repeat(60), 60); // 120 bytes in UTF-8, though 60 characters
    cache.write('small', 'ok', 60);
    await settle();
    expect(await cache.read('big')).toBeUndefined();
    expect((await cache.read('small'))?.value).toBe('ok');
    expect(cache.stats.tooLarge).toBe(1);
  });
});

describe('keys', () => {
  it('are the same for the same parts in the same order, whatever the variables\' key order', () => {
    expect(stableJSON({ b: [1, { d: 2, c: null }], a: 'x' })).toBe('{"a":"x","b":[1,{"c":null,"d":2}]}');
    expect(cacheKey('answer', ['v1', stableJSON({ a: 1, b: 2 })])).toBe(cacheKey('answer', ['v1', stableJSON({ b: 2, a: 1 })]));
    expect(cacheKey('answer', ['v1', 'ab'])).not.toBe(cacheKey('answer', ['v1a', 'b']));
    expect(cacheKey('answer', ['v'])).not.toBe(cacheKey('call', ['v']));
  });
});
