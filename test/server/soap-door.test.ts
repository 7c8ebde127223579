import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { parseXml, type XmlElement } from '../../src/sources/soap/xml/xml-tree.js';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// Composites served as SOAP operations at /soap/<name>, called with the `soap` package's
// own client against the demo's real upstreams, and compared with what /api answers.

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const envelope = (version: '1.1' | '1.2', body: string, header = '') =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="${version === '1.1' ? SOAP11 : SOAP12}" xmlns:c="urn:skein:composite:hotelOrder">` +
  `${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;

interface Posted {
  status: number;
  type: string | null;
  text: string;
  root: XmlElement;
}

/** The Fault of a raw answer: its code(s) and Skein's error list from the detail. */
function faultOf(answer: Posted) {
  const body = answer.root.children.find((c) => c.local === 'Body')!;
  const fault = body.children.find((c) => c.local === 'Fault');
  if (!fault) throw new Error(`no Fault in ${answer.text}`);
  const child = (e: XmlElement | undefined, local: string) => e?.children.find((c) => c.local === local);
  const detail = child(fault, 'detail') ?? child(fault, 'Detail');
  const errors = child(detail, 'errors')!.children.map((e) => Object.fromEntries(e.children.map((c) => [c.local, c.text])));
  const code = child(fault, 'faultcode')?.text ?? child(child(fault, 'Code'), 'Value')?.text;
  const subcode = child(child(child(fault, 'Code'), 'Subcode'), 'Value')?.text;
  return { code, subcode, errors, reason: child(fault, 'faultstring')?.text ?? child(child(fault, 'Reason'), 'Text')?.text };
}

describe('composites served as SOAP operations (demo upstreams)', () => {
  let demo: DemoUpstreams;
  let gateway: RunningGateway;
  let broken: RunningGateway;
  let origin: string;
  const api = async (path: string) => (await (await fetch(`${origin}/api/${path}`)).json()) as { data: any; errors?: any[] };
  const post = async (path: string, text: string, headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' }, base = origin): Promise<Posted> => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body: text });
    const body = await response.text();
    return { status: response.status, type: response.headers.get('content-type'), text: body, root: parseXml(body, { namespaces: true }) };
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: demo.urls, onSourceError: 'fail' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    origin = new URL(gateway.url).origin;
    // The same schema with hotels and payroll unreachable (hotelOrder is partial, salary
    // fails) and customerStatement paused, as the registry builds a graph with paused
    // composites (its lifecycle over SOAP: test/server/capabilities.test.ts).
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const failing = await buildGraph(loadSchemaFolder('schema'), {
      urls: { ...demo.urls, hotels: dead, payroll: dead },
      onSourceError: 'fail',
      pausedComposites: new Set(['customerStatement']),
    });
    broken = await startGateway({ graph: failing, port: 0, host: '127.0.0.1', settings: { maxBodyBytes: 64 * 1024 } });
  });
  afterAll(async () => {
    await gateway?.close();
    await broken?.close();
    await demo?.close();
  });

  it('serves each composite\'s WSDL at /soap/<name>?wsdl: lists repeated, nullable parts minOccurs="0" nillable="true", two bindings', async () => {
    const response = await fetch(`${origin}/soap/customerStatement?wsdl`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    const wsdl = await response.text();
    expect(wsdl).toContain('<xsd:element name="customerId" type="xsd:string"/>');
    expect(wsdl).toMatch(/<xsd:element name="statement" type="tns:CustomerStatementStatement" minOccurs="0" nillable="true">/);
    expect(wsdl).toContain('<xsd:element name="transactions" type="tns:CustomerStatementStatementTransactions" minOccurs="0" maxOccurs="unbounded"/>');
    expect(wsdl).toContain('<xsd:element name="balance" type="xsd:double"/>');
    expect(wsdl).toContain('<xsd:enumeration value="PASSED"/>');
    expect(wsdl).toContain(`<soap:address location="${origin}/soap/customerStatement"/>`);
    expect(wsdl).toContain(`<soap12:address location="${origin}/soap/customerStatement"/>`);
    expect((await fetch(`${origin}/soap/nothingHere?wsdl`)).status).toBe(404);
    expect((await fetch(`${origin}/soap/hotelOrder`)).status).toBe(405);
  });

  describe.each([
    ['1.1', {}],
    ['1.2', { forceSoap12Headers: true }],
  ] as const)('the soap package\'s client, SOAP %s', (version, clientOptions) => {
    const client = async (name: string) => {
      const warn = vi.spyOn(console, 'warn');
      const error = vi.spyOn(console, 'error');
      const warnings: Error[] = [];
      const onWarning = (w: Error) => warnings.push(w);
      process.on('warning', onWarning);
      try {
        const created = await soap.createClientAsync(`${origin}/soap/${name}?wsdl`, { ...clientOptions, handleNilAsNull: true });
        // The generated WSDL imports without a warning.
        expect(warn).not.toHaveBeenCalled();
        expect(error).not.toHaveBeenCalled();
        expect(warnings).toEqual([]);
        return created;
      } finally {
        warn.mockRestore();
        error.mockRestore();
        process.off('warning', onWarning);
      }
    };

    it('hotelOrder answers what GET /api/hotelOrder answers', async () => {
      const hotelOrder = await client('hotelOrder');
      const [result, , , request] = await hotelOrder.hotelOrderAsync({ orderId: '1' });
      expect(request).toContain(version === '1.1' ? SOAP11 : SOAP12);
      expect(hotelOrder.lastResponseHeaders?.['content-type']).toBe(version === '1.1' ? 'text/xml; charset=utf-8' : 'application/soap+xml; charset=utf-8');
      const rest = await api('hotelOrder?orderId=1');
      expect(rest.errors).toBeUndefined();
      expect(rest.data.room).toEqual({ type: 'SUITE', floor: expect.any(Number), hasWindow: expect.any(Boolean) });
      expect(result.hotelOrderResult).toEqual(rest.data);
    });

    it('salary answers what GET /api/salary answers', async () => {
      const salary = await client('salary');
      const [result] = await salary.salaryAsync({ employeeId: '7' });
      const rest = await api('salary?employeeId=7');
      expect(rest.data).toEqual({ grossSalary: expect.any(Number), socialInsurance: expect.any(Number), netSalary: 4089.19 });
      expect(result.salaryResult).toEqual(rest.data);
    });

    it('customerStatement: a list of transactions as repeated elements', async () => {
      const statement = await client('customerStatement');
      const [result] = await statement.customerStatementAsync({ customerId: '1' });
      const rest = await api('customerStatement?customerId=1');
      expect(rest.data.statement.transactions.length).toBeGreaterThan(1);
      expect(result.customerStatementResult).toEqual(rest.data);
    });

    it('a step that fails for every caller (an unknown order) is a Fault with the GraphQL error codes', async () => {
      const hotelOrder = await client('hotelOrder');
      const failure = await hotelOrder.hotelOrderAsync({ orderId: '99999' }).catch((e: any) => e);
      expect(failure).toBeInstanceOf(Error);
      expect(failure.response.status).toBe(version === '1.1' ? 500 : 400);
      const rest = await api('hotelOrder?orderId=99999');
      const codes = rest.errors!.map((e) => e.extensions.code);
      expect(codes).toContain('UPSTREAM_HTTP_ERROR');
      const fault = failure.root.Envelope.Body.Fault;
      if (version === '1.1') expect(fault.faultcode).toBe('soap:Client');
      else expect(fault.Code).toEqual({ Value: 'soap:Sender', Subcode: { Value: 'skein:UPSTREAM_HTTP_ERROR' } });
      const errors = [(version === '1.1' ? fault.detail : fault.Detail).errors.error].flat();
      expect(errors.map((e: any) => e.code)).toEqual(codes);
      expect(errors.map((e: any) => e.path)).toEqual(rest.errors!.map((e) => e.path.join('.')));
    });
  });

  it('an unreachable upstream: a partial answer carries its errors in a header; no data at all is a Server Fault', async () => {
    const brokenOrigin = new URL(broken.url).origin;
    const partial = await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>1</c:orderId></c:hotelOrder>'), undefined, brokenOrigin);
    expect(partial.status).toBe(200);
    const header = partial.root.children.find((c) => c.local === 'Header')!;
    const headerErrors = header.children[0].children.map((e) => Object.fromEntries(e.children.map((c) => [c.local, c.text])));
    expect(headerErrors).toEqual([expect.objectContaining({ code: 'UPSTREAM_UNREACHABLE', path: 'hotelOrder.hotel', source: 'hotels' })]);
    const result = partial.root.children.find((c) => c.local === 'Body')!.children[0].children[0];
    const hotel = result.children.find((c) => c.local === 'hotel')!;
    expect(hotel.attributes['xsi:nil']).toBe('true');
    expect(result.children.find((c) => c.local === 'room')!.children.map((c) => c.local)).toEqual(['type', 'floor', 'hasWindow']);

    const failed = await post(
      '/soap/salary',
      envelope('1.2', '<p:salary xmlns:p="urn:skein:composite:salary"><p:employeeId>7</p:employeeId></p:salary>'),
      { 'content-type': 'application/soap+xml; charset=utf-8' },
      brokenOrigin,
    );
    expect(failed.status).toBe(500);
    const fault = faultOf(failed);
    expect(fault.code).toBe('soap:Receiver');
    expect(fault.subcode).toBe('skein:UPSTREAM_UNREACHABLE');
    expect(fault.errors.map((e) => e.code)).toEqual(['UPSTREAM_UNREACHABLE', 'COMPOSITE_STEP_SKIPPED', 'COMPOSITE_STEP_SKIPPED']);
  });

  it('a paused composite is a Server Fault with COMPOSITE_PAUSED; its WSDL is still served', async () => {
    const brokenOrigin = new URL(broken.url).origin;
    const client = await soap.createClientAsync(`${brokenOrigin}/soap/customerStatement?wsdl`, { forceSoap12Headers: true });
    const paused = await client.customerStatementAsync({ customerId: '1' }).catch((e: any) => e);
    expect(paused.response.status).toBe(500);
    const fault = paused.root.Envelope.Body.Fault;
    expect(fault.Code).toEqual({ Value: 'soap:Receiver', Subcode: { Value: 'skein:COMPOSITE_PAUSED' } });
    expect(fault.Detail.errors.error).toEqual({ code: 'COMPOSITE_PAUSED', message: 'composite "customerStatement" is paused; it answers again once it is resumed' });
  });

  it('a bad argument is a Client Fault naming it, before any upstream is called', async () => {
    const missing = faultOf(await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder/>')));
    expect(missing).toMatchObject({ code: 'soap:Client', errors: [{ code: 'BAD_REQUEST', message: 'missing variable orderId (ID!)' }] });
    const unknown = faultOf(await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>1</c:orderId><c:userId>8</c:userId></c:hotelOrder>')));
    expect(unknown.errors).toEqual([{ code: 'BAD_REQUEST', message: 'unknown element <userId> in hotelOrder; it takes orderId (ID!)' }]);
    const twice = faultOf(await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>1</c:orderId><c:orderId>2</c:orderId></c:hotelOrder>')));
    expect(twice.errors[0].message).toBe('hotelOrder.orderId appears 2 times; it takes one value (ID!)');
    const wrongOperation = await post('/soap/hotelOrder', envelope('1.2', '<c:salary><c:employeeId>7</c:employeeId></c:salary>'), {
      'content-type': 'application/soap+xml',
    });
    expect(wrongOperation.status).toBe(400);
    expect(faultOf(wrongOperation).reason).toMatch(/^the Body holds <c:salary>; \/soap\/hotelOrder answers <hotelOrder>/);
    const unknownComposite = await post('/soap/nothingHere', envelope('1.1', '<c:nothingHere/>'));
    expect(unknownComposite.status).toBe(404);
    expect(faultOf(unknownComposite).errors[0].code).toBe('NOT_FOUND');
  });

  it('a hostile or broken envelope is a Client Fault, and the gateway keeps serving', async () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      `<s:Envelope xmlns:s="${SOAP11}"><s:Body><hotelOrder><orderId>&lol3;</orderId></hotelOrder></s:Body></s:Envelope>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><s:Envelope xmlns:s="${SOAP11}"><s:Body><hotelOrder><orderId>&x;</orderId></hotelOrder></s:Body></s:Envelope>`;
    for (const text of [laughs, xxe]) {
      const answer = await post('/soap/hotelOrder', text);
      expect(answer.status).toBe(500);
      expect(faultOf(answer)).toMatchObject({ code: 'soap:Client', errors: [{ code: 'BAD_REQUEST' }] });
      expect(faultOf(answer).reason).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
    }
    const entity = faultOf(await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>&lol;</c:orderId></c:hotelOrder>')));
    expect(entity.reason).toMatch(/not well-formed XML.*undefined entity/i);
    const notXml = faultOf(await post('/soap/hotelOrder', '{"orderId": "1"}'));
    expect(notXml.code).toBe('soap:Client');
    const notEnvelope = faultOf(await post('/soap/hotelOrder', '<hotelOrder><orderId>1</orderId></hotelOrder>'));
    expect(notEnvelope.reason).toBe('expected a SOAP Envelope, found <hotelOrder> at line 1');
    const otherVersion = faultOf(await post('/soap/hotelOrder', '<s:Envelope xmlns:s="urn:not-soap"><s:Body/></s:Envelope>'));
    expect(otherVersion.code).toBe('soap:VersionMismatch');
    const understand = faultOf(
      await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>1</c:orderId></c:hotelOrder>', '<t:Tx xmlns:t="urn:tx" s:mustUnderstand="1">1</t:Tx>')),
    );
    expect(understand.code).toBe('soap:MustUnderstand');

    // Over the body limit (64 KiB here): refused by its Content-Length, and while streaming without one.
    const huge = envelope('1.1', `<c:hotelOrder><c:orderId>${'9'.repeat(100_000)}</c:orderId></c:hotelOrder>`);
    const brokenOrigin = new URL(broken.url).origin;
    const declared = await post('/soap/hotelOrder', huge, undefined, brokenOrigin);
    expect(declared.status).toBe(413);
    expect(faultOf(declared).errors[0].code).toBe('BODY_TOO_LARGE');
    const streamed = await new Promise<Posted>((resolve, reject) => {
      const request = http.request(`${brokenOrigin}/soap/hotelOrder`, { method: 'POST', headers: { 'content-type': 'text/xml' } }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, type: response.headers['content-type'] ?? null, text, root: parseXml(text, { namespaces: true }) }));
      });
      request.on('error', reject);
      request.end(huge); // chunked: no Content-Length
    });
    expect(streamed.status).toBe(413);
    expect(faultOf(streamed).errors[0].code).toBe('BODY_TOO_LARGE');

    const fine = await post('/soap/hotelOrder', envelope('1.1', '<c:hotelOrder><c:orderId>1</c:orderId></c:hotelOrder>'));
    expect(fine.status).toBe(200);
  });

  it('round trip: Skein imports the generated WSDL as a source, and calling it through Skein answers the same', async () => {
    const sources = [];
    for (const name of ['hotelOrder', 'salary', 'customerStatement']) {
      const imported = await importWsdl({ location: `${origin}/soap/${name}?wsdl`, source: `skein_${name}` });
      expect(imported.skipped).toEqual([]);
      expect(imported.operations).toEqual([expect.objectContaining({ operation: name, field: name, root: 'Query' })]);
      sources.push({ path: `skein_${name}.graphql`, text: imported.sdl });
    }
    const graph = await buildGraph({ sources, composites: [] }, { onSourceError: 'fail', exposeUpstreamErrors: true });
    const outer = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    try {
      const query = async (text: string) => {
        const response = await fetch(outer.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
        return (await response.json()) as { data?: any; errors?: any[] };
      };
      const hotel = await query(
        '{ hotelOrder(orderId: "1") { order { id userId hotelId roomId total } user { name age gender } hotel { name stars address } room { type floor hasWindow } } }',
      );
      expect(hotel.errors).toBeUndefined();
      expect(hotel.data.hotelOrder).toEqual((await api('hotelOrder?orderId=1')).data);
      const salary = await query('{ salary(employeeId: "7") { grossSalary socialInsurance netSalary } }');
      expect(salary.data.salary).toEqual((await api('salary?employeeId=7')).data);
      const statement = await query(
        '{ customerStatement(customerId: "1") { verification { status checkedAt } statement { iban balance transactions { date amount description } } warning { level message } } }',
      );
      expect(statement.data.customerStatement).toEqual((await api('customerStatement?customerId=1')).data);
      // A Fault of the inner gateway arrives as SOAP_FAULT, with Skein's error list as its detail.
      const unknown = await query('{ hotelOrder(orderId: "99999") { order { id } } }');
      expect(unknown.errors![0].extensions).toMatchObject({ code: 'SOAP_FAULT', faultCode: 'soap:Client' });
      expect(JSON.stringify(unknown.errors![0].extensions.detail)).toContain('UPSTREAM_HTTP_ERROR');
    } finally {
      await outer.close();
    }
  });
});

describe('typed arguments and results: numbers, booleans, enums, lists, input objects, lists of lists', () => {
  const SOURCE = (url: string) => `extend schema @source(name: "catalog", kind: REST, url: "${url}")
enum Kind { BOOK MUSIC }
input Filter { minPrice: Float tags: [String!] }
type Item { id: ID! price: Float! kind: Kind! tags: [String!]! grid: [[Int]] note: String }
input EntryInput { amount: Float! note: String }
type Entry { id: ID! amount: Float! note: String }
type Mutation { book(input: EntryInput!): Entry @rest(source: "catalog", method: POST, path: "/entries", body: "input") }
type Query {
  items(ids: [ID!]!, limit: Int, active: Boolean!, kind: Kind!, filter: Filter): [Item!]!
    @rest(source: "catalog", path: "/items", query: [
      { name: "ids", value: "{ids}" }, { name: "limit", value: "{limit}" }, { name: "active", value: "{active}" },
      { name: "kind", value: "{kind}" }, { name: "minPrice", value: "{filter.minPrice}" }, { name: "tag", value: "{filter.tags}" }])
}
`;
  const SHELF = `# Items of a kind, by id.
query shelf($ids: [ID!]!, $limit: Int = 5, $active: Boolean!, $kind: Kind!, $filter: Filter) {
  items(ids: $ids, limit: $limit, active: $active, kind: $kind, filter: $filter) { id price kind tags grid note }
}`;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  let origin: string;
  const post = async (body: string) => {
    const response = await fetch(`${origin}/soap/shelf`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: envelope('1.1', body) });
    const text = await response.text();
    return { status: response.status, text, root: parseXml(text, { namespaces: true }), type: response.headers.get('content-type') };
  };

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /items': (request) => ({
        json: request.query.getAll('ids').map((id, n) => ({ id, price: 9.5 + n, kind: request.query.get('kind'), tags: ['new', `t${id}`], grid: [[1, 2], [3, null]], note: n ? 'second' : null })),
      }),
      'POST /entries': (request) => ({ json: { id: '77', ...JSON.parse(request.body) } }),
    });
    gateway = await startTestGateway({
      sources: { 'catalog.graphql': SOURCE(upstream.url) },
      composites: { 'shelf.graphql': SHELF, 'bookEntry.graphql': 'mutation bookEntry($amount: Float!, $note: String = "soap") { book(input: { amount: $amount, note: $note }) { id amount note } }' },
    });
    origin = new URL(gateway.url).origin;
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('the soap client sends typed values (a default where left out) and reads the answer /api gives', async () => {
    const client = await soap.createClientAsync(`${origin}/soap/shelf?wsdl`, { handleNilAsNull: true });
    const [result] = await client.shelfAsync({ ids: ['1', '2'], active: true, kind: 'MUSIC', filter: { minPrice: 2.5, tags: ['a', 'b'] } });
    const sent = upstream.received.at(-1)!.query;
    expect(sent.getAll('ids')).toEqual(['1', '2']);
    expect([sent.get('limit'), sent.get('active'), sent.get('kind'), sent.get('minPrice')]).toEqual(['5', 'true', 'MUSIC', '2.5']);
    expect(sent.getAll('tag')).toEqual(['a', 'b']);
    const rest = (await (await fetch(`${origin}/api/shelf?ids=1&ids=2&active=true&kind=MUSIC&filter=${encodeURIComponent('{"minPrice":2.5,"tags":["a","b"]}')}`)).json()) as any;
    expect(rest.data.items[0].grid).toEqual([[1, 2], [3, null]]);
    // A list of lists arrives as ArrayOfInt elements, each holding its items.
    const items = result.shelfResult.items.map((item: any) => ({ ...item, grid: item.grid.map((row: any) => row.item) }));
    expect(items).toEqual(rest.data.items);
  });

  it('a mutation composite is an operation too, and runs once per call', async () => {
    const client = await soap.createClientAsync(`${origin}/soap/bookEntry?wsdl`, { handleNilAsNull: true, forceSoap12Headers: true });
    const calls = upstream.received.length;
    const [result] = await client.bookEntryAsync({ amount: 3.5 });
    expect(result.bookEntryResult).toEqual({ book: { id: '77', amount: 3.5, note: 'soap' } });
    expect(upstream.received.slice(calls).map((r) => [r.method, JSON.parse(r.body)])).toEqual([['POST', { amount: 3.5, note: 'soap' }]]);
  });

  it('values that do not read as their XSD type are one Client Fault naming each, and nothing is called', async () => {
    const calls = upstream.received.length;
    const bad = await post('<c:shelf><c:ids>1</c:ids><c:limit>ten</c:limit><c:active>yes</c:active><c:kind>POETRY</c:kind><c:filter><c:minPrice>cheap</c:minPrice></c:filter></c:shelf>');
    expect(faultOf(bad).errors.map((e) => e.message)).toEqual([
      'shelf.limit: expected an xsd:int, found "ten"',
      'shelf.active: expected an xsd:boolean (true, false, 1 or 0), found "yes"',
      'shelf.kind: expected one of BOOK, MUSIC (Kind), found "POETRY"',
      'shelf.filter.minPrice: expected an xsd:double, found "cheap"',
    ]);
    const range = faultOf(await post('<c:shelf><c:ids>1</c:ids><c:limit>99999999999</c:limit><c:active>1</c:active><c:kind>BOOK</c:kind></c:shelf>'));
    expect(range).toMatchObject({ code: 'soap:Client', errors: [{ code: 'BAD_REQUEST' }] });
    expect(range.reason).toContain('Int cannot represent non 32-bit signed integer value');
    expect(upstream.received.length).toBe(calls);
    // xsi:nil is null; an empty list is no elements.
    const nil = await post(
      '<c:shelf xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><c:active>0</c:active><c:kind>BOOK</c:kind><c:limit i:nil="true"/></c:shelf>',
    );
    expect(nil.status).toBe(200);
    expect(upstream.received.at(-1)!.query.get('limit')).toBeNull();
    expect(upstream.received.at(-1)!.query.get('active')).toBe('false');
  });

  it('round trip: imported by Skein, its lists of lists, enums and input objects answer as /api does', async () => {
    // The importer reads a type whose only content is one repeated element as a list (its
    // ArrayOfX rule), so shelf, whose one step is a list, comes back as that list.
    const imported = await importWsdl({ location: `${origin}/soap/shelf?wsdl`, source: 'skeinShelf' });
    expect(imported.skipped).toEqual([]);
    const outer = await startTestGateway({ sources: { 'skeinShelf.graphql': imported.sdl } });
    try {
      const answer = await outer.query(
        'query($f: FilterInput) { shelf(ids: ["3", "4"], active: true, kind: BOOK, filter: $f) { id price kind tags grid note } }',
        { f: { minPrice: 1 } },
      );
      expect(answer.errors).toBeUndefined();
      const rest = (await (await fetch(`${origin}/api/shelf?ids=3&ids=4&active=true&kind=BOOK&filter=${encodeURIComponent('{"minPrice":1}')}`)).json()) as any;
      expect(rest.data.items).toHaveLength(2);
      expect(answer.data!.shelf).toEqual(rest.data.items);
    } finally {
      await outer.close();
    }
  });
});
