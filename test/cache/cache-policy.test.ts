import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerPolicy, policyDependsOnVariables, printCachePolicy } from '../../src/cache/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';

// Apollo's rules for combining @cacheControl hints, read from the document before it runs:
// the least maxAge of every field selected; a root field and a field returning an object
// without a hint count 0, scalars inherit; a field's hint replaces its type's; PRIVATE wins;
// inheritMaxAge. A composite takes its operation's hint, else its steps'.

const SOURCE = `extend schema @source(name: "shop", kind: REST, url: "http://127.0.0.1:9")
type Book @cacheControl(maxAge: 60) {
  id: ID!
  title: String
  price: Float @cacheControl(maxAge: 5)
  secret: String @cacheControl(scope: PRIVATE)
  author: Author
  reviews: [Review]
}
type Author { name: String books: [Book] agent: Agent @cacheControl(inheritMaxAge: true) }
type Agent { name: String }
type Review @cacheControl(inheritMaxAge: true) { text: String }
type Reader @cacheControl(maxAge: 120, scope: PRIVATE) { name: String }
type Query {
  book(id: ID!): Book @rest(source: "shop", path: "/books/{id}")
  books: [Book] @rest(source: "shop", path: "/books") @cacheControl(maxAge: 30)
  author(id: ID!): Author @rest(source: "shop", path: "/authors/{id}") @cacheControl(maxAge: 90)
  me: Reader @rest(source: "shop", path: "/me")
  count: Int @rest(source: "shop", path: "/count")
  stats: Int @rest(source: "shop", path: "/stats") @cacheControl(maxAge: 15)
  guardedBook(id: ID!): Book @rest(source: "shop", path: "/books/{id}") @authenticated
}
type Mutation { buy(id: ID!): Book @rest(source: "shop", method: POST, path: "/buy/{id}") @cacheControl(maxAge: 60) }`;

const COMPOSITES = {
  'bookPage.graphql': `query bookPage($id: ID!) @cacheControl(maxAge: 45) { book(id: $id) { title } me { name } }`,
  'bookAndStats.graphql': `query bookAndStats($id: ID!) { book(id: $id) { title } stats }`,
  'bookAndCount.graphql': `query bookAndCount($id: ID!) { book(id: $id) { title } count }`,
  'shortPage.graphql': `query shortPage($id: ID!) @cacheControl(maxAge: 600) { book(id: $id) { title } }`,
};

let graph: Graph;
beforeAll(async () => {
  const file = (path: string, text: string) => ({ path, text, documents: 'anywhere' as const });
  graph = await buildGraph({
    sources: [file('shop.graphql', SOURCE)],
    composites: Object.entries(COMPOSITES).map(([path, text]) => file(path, text)),
  });
  return () => graph.close();
});

const policyOf = (query: string, variables?: Record<string, unknown>) => answerPolicy(graph.cachePolicy, graph.schema, parse(query), undefined, variables);

