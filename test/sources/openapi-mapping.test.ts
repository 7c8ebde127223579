import path from 'node:path';
import { getNamedType, isEnumType, isObjectType, isInputObjectType, isUnionType, type GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../../src/errors/schema-error.js';
import { importOpenAPI, type OpenAPIImport } from '../../src/sources/rest/openapi/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

const FIXTURE = path.resolve('test/fixtures/openapi/mapping-rules.yaml');

/** `{ name: 'String!', … }` for an object or input type: the schema as a client sees it. */
function fieldsOf(schema: GraphQLSchema, typeName: string): Record<string, string> {
  const type = schema.getType(typeName);
  if (!isObjectType(type) && !isInputObjectType(type)) throw new Error(`${typeName} is not an object or input type`);
  return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, String(field.type)]));
}

/** The SDL block that defines `header` (`type Dog`, `enum Status`), up to its closing brace. */
function block(sdl: string, header: string): string {
  const start = sdl.indexOf(`\n${header} `);
  if (start === -1) throw new Error(`no "${header}" in the SDL`);
  return sdl.slice(start + 1, sdl.indexOf('\n}', start) + 2);
}

describe('OpenAPI import: mapping rules (test/fixtures/openapi/mapping-rules.yaml)', () => {
  let imported: OpenAPIImport;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let schema: GraphQLSchema;

  beforeAll(async () => {
    imported = await importOpenAPI(FIXTURE, { source: 'zoo' });
    upstream = await startRecordingUpstream({
      'GET /v2/animals/1': { json: { petType: 'doggo', name: 'Rex', packSize: 3, '@type': 'mammal', 'created-at': '2020-01-01', createdAt: 'camel' } },
      'GET /v2/animals/2': { json: { petType: 'Cat', name: 'Tom', huntingSkill: 'lazy' } },
      'GET /v2/animals/3': { json: { petType: 'unheard-of', name: 'Odd', packSize: 1 } },
      'GET /v2/creatures/fish': { json: { fins: 2 } },
      'GET /v2/creatures/bird': { json: { wings: 2, name: 'Tweety' } },
      'GET /v2/creatures/neither': { json: { legs: 4 } },
      'GET /v2/trees': { json: { name: 'oak', children: [{ name: 'branch', children: [{ name: 'twig' }] }], parent: null } },
      'POST /v2/trees': (request) => ({ status: 201, json: JSON.parse(request.body) }),
      'GET /v2/users': { json: { id: 1, nickname: null, big: 9007199254740991, status: 'in-active', legacy: 'old', best_friend: { id: 2, nickname: 'bee' } } },
      'POST /v2/users': (request) => ({ json: { id: 5, ...JSON.parse(request.body) } }),
      'POST /v2/search': {
        json: { hits: [{ score: 1.5, mood: '+1' }, { mood: '' }, { mood: 'a-b' }, { mood: 'A_B' }, { mood: 'true' }], next: null, loose: { any: [1] }, label: 'y' },
      },
    });
    gateway = await startTestGateway({ sources: { 'zoo.graphql': imported.sdl } }, { urls: { zoo: `${upstream.url}/v2` } });
    schema = gateway.graph.schema;
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('takes the source URL from the first server, with its variables filled in', () => {
    expect(imported.sdl).toContain('extend schema @source(name: "zoo", kind: REST, url: "https://zoo.example.com/v2")');
    expect(imported.specVersion).toBe('3.1');
  });

  it('keeps output and input types apart, and leaves out readOnly (input) and writeOnly (output) properties', () => {
    expect(fieldsOf(schema, 'User')).toEqual({
      id: 'Int!',
      nickname: 'String', // required, but `type: [string, "null"]`
      big: 'Float', // int64 does not fit GraphQL's 32-bit Int
      status: 'Status',
      legacy: 'String',
      best_friend: 'User',
      rival: 'User', // `allOf: [{$ref: User}]` is User itself
    });
    expect(fieldsOf(schema, 'UserInput')).toEqual({
      nickname: 'String',
      password: 'String',
      big: 'Float',
      status: 'Status',
      legacy: 'String',
      best_friend: 'UserInput',
      rival: 'UserInput',
    });
    expect((schema.getType('User') as any).getFields().legacy.deprecationReason).toBeDefined();
  });

  it('merges allOf into one object, with the required fields of every member', () => {
    expect(fieldsOf(schema, 'Dog')).toEqual({
      petType: 'String!',
      name: 'String!',
      type: 'String',
      createdAt2: 'String',
      createdAt: 'String',
      packSize: 'Int!',
    });
    expect(fieldsOf(schema, 'Cat')).toMatchObject({ petType: 'String!', huntingSkill: 'CatHuntingSkill' });
  });

  it('renames properties that are not GraphQL names, keeping valid names first, and records the wire name', () => {
    const dog = block(imported.sdl, 'type Dog');
    expect(dog).toContain('type: String @wire(name: "@type")');
    expect(dog).toContain('createdAt2: String @wire(name: "created-at")');
    expect(dog).toMatch(/\n {2}createdAt: String\n/);
    expect(dog).toContain('"What keepers call it"\n  name: String!');
  });

  it('turns oneOf of objects into a union, recording the discriminator with the implicit mapping too', () => {
    const animal = schema.getType('Animal');
    expect(isUnionType(animal) && animal.getTypes().map((t) => t.name)).toEqual(['Dog', 'Cat']);
    expect(imported.sdl).toContain('{ value: "doggo", type: "Dog" }');
    expect(imported.sdl).toContain('{ value: "Cat", type: "Cat" }');
    expect(imported.sdl).toContain('union Creature = Fish | Bird');
  });

  it('turns other oneOf/anyOf into the one scalar they share, a nullable member, or JSON', () => {
    expect(fieldsOf(schema, 'SearchResponse')).toEqual({
      hits: '[SearchResponseHits!]!',
      next: 'User', // anyOf [User, null]
      loose: 'JSON', // string or object
      label: 'String', // string or string enum
    });
    expect(fieldsOf(schema, 'SearchInput')).toEqual({ term: 'String', filter: 'JSON' });
  });

  it('names enum values in GraphQL style, keeps the wire value, and resolves collisions', () => {
    expect(block(imported.sdl, 'enum SearchResponseHitsMood')).toBe(
      [
        'enum SearchResponseHitsMood {',
        '  IN_STOCK @wire(name: "in-stock")',
        '  PLUS_1 @wire(name: "+1")',
        '  MINUS_1 @wire(name: "-1")',
        '  EMPTY @wire(name: "")',
        '  TRUE_ @wire(name: "true")',
        '  A_B',
        '  A_B2 @wire(name: "a-b")',
        '}',
      ].join('\n'),
    );
    // `ACTIVE` is a value as it stands, so it keeps its name; `active` gets the suffix.
    expect(block(imported.sdl, 'enum Status')).toContain('ACTIVE2 @wire(name: "active")\n  IN_ACTIVE @wire(name: "in-active")\n  ACTIVE\n');
  });

  it('names fields from operationIds, or from method and path, resolving collisions deterministically', async () => {
    const query = Object.keys(schema.getQueryType()!.getFields());
    const mutation = Object.keys(schema.getMutationType()!.getFields());
    expect(query).toEqual(['getAnimal', 'getCreature', 'getTrees', 'getUser2', 'getUser3', 'search', '_skein']);
    // `getUser` needs no change, so it keeps its name; get-user and get_user follow in document order.
    // The POSTs get_user and search are on Query: their names read.
    expect(mutation).toEqual(['plantTree', 'getUser']);
    const again = await importOpenAPI(FIXTURE, { source: 'zoo' });
    expect(again.sdl).toBe(imported.sdl);
  });

  it('makes path, query and header parameters arguments, renamed where needed', () => {
    const field = schema.getQueryType()!.getFields().getAnimal;
    expect(field.args.map((a) => `${a.name}: ${a.type}`)).toEqual(['animalId: Float!', 'xRequestId: String', 'fields: [String!]']);
    expect(field.args[1].description).toBe('Correlates logs');
    expect(block(imported.sdl, 'type Query')).toContain('path: "/animals/{animalId}"');
  });

  it('calls the upstream with the path, query and header it expects, and resolves a union by discriminator', async () => {
    upstream.received.length = 0;
    const answer = await gateway.query(`{
      dog: getAnimal(animalId: 1, xRequestId: "r-1", fields: ["name", "petType"]) {
        __typename ... on Dog { name packSize type createdAt2 createdAt }
      }
      cat: getAnimal(animalId: 2) { __typename ... on Cat { name huntingSkill } }
      odd: getAnimal(animalId: 3) { __typename }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      dog: { __typename: 'Dog', name: 'Rex', packSize: 3, type: 'mammal', createdAt2: '2020-01-01', createdAt: 'camel' },
      cat: { __typename: 'Cat', name: 'Tom', huntingSkill: 'LAZY' },
      odd: { __typename: 'Dog' }, // unmapped discriminator value: the member whose required fields are there
    });
    const first = upstream.received.find((r) => r.path === '/v2/animals/1')!;
    expect(first.method).toBe('GET');
    expect(first.query.get('fields')).toBe('name,petType');
    expect(first.headers['x-request-id']).toBe('r-1');
  });

  it('resolves a union without discriminator by the required fields present, and says so when none fits', async () => {
    const answer = await gateway.query(`{
      fish: getCreature(id: "fish") { __typename }
      bird: getCreature(id: "bird") { __typename ... on Bird { name } }
      neither: getCreature(id: "neither") { __typename }
    }`);
    expect(answer.data).toEqual({ fish: { __typename: 'Fish' }, bird: { __typename: 'Bird', name: 'Tweety' }, neither: null });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].path).toEqual(['neither']);
    expect(answer.errors![0].message).toContain('cannot tell which member of Creature');
    expect(answer.errors![0].message).toContain('Fish (fins), Bird (wings)');
    expect(answer.errors![0].extensions?.code).toBe('UPSTREAM_BAD_RESPONSE');
  });

  it('handles recursive schemas as output and as input', async () => {
    expect(fieldsOf(schema, 'Node')).toEqual({ name: 'String!', children: '[Node!]', parent: 'Node' });
    expect(fieldsOf(schema, 'NodeInput')).toEqual({ name: 'String!', children: '[NodeInput!]', parent: 'NodeInput' });
    const read = await gateway.query(`{ getTrees { name children { name children { name } } parent { name } } }`);
    expect(read.data).toEqual({ getTrees: { name: 'oak', children: [{ name: 'branch', children: [{ name: 'twig' }] }], parent: null } });
    upstream.received.length = 0;
    const planted = await gateway.query(`mutation { plantTree(input: { name: "elm", children: [{ name: "shoot" }] }) { name children { name } } }`);
    expect(planted.data).toEqual({ plantTree: { name: 'elm', children: [{ name: 'shoot' }] } });
    expect(JSON.parse(upstream.received[0].body)).toEqual({ name: 'elm', children: [{ name: 'shoot' }] });
  });

  it('reads and writes wire names and enum wire values, and keeps int64 values exact', async () => {
    const read = await gateway.query(`{ getUser2 { id nickname big status legacy best_friend { id nickname } } }`);
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      getUser2: { id: 1, nickname: null, big: 9007199254740991, status: 'IN_ACTIVE', legacy: 'old', best_friend: { id: 2, nickname: 'bee' } },
    });
    upstream.received.length = 0;
    const written = await gateway.query(`{ getUser3(input: { nickname: "n", password: "p", status: ACTIVE2 }) { id status } }`);
    expect(written.data).toEqual({ getUser3: { id: 5, status: 'ACTIVE2' } });
    expect(JSON.parse(upstream.received[0].body)).toEqual({ nickname: 'n', password: 'p', status: 'active' });

    const search = await gateway.query(`{ search(input: { term: "x", filter: 5 }) { hits { score mood } next { id } loose label } }`);
    expect(search.errors).toBeUndefined();
    expect(search.data).toEqual({
      search: {
        hits: [{ score: 1.5, mood: 'PLUS_1' }, { score: null, mood: 'EMPTY' }, { score: null, mood: 'A_B2' }, { score: null, mood: 'A_B' }, { score: null, mood: 'TRUE_' }],
        next: null,
        loose: { any: [1] },
        label: 'y',
      },
    });
  });

  it('moves operations between Query and Mutation when told, over method and name, and rejects a selector that names nothing', async () => {
    const moved = await importOpenAPI(FIXTURE, { source: 'zoo', query: ['plantTree'], mutation: ['GET /trees', 'get-user', 'search'] });
    const query = block(moved.sdl, 'type Query');
    const mutation = block(moved.sdl, 'type Mutation');
    expect(query).toContain('plantTree(input: NodeInput!)');
    expect(mutation).toContain('search(input: SearchInput)');
    expect(moved.classified).toEqual([{ operation: 'get_user', root: 'Query', reason: 'get' }]);
    expect(mutation).toContain('getTrees: Node');
    expect(mutation).toContain('getUser2: User');
    await expect(importOpenAPI(FIXTURE, { source: 'zoo', query: ['serach'] })).rejects.toThrow(
      /--query names "serach", which is no operation of this document/,
    );
  });

  it('puts a prefix before every type and root field name when asked, so two APIs can share a graph', async () => {
    const prefixed = await importOpenAPI(FIXTURE, { source: 'zoo2', prefix: 'Zoo' });
    for (const name of ['union ZooAnimal', 'type ZooDog {', 'input ZooNodeInput {', 'enum ZooStatus {', 'zooGetAnimal(', 'zooGetTrees: ZooNode']) {
      expect(prefixed.sdl).toContain(name);
    }
    const both = await startTestGateway({ sources: { 'zoo.graphql': imported.sdl, 'zoo2.graphql': prefixed.sdl } });
    try {
      expect(Object.keys(both.graph.schema.getQueryType()!.getFields())).toEqual([
        'getAnimal', 'getCreature', 'getTrees', 'getUser2', 'getUser3', 'search',
        'zooGetAnimal', 'zooGetCreature', 'zooGetTrees', 'zooGetUser2', 'zooGetUser3', 'zooSearch', '_skein',
      ]);
    } finally {
      await both.close();
    }
  });

  it('emits only the types operations use, sorted by name', () => {
    expect(imported.sdl).not.toContain('Unused');
    expect(imported.sdl).not.toMatch(/\ntype Pet /); // Pet is only ever part of Dog and Cat
    const names = [...imported.sdl.matchAll(/^(?:type|input|enum|union) (\w+)/gm)].map((m) => m[1]).filter((n) => n !== 'Query' && n !== 'Mutation');
    expect(names).toEqual([...names].sort());
    expect(names.every((name) => getNamedType(schema.getType(name)!) !== undefined)).toBe(true);
    expect(isEnumType(schema.getType('CatHuntingSkill'))).toBe(true);
  });
});

describe('OpenAPI import: Swagger 2.0 details (test/fixtures/openapi/swagger-mutations-only.json)', () => {
  const FILE = path.resolve('test/fixtures/openapi/swagger-mutations-only.json');
  let imported: OpenAPIImport;
  beforeAll(async () => {
    imported = await importOpenAPI(FILE, { source: 'chains' });
  });

  it('builds the URL from host and basePath, and reads body, formData and csv query parameters', () => {
    expect(imported.specVersion).toBe('2.0');
    expect(imported.sdl).toContain('@source(name: "chains", kind: REST, url: "https://chains.example.com/api")');
    expect(imported.sdl).toContain('createChain(tags: [String!], input: ChainInput!): Chain');
    expect(imported.sdl).toContain('query: [{ name: "tags", value: "{tags}", explode: false }]');
    expect(imported.sdl).toContain('@rest(source: "chains", method: PUT, path: "/chains/{id}/label", body: "input", encoding: FORM)');
    expect(block(imported.sdl, 'input RelabelInput')).toBe('input RelabelInput {\n  label: String!\n  note: String\n}');
  });

  it('keeps x-nullable fields nullable, and breaks a cycle of required input fields that GraphQL would reject', () => {
    expect(block(imported.sdl, 'type Chain')).toContain('  comment: String\n  next: Chain!\n');
    expect(block(imported.sdl, 'input ChainInput')).toContain('  comment: String\n  next: ChainInput\n');
  });

  it('builds beside another source even though it has no Query field of its own', async () => {
    const other = `extend schema @source(name: "other", kind: REST, url: "http://localhost:9")
      type Query { ping: JSON @rest(source: "other", path: "/ping") }`;
    const gateway = await startTestGateway({ sources: { 'chains.graphql': imported.sdl, 'other.graphql': other } });
    try {
      expect(Object.keys(gateway.graph.schema.getMutationType()!.getFields())).toEqual(['createChain', 'relabel']);
    } finally {
      await gateway.close();
    }
  });
});

describe('@discriminator on a hand-written union', () => {
  it('is checked when the schema is built: a mapping to a type that is not a member is an error at the directive', async () => {
    const sdl = `extend schema @source(name: "s", kind: REST, url: "http://localhost:9")
type A { a: Int! }
type B { b: Int! }
union AB @discriminator(property: "kind", mapping: [{ value: "c", type: "C" }]) = A | B
type Query { ab: AB @rest(source: "s", path: "/ab") }`;
    const error = await startTestGateway({ sources: { 'ab.graphql': sdl } }).then(
      (gateway) => gateway.close(),
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).format()).toBe(
      'ab.graphql:4:10: @discriminator on AB maps "c" to C, which is not one of its members (A, B)',
    );
  });
});
