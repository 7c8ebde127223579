import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { jwtSettingsFromEnvironment } from '../../src/server/index.js';

// How authentication is configured: flags and variables that cannot work are refused
// with a message naming them (never repeating a secret); the authorization directives
// compile into a printable map, stay out of the schema clients see, and a graph that
// uses none has nothing to check.

const SECRET = 'x'.repeat(32);

describe('JWT settings', () => {
  it('reads flags over variables, and is off without a key source', () => {
    expect(jwtSettingsFromEnvironment({}, {})).toBeUndefined();
    expect(jwtSettingsFromEnvironment({ jwtIssuer: 'https://i.test' }, { SKEIN_JWT_SECRET: SECRET, SKEIN_JWT_AUDIENCE: 'api' })).toEqual({
      jwksUrl: undefined,
      secret: SECRET,
      issuer: 'https://i.test',
      audience: 'api',
    });
    expect(jwtSettingsFromEnvironment({ jwtJwksUrl: 'https://i.test/jwks.json' }, { SKEIN_JWT_JWKS_URL: 'https://other.test/jwks' })?.jwksUrl).toBe(
      'https://i.test/jwks.json',
    );
  });

  it('refuses what cannot work, naming the flag and never the secret', () => {
    expect(() => jwtSettingsFromEnvironment({ jwtJwksUrl: 'issuer.test/jwks' }, {})).toThrow(/--jwt-jwks-url \/ SKEIN_JWT_JWKS_URL must be an http\(s\) URL/);
    let message = '';
    try {
      jwtSettingsFromEnvironment({}, { SKEIN_JWT_SECRET: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SKEIN_JWT_SECRET must be at least 32 bytes for HS256 \(it has 12\)/);
    expect(message).not.toContain('short-secret');
    expect(() => jwtSettingsFromEnvironment({}, { SKEIN_JWT_ISSUER: 'https://i.test' })).toThrow(/need --jwt-jwks-url/);
  });
});

const SOURCE = `extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")
  type Order @requiresScopes(scopes: [["orders:read"]]) { id: ID! total: Float @authenticated }
  type Query {
    order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") @requiresScopes(scopes: [["a", "b"], ["admin"]])
    ping: String @rest(source: "shop", path: "/ping")
  }`;

describe('authorization directives', () => {
  it('compile into a map of what each guarded field requires, field and type together', async () => {
    const graph = await buildGraph({
      sources: [{ path: 'shop.graphql', text: SOURCE }],
      composites: [{ path: 'c.graphql', text: 'query pingAll @authenticated { ping }' }],
    });
    expect(Object.fromEntries(graph.authorization)).toEqual({
      // The field's alternatives, each with the scope its type requires.
      'Query.order': [['a', 'b', 'orders:read'], ['admin', 'orders:read']],
      'Order.total': [[]],
      'Query.pingAll': [[]],
    });
    await graph.close();
  });

  it('stay out of the schema clients see', async () => {
    const graph = await buildGraph({ sources: [{ path: 'shop.graphql', text: SOURCE }], composites: [] });
    expect(graph.schema.getDirective('authenticated')).toBeUndefined();
    expect(graph.schema.getDirective('requiresScopes')).toBeUndefined();
    expect(graph.fullSchema.getDirective('requiresScopes')).toBeDefined();
    await graph.close();
  });

  it('leave a graph that uses none without any check', async () => {
    const graph = await buildGraph({ sources: [{ path: 'shop.graphql', text: 'extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")\ntype Query { ping: String @rest(source: "shop", path: "/ping") }' }], composites: [] });
    expect(graph.authorization.size).toBe(0);
    await graph.close();
  });

  it('a {jwt.…} placeholder that is not sub or claims is a schema error saying how to read a token', async () => {
    const text = 'extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")\ntype Query { ping: String @rest(source: "shop", path: "/ping", headers: [{ name: "x-t", value: "{jwt.tenant}" }]) }';
    await expect(buildGraph({ sources: [{ path: 'shop.graphql', text }], composites: [] })).rejects.toThrow(/\{jwt\.tenant\}; the verified token is read as \{jwt\.sub\} or \{jwt\.claims\.NAME\}/);
  });
});