describe('combining hints (Apollo rules)', () => {
  it.each([
    ['a root field returning a type with a hint takes the type\'s', '{ book(id: "1") { id title } }', 60, 'PUBLIC'],
    ['a scalar field\'s own maxAge restricts the answer', '{ book(id: "1") { id price } }', 5, 'PUBLIC'],
    ['a scope alone on a scalar makes the answer PRIVATE, maxAge unchanged', '{ book(id: "1") { secret } }', 60, 'PRIVATE'],
    ['an object field of a type without a hint counts 0', '{ book(id: "1") { author { name } } }', 0, 'PUBLIC'],
    ['a root field\'s own hint', '{ author(id: "1") { name } }', 90, 'PUBLIC'],
    ['a nested list of a hinted type takes the least', '{ author(id: "1") { books { title } } }', 60, 'PUBLIC'],
    ['a type with inheritMaxAge inherits its parent\'s', '{ book(id: "1") { reviews { text } } }', 60, 'PUBLIC'],
    ['a field with inheritMaxAge and an unhinted type inherits', '{ author(id: "1") { agent { name } } }', 90, 'PUBLIC'],
    ['a field\'s own maxAge replaces its type\'s, even when longer or shorter', '{ books { title } }', 30, 'PUBLIC'],
    ['a PRIVATE type makes the answer PRIVATE', '{ me { name } }', 120, 'PRIVATE'],
    ['a root scalar without a hint counts 0', '{ count }', 0, 'PUBLIC'],
    ['a root scalar with a hint', '{ stats }', 15, 'PUBLIC'],
    ['several root fields: the least maxAge, PRIVATE wins', '{ stats me { name } }', 15, 'PRIVATE'],
    ['fragments count', '{ book(id: "1") { id ...on Book { price } } }', 5, 'PUBLIC'],
    ['named fragments count', '{ book(id: "1") { ...Priced } } fragment Priced on Book { price }', 5, 'PUBLIC'],
    ['a field only some tokens may read is PRIVATE', '{ guardedBook(id: "1") { title } }', 60, 'PRIVATE'],
    ['a mutation is never cacheable, whatever its hints', 'mutation { buy(id: "1") { title } }', 0, 'PUBLIC'],
    ['a composite takes its operation\'s maxAge and its steps\' scope', '{ bookPage(id: "1") { book { title } me { name } } }', 45, 'PRIVATE'],
    ['a composite without a hint takes its steps\' least', '{ bookAndStats(id: "1") { book { title } stats } }', 15, 'PUBLIC'],
    ['a composite with a step that cannot be cached cannot be either', '{ bookAndCount(id: "1") { book { title } count } }', 0, 'PUBLIC'],
    ['a composite\'s own maxAge may be longer than its steps\'', '{ shortPage(id: "1") { book { title } } }', 600, 'PUBLIC'],
  ])('%s', (_name, query, maxAge, scope) => {
    expect(policyOf(query)).toMatchObject({ maxAge, scope });
  });

  it('names the composites an operation runs, for its cache key', () => {
    expect(policyOf('{ bookPage(id: "1") { book { title } } shortPage(id: "2") { book { title } } stats }').composites).toEqual([
      'Query.bookPage',
      'Query.shortPage',
    ]);
    expect(policyOf('{ book(id: "1") { title } }').composites).toEqual([]);
  });

  it('honours @skip and @include when their variables are given, and counts the field when they are not', () => {
    const query = 'query($s: Boolean!) { book(id: "1") { id price @skip(if: $s) } }';
    expect(policyOf(query, { s: true }).maxAge).toBe(60);
    expect(policyOf(query, { s: false }).maxAge).toBe(5);
    expect(policyOf(query, {}).maxAge).toBe(5);
  });

  it('says when a document\'s policy depends on its variables', () => {
    expect(policyDependsOnVariables(parse('query($s: Boolean!) { book(id: "1") { price @skip(if: $s) } }'))).toBe(true);
    expect(policyDependsOnVariables(parse('query($id: ID!) { book(id: $id) { price @skip(if: false) } }'))).toBe(false);
  });

  it('reads only the operation asked for', () => {
    const document = parse('query a { stats } query b { book(id: "1") { title } }');
    expect(answerPolicy(graph.cachePolicy, graph.schema, document, 'b', undefined).maxAge).toBe(60);
    expect(answerPolicy(graph.cachePolicy, graph.schema, document, 'a', undefined).maxAge).toBe(15);
  });
});

