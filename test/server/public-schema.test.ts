import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isInputObjectType,
  parse,
  printSchema,
  specifiedDirectives,
  validate,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { DOORS, type Door } from '../helpers/gateway.js';

// What a frontend sees at /graphql is its API: Skein's configuration directives (how the
// gateway calls its upstreams) and the types only they use stay out of introspection.
// The demo schema uses every kind of configuration: REST, SOAP, joins, batch forms, @wire.
const CONFIGURATION_DIRECTIVES = ['source', 'rest', 'soap', 'join', 'batch', 'wire', 'discriminator'];
const CONFIGURATION_TYPES = ['SourceKind', 'SourceHeader', 'RestParam', 'SoapVersion', 'WsSecurity', 'DiscriminatorMapping'];

describe('the schema served at /graphql', () => {
  let demo: DemoUpstreams;
  let graph: Graph;
  const gateways = new Map<Door, RunningGateway>();

  const post = async (door: Door, query: string) => {
    const response = await fetch(gateways.get(door)!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { data?: any; errors?: Array<{ message: string }> };
  };
  const introspect = async (door: Door): Promise<IntrospectionQuery> => {
    const answer = await post(door, getIntrospectionQuery());
    expect(answer.errors).toBeUndefined();
    return answer.data;
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams();
    graph = await buildGraph(loadSchemaFolder('schema'), { urls: demo.urls, onSourceError: 'fail' });
    for (const door of DOORS) {
      const settings = door === 'yoga' ? { fastLane: false } : {};
      gateways.set(door, await startGateway({ graph, port: 0, host: '127.0.0.1', settings }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways.values()) await gateway.close();
    await graph?.close();
    await demo?.close();
  });

  it('the configuration is really in the built graph (else the tests below prove nothing)', () => {
    for (const name of CONFIGURATION_DIRECTIVES) expect(graph.fullSchema.getDirective(name), `@${name}`).toBeDefined();
    for (const name of CONFIGURATION_TYPES) expect(graph.fullSchema.getType(name), name).toBeDefined();
    expect(printSchema(graph.fullSchema)).toContain('directive @rest(');
  });

  for (const door of DOORS) {
    it(`introspection (${door}) lists GraphQL's directives, @export and @internal, and no configuration`, async () => {
      const { __schema } = await introspect(door);
      const directives = __schema.directives.map((d) => d.name).sort();
      expect(directives).toEqual([...specifiedDirectives.map((d) => d.name), 'export', 'internal'].sort());

      const types = new Set(__schema.types.map((t) => t.name));
      for (const name of CONFIGURATION_TYPES) expect(types.has(name), name).toBe(false);
      // The API itself is all there: source types, composite results, and JSON (which @export uses).
      for (const name of ['Query', 'User', 'Order', 'Hotel', 'Room', 'Gender', 'HotelOrder', 'JSON']) {
        expect(types.has(name), name).toBe(true);
      }
    });
  }

  it('drops only types nothing but configuration directives use', () => {
    const kept = new Set([...specifiedDirectives.map((d) => d.name), 'export', 'internal']);
    const configurationArgumentTypes = graph.fullSchema
      .getDirectives()
      .filter((d) => !kept.has(d.name))
      .flatMap((d) => d.args.map((arg) => getNamedType(arg.type).name));
    const dropped = Object.keys(graph.fullSchema.getTypeMap()).filter((name) => !graph.schema.getType(name));
    expect(dropped).toEqual(expect.arrayContaining(CONFIGURATION_TYPES));
    for (const name of dropped) {
      expect(configurationArgumentTypes.some((argType) => isNestedIn(argType, name)), name).toBe(true);
    }
  });

  it('printed, as a client prints it from introspection, it has no configuration', async () => {
    const printed = printSchema(buildClientSchema(await introspect('yoga')));
    for (const name of CONFIGURATION_DIRECTIVES) expect(printed).not.toContain(`@${name}`);
    expect(printed).toContain('directive @export(');
    expect(printed).toContain('directive @internal on VARIABLE_DEFINITION');
    expect(printSchema(graph.schema)).not.toContain('@rest(');
    expect(printSchema(graph.schema)).not.toContain('@source(');
  });

  it('the demo composites validate, unchanged, against the introspected schema', async () => {
    const clientSchema = buildClientSchema(await introspect('lane'));
    for (const file of loadSchemaFolder('schema').composites) {
      expect(validate(clientSchema, parse(file.text)).map((e) => `${file.path}: ${e.message}`)).toEqual([]);
    }
  });

  for (const door of DOORS) {
    it(`a document using a configuration directive is refused (${door}): it is not in the schema`, async () => {
      const answer = await post(door, `{ user(id: "1") @rest(source: "users", path: "/users/1") { name } }`);
      expect(answer.errors?.map((e) => e.message)).toEqual(['Unknown directive "@rest".']);
    });

    it(`resolvers survive (${door}): a REST lookup with a SOAP join, a batch form and a composite`, async () => {
      const answer = await post(
        door,
        `{ user(id: "1") { name gender }
           orders { id user { name } room { type } }
           hotelOrder(orderId: "1") { order { id } user { name } room { floor } } }`,
      );
      expect(answer.errors).toBeUndefined();
      expect(answer.data.user).toEqual({ name: 'Ada Lovelace', gender: 'FEMALE' }); // gender: an enum with @wire values
      expect(answer.data.orders.length).toBeGreaterThan(1);
      expect(answer.data.orders[0].user.name).toEqual(expect.any(String));
      expect(answer.data.orders[0].room.type).toEqual(expect.any(String));
      expect(answer.data.hotelOrder).toEqual({ order: { id: '1' }, user: { name: 'Hiro Lovelace' }, room: { floor: 2 } });
    });
  }

  /** Whether input type `inner` is reachable through the input fields of `outer`. */
  function isNestedIn(outer: string, inner: string, seen = new Set<string>()): boolean {
    if (outer === inner) return true;
    if (seen.has(outer)) return false;
    seen.add(outer);
    const type = graph.fullSchema.getType(outer);
    if (!isInputObjectType(type)) return false;
    return Object.values(type.getFields()).some((field) => isNestedIn(getNamedType(field.type).name, inner, seen));
  }
});
