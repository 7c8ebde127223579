export { cacheControlDirectiveSDL, CACHE_CONTROL_DIRECTIVE, type CacheHint, type CacheScope } from './cache-control-directive.js';
export {
  answerPolicy,
  compileCachePolicy,
  EMPTY_CACHE_POLICY,
  NOT_CACHEABLE,
  policyDependsOnVariables,
  printCachePolicy,
  type AnswerPolicy,
  type DocumentPolicy,
  type CachePolicy,
  type CompositeCacheInput,
  type SourceFingerprints,
} from './cache-policy.js';
export type { CacheStore } from './cache-store.js';
export { createMemoryStore } from './memory-store.js';
export { createRedisStore, redisAddress, type RedisStoreOptions } from './redis-store.js';
export { cacheKey, ResponseCache, stableJSON, type CachedEntry, type CacheStats, type ResponseCacheOptions } from './response-cache.js';
export { callCacheFor } from './call-cache.js';