describe('the compiled policy', () => {
  it('prints every hint of the schema, the composites\' computed ones and the upstream calls that may be cached', () => {
    const printed = printCachePolicy(graph.cachePolicy);
    expect(printed).toContain('type Book: maxAge 60');
    expect(printed).toContain('type Reader: maxAge 120, PRIVATE');
    expect(printed).toContain('type Review: inheritMaxAge');
    expect(printed).toContain('Book.price: maxAge 5');
    expect(printed).toContain('Query.guardedBook: PRIVATE');
    expect(printed).toContain('Query.bookPage: maxAge 45, PRIVATE');
    expect(printed).toContain('Query.bookAndStats: maxAge 15');
    expect(printed).toContain('Query.bookAndCount: maxAge 0');
    expect(printed).toContain('BookPage.book: inheritMaxAge');
    expect([...graph.cachePolicy.calls].map(([field, policy]) => `${field} ${policy.maxAge} ${policy.scope}`).sort()).toEqual([
      'Query.author 90 PUBLIC',
      'Query.book 60 PUBLIC',
      'Query.books 30 PUBLIC',
      'Query.guardedBook 60 PRIVATE',
      'Query.me 120 PRIVATE',
      'Query.stats 15 PUBLIC',
    ]);
  });

  it('fingerprints each composite apart, and the sources together: a change to one composite changes only its own', async () => {
    const file = (path: string, text: string) => ({ path, text, documents: 'anywhere' as const });
    const build = (composites: Record<string, string>, source = SOURCE, paused: string[] = []) =>
      buildGraph(
        { sources: [file('shop.graphql', source)], composites: Object.entries(composites).map(([path, text]) => file(path, text)) },
        { pausedComposites: new Set(paused) },
      );
    const changed = await build({ ...COMPOSITES, 'bookPage.graphql': COMPOSITES['bookPage.graphql'].replace('title', 'id title') });
    const paused = await build(COMPOSITES, SOURCE, ['shortPage']);
    const otherSource = await build(COMPOSITES, SOURCE.replace('/count', '/counter'));
    try {
      const fingerprint = (g: Graph, field: string) => g.cachePolicy.composites.get(field);
      expect(fingerprint(graph, 'Query.bookPage')).not.toBe(fingerprint(graph, 'Query.shortPage'));
      expect(fingerprint(changed, 'Query.bookPage')).not.toBe(fingerprint(graph, 'Query.bookPage'));
      expect(fingerprint(changed, 'Query.shortPage')).toBe(fingerprint(graph, 'Query.shortPage'));
      expect(fingerprint(paused, 'Query.shortPage')).not.toBe(fingerprint(graph, 'Query.shortPage'));
      expect(fingerprint(paused, 'Query.bookPage')).toBe(fingerprint(graph, 'Query.bookPage'));
      expect(changed.cachePolicy.sourcesVersion).toBe(graph.cachePolicy.sourcesVersion);
      expect(otherSource.cachePolicy.sourcesVersion).not.toBe(graph.cachePolicy.sourcesVersion);
    } finally {
      await Promise.all([changed.close(), paused.close(), otherSource.close()]);
    }
  });

  it('counts PRIVATE the fields whose calls carry the caller\'s headers, joins to them included', async () => {
    const file = (path: string, text: string) => ({ path, text, documents: 'anywhere' as const });
    const tenants = `extend schema @source(name: "tenants", kind: REST, url: "http://127.0.0.1:9", forwardHeaders: ["x-tenant"])
      type Shelf @cacheControl(maxAge: 60) { id: ID! books: Int }
      type Query { shelf(id: ID!): Shelf @rest(source: "tenants", path: "/shelves/{id}") }
      extend type Book { shelf: Shelf @join(query: "shelf(id: $id)") }`;
    const perCaller = await buildGraph({ sources: [file('shop.graphql', SOURCE), file('tenants.graphql', tenants)], composites: [] });
    try {
      const policy = (query: string) => answerPolicy(perCaller.cachePolicy, perCaller.schema, parse(query), undefined, undefined);
      expect(policy('{ shelf(id: "1") { books } }')).toMatchObject({ maxAge: 60, scope: 'PRIVATE' });
      expect(policy('{ book(id: "1") { title shelf { books } } }')).toMatchObject({ maxAge: 60, scope: 'PRIVATE' });
      expect(policy('{ book(id: "1") { title } }')).toMatchObject({ maxAge: 60, scope: 'PUBLIC' });
    } finally {
      await perCaller.close();
    }
  });

  it('is empty for a schema without hints, and the public schema does not show the directive', async () => {
    const file = { path: 'plain.graphql', text: SOURCE.replace(/@cacheControl\([^)]*\)/g, ''), documents: 'anywhere' as const };
    const plain = await buildGraph({ sources: [file], composites: [] });
    expect(printCachePolicy(plain.cachePolicy)).toBe('Query.guardedBook: PRIVATE');
    expect(plain.schema.getDirective('cacheControl')).toBeUndefined();
    await plain.close();
  });

  it('refuses @cacheControl on a mutation composite, naming the file', async () => {
    const file = (path: string, text: string) => ({ path, text, documents: 'anywhere' as const });
    await expect(
      buildGraph({ sources: [file('shop.graphql', SOURCE)], composites: [file('buyNow.graphql', 'mutation buyNow @cacheControl(maxAge: 5) { buy(id: "1") { title } }')] }),
    ).rejects.toThrow(/buyNow\.graphql:1:\d+: .*cacheControl.*MUTATION|buyNow\.graphql:1:\d+: Directive "@cacheControl" may not be used on MUTATION/);
  });
});
