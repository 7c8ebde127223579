import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsFromEnvironment } from '../../src/server/index.js';

// --cache, --cache-max-bytes and --cache-max-entry-bytes over SKEIN_CACHE* over the defaults.

describe('cache settings', () => {
  it('are off, 64 MiB and 1 MiB unless told otherwise', () => {
    const settings = settingsFromEnvironment({}, {});
    expect([settings.cache, settings.cacheMaxBytes, settings.cacheMaxEntryBytes]).toEqual([false, 64 * 1024 * 1024, 1024 * 1024]);
    expect(DEFAULT_SETTINGS.cache).toBe(false);
  });

  it('read the flags over the environment', () => {
    expect(settingsFromEnvironment({}, { SKEIN_CACHE: 'on', SKEIN_CACHE_MAX_BYTES: '1000' })).toMatchObject({ cache: true, cacheMaxBytes: 1000 });
    expect(settingsFromEnvironment({}, { SKEIN_CACHE: 'off' }).cache).toBe(false);
    expect(settingsFromEnvironment({ cache: true, cacheMaxBytes: '2000', cacheMaxEntryBytes: '100' }, { SKEIN_CACHE_MAX_BYTES: '1000' })).toMatchObject({
      cache: true,
      cacheMaxBytes: 2000,
      cacheMaxEntryBytes: 100,
    });
  });

  it('refuse a value that is not one, naming the flag or the variable', () => {
    expect(() => settingsFromEnvironment({}, { SKEIN_CACHE: 'sometimes' })).toThrow('SKEIN_CACHE must be on or off, not "sometimes"');
    expect(() => settingsFromEnvironment({}, { SKEIN_CACHE_MAX_BYTES: '64MB' })).toThrow('SKEIN_CACHE_MAX_BYTES must be a whole number of at least 1, not "64MB"');
    expect(() => settingsFromEnvironment({ cacheMaxEntryBytes: '0' }, {})).toThrow('--cache-max-entry-bytes must be a whole number of at least 1, not "0"');
  });
});
