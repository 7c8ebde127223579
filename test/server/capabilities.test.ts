import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { ORDER_SUMMARY } from '../registry/fixtures.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

const FLAKY_SOURCE = (url: string) => `extend schema @source(name: "ledger", kind: REST, url: "${url}", timeoutMs: 2000)
type Entry { id: ID! amount: Float! }
type Query { entry(id: ID!): Entry @rest(source: "ledger", path: "/entries/{id}") }
input EntryInput { amount: Float! note: String }
type Mutation {
  book(input: EntryInput!): Entry @rest(source: "ledger", path: "/entries", method: POST, body: "input")
}
`;

const LEDGER_ENTRY = `query ledgerEntry($id: ID!) { entry(id: $id) { id amount } }`;
const BOOK = `mutation bookTwice($amount: Float!, $note: String = "rest") { first: book(input: { amount: $amount, note: $note }) { id amount } }`;

describe('capability exposure: REST endpoints, OpenAPI and the catalog', () => {
  let gw: TestRegistryGateway;
  let ledger: RecordingUpstream;
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${gw.origin}${path}`, init);
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    ledger = await startRecordingUpstream({
      'GET /entries/1': { json: { id: '1', amount: 12.5 } },
      'GET /entries/9': { status: 500, json: { error: 'ledger is down' } },
      'POST /entries': (request) => ({ json: { id: '77', amount: JSON.parse(request.body).amount } }),
    });
    gw = await startTestRegistryGateway('embedded');
    for (const step of [
      gw.admin('mutation($i: SourceInput!) { registerSource(input: $i) { name } }', { i: { sdl: FLAKY_SOURCE(ledger.url) } }),
    ]) expect((await step).errors).toBeUndefined();
    const push = await gw.admin(
      'mutation($c: [CompositeUpload!]!) { push(sources: [], composites: $c, publish: true) { items { name state } } }',
      { c: [{ document: ORDER_SUMMARY }, { document: LEDGER_ENTRY }, { document: BOOK }] },
    );
    expect(push.errors).toBeUndefined();
    await gw.admin('mutation($d: String!) { saveComposite(document: $d) { state } }', { d: LEDGER_ENTRY.replace('ledgerEntry', 'draftEntry') });
  });
  afterAll(async () => {
    await gw?.close();
    await ledger?.close();
  });

  it('GET /api/<query composite> answers 200 with its data', async () => {
    const answer = await get('/api/orderSummary?orderId=1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.json.data.order).toMatchObject({ id: '1', userId: '8' });
    expect(answer.json.data.user).toEqual({ name: expect.any(String), age: expect.any(Number) });
    expect(answer.json.errors).toBeUndefined();
  });

  it('POST /api/<mutation composite> takes a JSON body', async () => {
    const answer = await get('/api/bookTwice', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 3.5 }) });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ data: { first: { id: '77', amount: 3.5 } } });
    expect(JSON.parse(ledger.received.at(-1)!.body)).toEqual({ amount: 3.5, note: 'rest' });
  });

  it('400 names missing, unknown and malformed variables', async () => {
    const missing = await get('/api/orderSummary');
    expect(missing.status).toBe(400);
    expect(missing.json.problems).toEqual(['missing variable orderId (ID!)']);
    const unknown = await get('/api/orderSummary?orderId=1&userId=8');
    expect(unknown.json.problems).toEqual(['unknown variable userId: orderSummary has no variable of that name; it takes orderId (ID!)']);
    const malformed = await get('/api/bookTwice', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.problems[0]).toMatch(/^the body is not valid JSON/);
    const wrongType = await get('/api/bookTwice', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount": "lots"}' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json.errors[0].message).toBe('Variable "$amount" got invalid value "lots"; Float cannot represent non numeric value: "lots"');
  });

  it('404 for unknown and draft composites, 405 for the wrong method', async () => {
    expect((await get('/api/nothingHere')).status).toBe(404);
    const draft = await get('/api/draftEntry?id=1');
    expect(draft.status).toBe(404);
    expect(draft.json.errors[0].extensions.code).toBe('NOT_FOUND');
    const wrong = await get('/api/orderSummary?orderId=1', { method: 'POST' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('/api/bookTwice')).headers.get('allow')).toBe('POST');
  });

  it('502 when upstream failures leave no data; 503 while paused', async () => {
    const failed = await get('/api/ledgerEntry?id=9');
    expect(failed.status).toBe(502);
    expect(failed.json.data).toEqual({ entry: null });
    expect(failed.json.errors[0].path).toEqual(['ledgerEntry', 'entry']);

    await gw.admin('mutation { pause(name: "ledgerEntry") { state } }');
    const paused = await get('/api/ledgerEntry?id=1');
    expect(paused.status).toBe(503);
    expect(paused.json.errors[0].extensions.code).toBe('COMPOSITE_PAUSED');
    await gw.admin('mutation { resume(name: "ledgerEntry") { state } }');
    expect((await get('/api/ledgerEntry?id=1')).json).toEqual({ data: { entry: { id: '1', amount: 12.5 } } });
  });

  it('over SOAP too (/soap/<name>): paused is a Fault with COMPOSITE_PAUSED until resumed; drafts are not served', async () => {
    const call = (name: string, id: string) =>
      get(`/soap/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${name} xmlns="urn:skein:composite:${name}"><id>${id}</id></${name}></s:Body></s:Envelope>`,
      });
    expect((await call('ledgerEntry', '1')).text).toContain('<tns:entry><tns:id>1</tns:id><tns:amount>12.5</tns:amount></tns:entry>');
    await gw.admin('mutation { pause(name: "ledgerEntry") { state } }');
    const paused = await call('ledgerEntry', '1');
    expect(paused.status).toBe(500);
    expect(paused.text).toContain('<faultcode>soap:Server</faultcode>');
    expect(paused.text).toContain('<skein:code>COMPOSITE_PAUSED</skein:code>');
    expect((await get('/soap/ledgerEntry?wsdl')).status).toBe(200);
    await gw.admin('mutation { resume(name: "ledgerEntry") { state } }');
    expect((await call('ledgerEntry', '1')).status).toBe(200);
    expect((await get('/soap/draftEntry?wsdl')).status).toBe(404);
    expect((await call('draftEntry', '1')).status).toBe(404);
  });

  it('/api/openapi.json is a valid OpenAPI 3.1 document of every published composite', async () => {
    const { json, status } = await get('/api/openapi.json');
    expect(status).toBe(200);
    const result = await validate(structuredClone(json));
    expect(result.valid, JSON.stringify(result)).toBe(true);
    expect(json.openapi).toBe('3.1.0');
    expect(Object.keys(json.paths).sort()).toEqual(['/api/bookTwice', '/api/customerStatement', '/api/ledgerEntry', '/api/orderSummary']);
    const summary = json.paths['/api/orderSummary'].get;
    expect(summary.parameters).toEqual([{ name: 'orderId', in: 'query', required: true, schema: { type: 'string' }, style: 'form', explode: true }]);
    expect(summary.responses['200'].content['application/json'].schema.properties.data).toEqual({
      anyOf: [{ $ref: '#/components/schemas/OrderSummary' }, { type: 'null' }],
    });
    expect(json.components.schemas.OrderSummary.properties).toHaveProperty('hotel');
    expect(json.components.schemas.OrderSummaryUser.properties.age).toEqual({ anyOf: [{ type: 'integer', format: 'int32' }, { type: 'null' }] });
    const book = json.paths['/api/bookTwice'].post;
    expect(book.requestBody.content['application/json'].schema).toMatchObject({
      properties: { amount: { type: 'number' }, note: { anyOf: [{ type: 'string' }, { type: 'null' }], default: 'rest' } },
      required: ['amount'],
    });
  });

  it('/api is an HTML catalog of composites and source operations with address and formats', async () => {
    const page = await get('/api');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<section id="composite-orderSummary">');
    expect(page.text).toContain('GET /api/orderSummary?orderId=…');
    expect(page.text).toContain('POST /api/bookTwice');
    expect(page.text).toContain('<tr id="operation-Query.user">');
    expect(page.text).toContain('@rest(source: &quot;users&quot;, path: &quot;/users/{id}&quot;)');
    expect(page.text).toContain('<section id="type-OrderSummary">');
    expect(page.text).not.toContain('draftEntry');
  });
});
