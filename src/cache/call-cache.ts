import type { CallCache, HttpAnswer, HttpCall, RequestIdentity } from '../sources/index.js';
import type { CachePolicy } from './cache-policy.js';
import { cacheKey, type ResponseCache } from './response-cache.js';

/**
 * The cache of one request's upstream calls: a read-only call of a Query field with a
 * maxAge (`policy.calls`, by the call's label) is kept that long under the whole call
 * (method, URL, headers, body: two calls that send the same bytes get the same answer),
 * its source's fingerprint (a change to that source starts its calls afresh, and only
 * its) and, for a PRIVATE field, the JWT subject (without one it is not kept). Undefined when no field's calls are cacheable.
 */
export function callCacheFor(
  cache: ResponseCache,
  policy: CachePolicy,
  identity: RequestIdentity | undefined,
): CallCache | undefined {
  if (policy.calls.size === 0) return undefined;
  const keyOf = (call: HttpCall, source: string): { key: string; maxAge: number } | undefined => {
    const hint = policy.calls.get(call.label);
    if (!hint) return undefined;
    let subject = '';
    if (hint.scope === 'PRIVATE') {
      if (!identity?.sub) return undefined;
      subject = identity.sub;
    }
    const headers = Object.keys(call.headers)
      .sort()
      .map((name) => `${name}:${call.headers[name]}`)
      .join('\n');
    return { key: cacheKey('call', [policy.sourceVersions.get(source) ?? policy.sourcesVersion, call.method, call.url, headers, call.body ?? '', subject]), maxAge: hint.maxAge };
  };
  return {
    async read(call, source) {
      const found = keyOf(call, source);
      if (!found) return undefined;
      const entry = await cache.read(found.key);
      if (!entry) return undefined;
      const { status, type, body } = JSON.parse(entry.value) as { status: number; type?: string; body: string };
      return { status, headers: type === undefined ? {} : { 'content-type': type }, body };
    },
    write(call, answer: HttpAnswer, source) {
      const found = keyOf(call, source);
      if (!found) return;
      const type = answer.headers['content-type'];
      cache.write(found.key, JSON.stringify({ status: answer.status, type: Array.isArray(type) ? type[0] : type, body: answer.body }), found.maxAge);
    },
  };
}
