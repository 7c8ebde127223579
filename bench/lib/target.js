// What a load run sends, and how its answer is checked. A target's `check()` makes one
// request, fails loudly unless the answer is the expected one, and returns the exact body
// text, which the load generator then requires of every response under load.
import { isDeepStrictEqual } from 'node:util';
import { request } from './http.js';

/** A GraphQL query POSTed to `url`, whose JSON answer must equal `expected`. */
export function graphqlTarget(label, url, query, expected, variables) {
  const body = JSON.stringify(variables ? { query, variables } : { query });
  return {
    label,
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    async check() {
      const r = await request(this.url, { method: 'POST', headers: this.headers, body });
      let json;
      try {
        json = JSON.parse(r.body);
      } catch {}
      if (r.status !== 200 || !isDeepStrictEqual(json, expected)) {
        throw new Error(`${label}: wrong answer.\n  query:    ${query}\n  expected: ${JSON.stringify(expected)}\n  got:      HTTP ${r.status} ${r.body.slice(0, 1000)}`);
      }
      return r.body;
    },
  };
}

/** Any HTTP request whose answer must satisfy `valid(body)` (named by `expectation` in errors). */
export function httpTarget(label, url, { method = 'GET', headers = {}, body, valid, expectation }) {
  return {
    label,
    url,
    method,
    headers,
    body,
    async check() {
      const r = await request(this.url, { method, headers, body });
      if (r.status !== 200 || !valid(r.body)) {
        throw new Error(`${label}: wrong answer; expected ${expectation}, got HTTP ${r.status} ${r.body.slice(0, 1000)}`);
      }
      return r.body;
    },
  };
}
