import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// Lists and objects in query parameters, in OpenAPI's styles. Found by the OpenAPI round
// trip (corpus/lib/roundtrip/openapi): Skein sent an object as JSON text
// (`start={"gte":"…"}`) where Impala's deepObject wants `start[gte]=…` and a form-style
// object wants its properties as parameters; lists of objects (SQS's `Entries`), which
// no style defines, went as "[object Object]" before they went as JSON text.
const sdl = (url: string) => /* GraphQL */ `
extend schema @source(name: "shop", kind: REST, url: "${url}")

input Range { gte: String, lte: String, tags: [String!] }
input Filter { role: String, active: Boolean, createdAt: String @wire(name: "created-at") }
input Entry { Id: String!, VisibilityTimeout: Int }

type Query {
  bookings(start: Range, filter: Filter, folded: Filter, ids: [ID!], words: [String!], entries: [Entry!], where: Filter): JSON
    @rest(source: "shop", path: "/bookings", query: [
      { name: "start", value: "{start}", style: DEEP_OBJECT },
      { name: "filter", value: "{filter}" },
      { name: "folded", value: "{folded}", explode: false },
      { name: "ids", value: "{ids}", explode: false, style: PIPE_DELIMITED },
      { name: "words", value: "{words}", explode: false, style: SPACE_DELIMITED },
      { name: "Entries", value: "{entries}" },
      { name: "where", value: "{where}", style: JSON }])
}
`;

describe('REST: lists and objects in query parameters, by style', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({ 'GET /bookings': { json: { ok: true } } });
    gateway = await startTestGateway({ sources: { 'shop.graphql': sdl(upstream.url) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const sent = async (args: string) => {
    const answer = await gateway.query(`{ bookings(${args}) }`);
    expect(answer.errors).toBeUndefined();
    return upstream.received.at(-1)!.query;
  };

  it('writes a deepObject as name[key]=value, lists repeated, empty properties left out', async () => {
    const query = await sent('start: { gte: "2021-12-10", lte: null, tags: ["a", "b"] }');
    expect([...query.entries()]).toEqual([
      ['start[gte]', '2021-12-10'],
      ['start[tags]', 'a'],
      ['start[tags]', 'b'],
    ]);
  });

  it('writes a form object as its properties (explode) or as name=key,value,… , in wire names', async () => {
    const query = await sent('filter: { role: "admin", active: true, createdAt: "2020" }, folded: { role: "x", createdAt: "y" }');
    expect(query.get('role')).toBe('admin');
    expect(query.get('active')).toBe('true');
    expect(query.get('created-at')).toBe('2020');
    expect(query.has('filter')).toBe(false);
    expect(query.get('folded')).toBe('role,x,created-at,y');
  });

  it('writes a JSON-style parameter (OpenAPI content application/json) as JSON text, in wire names', async () => {
    const query = await sent('where: { role: "admin", createdAt: "2020" }');
    expect(query.get('where')).toBe('{"role":"admin","created-at":"2020"}');
  });

  it('joins lists with pipes or spaces', async () => {
    const query = await sent('ids: ["1", "2"], words: ["red", "blue"]');
    expect(query.get('ids')).toBe('1|2');
    expect(query.get('words')).toBe('red blue');
  });

  it('sends an empty object as nothing, and objects in a list (no style defines them) as JSON text', async () => {
    const query = await sent('start: {}, entries: [{ Id: "a", VisibilityTimeout: 5 }, { Id: "b" }]');
    expect([...query.keys()]).toEqual(['Entries', 'Entries']);
    expect(query.getAll('Entries')).toEqual(['{"Id":"a","VisibilityTimeout":5}', '{"Id":"b"}']);
  });
});

describe('OpenAPI import: query parameter styles', () => {
  it('keeps deepObject, spaceDelimited and pipeDelimited (and Swagger 2 ssv and pipes) on the @rest field', async () => {
    const parameter = (name: string, style: string, explode: boolean, schema: object) => ({ name, in: 'query', style, explode, schema });
    const v3 = {
      openapi: '3.0.3',
      info: { title: 'Styles', version: '1' },
      servers: [{ url: 'https://styles.example' }],
      paths: {
        '/hotels': {
          get: {
            operationId: 'listHotels',
            parameters: [
              parameter('created', 'deepObject', true, { type: 'object', properties: { gte: { type: 'string' } } }),
              parameter('ids', 'pipeDelimited', false, { type: 'array', items: { type: 'string' } }),
              parameter('words', 'spaceDelimited', false, { type: 'array', items: { type: 'string' } }),
              parameter('page', 'form', true, { type: 'integer' }),
              { name: 'where', in: 'query', content: { 'application/json': { schema: { type: 'object', properties: { role: { type: 'string' } } } } } },
            ],
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
          },
        },
      },
    };
    const imported = await importOpenAPI('styles.json', { text: JSON.stringify(v3), source: 'styles' });
    expect(imported.sdl).toContain('{ name: "created", value: "{created}", style: DEEP_OBJECT }');
    expect(imported.sdl).toContain('{ name: "ids", value: "{ids}", explode: false, style: PIPE_DELIMITED }');
    expect(imported.sdl).toContain('{ name: "words", value: "{words}", explode: false, style: SPACE_DELIMITED }');
    expect(imported.sdl).toContain('{ name: "page", value: "{page}" }');
    expect(imported.sdl).toContain('{ name: "where", value: "{where}", style: JSON }');
    expect(imported.notes).toEqual([]);

    const v2 = {
      swagger: '2.0',
      info: { title: 'Styles', version: '1' },
      host: 'styles.example',
      paths: {
        '/rooms': {
          get: {
            operationId: 'listRooms',
            parameters: [
              { name: 'ids', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'pipes' },
              { name: 'words', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'ssv' },
            ],
            responses: { '200': { description: 'ok', schema: { type: 'object' } } },
          },
        },
      },
    };
    const swagger = await importOpenAPI('styles.json', { text: JSON.stringify(v2), source: 'styles' });
    expect(swagger.sdl).toContain('{ name: "ids", value: "{ids}", explode: false, style: PIPE_DELIMITED }');
    expect(swagger.sdl).toContain('{ name: "words", value: "{words}", explode: false, style: SPACE_DELIMITED }');
  });
});
