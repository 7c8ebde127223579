import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { fixture, FIXTURES, startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

const hotelWsdl = path.join(FIXTURES, 'hotel.wsdl');

/** A SOAP source over hotel.wsdl with one field, and a REST neighbour, to show the rest keeps serving. */
function sources(soapSource: string, field = 'room(roomId: String!): Room @soap(source: "s", operation: "GetRoom")', restUrl = 'http://127.0.0.1:9') {
  return {
    'soap.graphql': `extend schema ${soapSource}
      type Room { roomId: String floor: Int }
      type Query { ${field} }`,
    'rest.graphql': `extend schema @source(name: "r", kind: REST, url: "${restUrl}")
      type Ping { ok: Boolean }
      type Query { ping: Ping @rest(source: "r", path: "/ping") }`,
  };
}

/**
 * Builds the graph as `skein serve` does (a source that cannot be prepared is degraded and
 * reported) and returns what was reported, plus any error that failed the build.
 */
async function buildErrors(files: Record<string, string>): Promise<{ format(): string; message: string }[]> {
  const warnings: string[] = [];
  try {
    const graph = await buildGraph(
      { sources: Object.entries(files).map(([p, text]) => ({ path: p, text, documents: 'anywhere' as const })), composites: [] },
      { onSourceError: 'degrade', warn: (message) => warnings.push(message.replace(/ \(its fields will answer SOURCE_UNAVAILABLE\)$/, '')) },
    );
    await graph.close();
  } catch (error) {
    return schemaErrorsOf(error);
  }
  if (warnings.length === 0) throw new Error('the build succeeded where it should have failed');
  return warnings.map((text) => ({ format: () => text, message: text }));
}

describe('SOAP: a WSDL that cannot be used is reported with its file and element', () => {
  it('a WSDL that is not well-formed XML', async () => {
    const errors = await buildErrors(sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(path.join(FIXTURES, 'broken.wsdl'))})`));
    expect(errors).toHaveLength(1);
    expect(errors[0].format()).toMatch(/broken\.wsdl:\d+:\d+: source "s": .*broken\.wsdl is not well-formed XML: unclosed tag/);
  });

  it('an imported XSD that cannot be reached names the importing element', async () => {
    const errors = await buildErrors(sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(path.join(FIXTURES, 'missing-import.wsdl'))})`));
    expect(errors[0].format().startsWith(`${path.join(FIXTURES, 'missing-import.wsdl')}:7:`)).toBe(true);
    expect(errors[0].message).toContain('<xsd:import> asks for');
    expect(errors[0].message).toContain('does-not-exist.xsd, which cannot be read: the file does not exist');
  });

  it('a WSDL with a DTD is refused: no entity is expanded, no external entity fetched', async () => {
    const errors = await buildErrors(sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(path.join(FIXTURES, 'entities.wsdl'))})`));
    expect(errors[0].message).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
  });

  it('an operation that is not in the WSDL names the field and lists the operations', async () => {
    const errors = await buildErrors(
      sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(hotelWsdl)})`, 'room(roomId: String!): Room @soap(source: "s", operation: "GetRom")'),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0].format()).toMatch(
      /^soap\.graphql:3:\d+: @soap on Query\.room \(source "s"\): operation "GetRom" is not in port HotelSoap of .*hotel\.wsdl \(operations: GetRoom, ListRooms, BookRoom, CancelBooking\)$/,
    );
  });

  it('a port that is not in the WSDL lists the SOAP ports', async () => {
    const errors = await buildErrors(sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(hotelWsdl)}, wsdlPort: "HotelHttp")`));
    expect(errors[0].format()).toMatch(/^soap\.graphql:1:\d+: source "s": port "HotelHttp" is not in .*hotel\.wsdl \(SOAP ports: HotelSoap \(SOAP 1\.1, service HotelService\), HotelSoap12 \(SOAP 1\.2, service HotelService\)\)$/);
  });

  it('an argument or field that matches nothing in the XSD', async () => {
    const errors = await buildErrors({
      'soap.graphql': `extend schema @source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(hotelWsdl)})
        type Room { roomId: String colour: String }
        type Query { room(id: String!): Room @soap(source: "s", operation: "GetRoom") other(roomId: String!): Room @soap(source: "s", operation: "GetRoom") }`,
    });
    const messages = errors.map((e) => e.format());
    expect(messages).toContainEqual(expect.stringMatching(/Query\.room: argument "id" matches no part of the request of SOAP operation "GetRoom" \(it takes: roomId\)/));
    expect(messages).toContainEqual(expect.stringMatching(/field Room\.colour matches no element or attribute of XSD type Room \(it has: roomId, kind, floor/));
  });

  it('the importer leaves out an operation whose types are missing, and says why', async () => {
    const imported = await importWsdl({ location: path.join(FIXTURES, 'undefined-type.wsdl'), source: 'partial' });
    expect(imported.operations.map((o) => o.operation)).toEqual(['GetGood']);
    expect(imported.skipped).toHaveLength(1);
    expect(imported.skipped[0].operation).toBe('GetBad');
    expect(imported.skipped[0].reason).toMatch(/undefined-type\.wsdl:\d+:\d+: type Missing \(namespace urn:partial\) is not defined/);
  });
});

describe('SOAP: the gateway keeps serving everything else', () => {
  it('degrades a source whose WSDL cannot be read to SOURCE_UNAVAILABLE on its fields only', async () => {
    const rest = await startRecordingUpstream({ 'GET /ping': { json: { ok: true } } });
    const warnings: string[] = [];
    const gateway = await startTestGateway(
      { sources: sources(`@source(name: "s", kind: SOAP, url: "http://127.0.0.1:9/x", wsdl: ${JSON.stringify(path.join(FIXTURES, 'broken.wsdl'))})`, undefined, rest.url) },
      { onSourceError: 'degrade', warn: (message) => warnings.push(message) },
    );
    try {
      const answer = await gateway.query(`{ room(roomId: "1") { roomId } ping { ok } }`);
      expect(answer.data).toEqual({ room: null, ping: { ok: true } });
      expect(answer.errors![0].extensions).toMatchObject({ code: 'SOURCE_UNAVAILABLE', source: 's' });
      // Why is the operator's business (the gateway's files): it is in the log, not in the answer.
      expect(answer.errors![0].message).toBe('Source "s" is unavailable: it could not be prepared when the schema was built; the gateway\'s log says why');
      expect(JSON.stringify(answer)).not.toContain('broken.wsdl');
      expect(warnings[0]).toContain('broken.wsdl is not well-formed XML');
    } finally {
      await gateway.close();
      await rest.close();
    }
  });
});

describe('SOAP: answers that are not SOAP', () => {
  let upstream: RecordingUpstream;
  let gateway: TestGateway;
  const envelope = (body: string) =>
    `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`;
  const good = envelope('<h:GetRoomResponse xmlns:h="urn:skein:test:hotel"><h:GetRoomResult><h:roomId>7</h:roomId><h:floor>3</h:floor></h:GetRoomResult></h:GetRoomResponse>');

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'POST /good': { headers: { 'content-type': 'text/xml' }, body: good },
      'POST /html': { headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>' },
      'POST /html-500': { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Internal error</body></html>' },
      'POST /truncated': { headers: { 'content-type': 'text/xml' }, body: good.slice(0, 150) },
      'POST /not-envelope': { headers: { 'content-type': 'text/xml' }, body: '<result><roomId>7</roomId></result>' },
      'POST /empty-body': { headers: { 'content-type': 'text/xml' }, body: envelope('') },
      'POST /laughs': {
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${envelope('<x>&b;</x>')}`,
      },
      'POST /xxe': {
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY x SYSTEM "file:///etc/passwd">]>${envelope('<x>&x;</x>')}`,
      },
      'POST /slow': { headers: { 'content-type': 'text/xml' }, body: good, delayMs: 1500 },
      'POST /fault-200': {
        headers: { 'content-type': 'text/xml' },
        body: envelope('<s:Fault><faultcode>s:Server</faultcode><faultstring>Database &amp; cache down</faultstring><detail>retry later</detail></s:Fault>'),
      },
    });
    const files: Record<string, string> = {};
    for (const route of ['good', 'html', 'html-500', 'truncated', 'not-envelope', 'empty-body', 'laughs', 'xxe', 'slow', 'fault-200']) {
      const name = route.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
      files[`${route}.graphql`] = `extend schema @source(name: "${route}", kind: SOAP, url: "${upstream.url}/${route}", wsdl: ${JSON.stringify(hotelWsdl)}, timeoutMs: 500)
        extend type Query { ${name}: Room @soap(source: "${route}", operation: "GetRoom") }`;
    }
    files['room.graphql'] = 'type Room { roomId: String floor: Int }';
    // With upstream errors exposed, so the excerpts and Fault details these tests look at reach the client.
    gateway = await startTestGateway({ sources: files }, { exposeUpstreamErrors: true });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const ask = async (field: string) => {
    const answer = await gateway.query(`{ ${field} { roomId } good { roomId floor } }`);
    expect(answer.data).toEqual({ [field]: null, good: { roomId: '7', floor: 3 } });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0].path).toEqual([field]);
    return answer.errors![0];
  };

  it('an HTML page with status 200 is UPSTREAM_BAD_RESPONSE', async () => {
    const error = await ask('html');
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'html', status: 200 });
    expect(error.message).toBe('Upstream "html" answered Query.html with an HTML page where a SOAP envelope was expected');
  });

  it('an HTML error page is UPSTREAM_HTTP_ERROR with status and body, as for REST', async () => {
    const error = await ask('html500');
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_HTTP_ERROR', source: 'html-500', status: 500, body: '<html><body>Internal error</body></html>' });
  });

  it('truncated XML is UPSTREAM_BAD_RESPONSE saying where it broke off', async () => {
    const error = await ask('truncated');
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', source: 'truncated' });
    expect(error.message).toMatch(/answered Query\.truncated with XML that is not well-formed \(.* at line 1, column \d+; truncated\?\)/);
  });

  it('XML that is not an Envelope, or an empty Body, is UPSTREAM_BAD_RESPONSE', async () => {
    expect((await ask('notEnvelope')).message).toContain('a <result> document where a SOAP Envelope was expected');
    expect((await ask('emptyBody')).message).toContain('the SOAP Body is empty where <GetRoomResponse> was expected');
  });

  it('entity expansion and external entities fail cleanly', async () => {
    for (const field of ['laughs', 'xxe']) {
      const error = await ask(field);
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
      expect(error.message).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
      expect(JSON.stringify(error)).not.toContain('root:');
    }
  });

  it('a Fault sent with status 200 is still a SOAP_FAULT', async () => {
    const error = await ask('fault200');
    expect(error.extensions).toMatchObject({ code: 'SOAP_FAULT', faultCode: 's:Server', faultString: 'Database & cache down', detail: 'retry later' });
  });

  it('a slow upstream times out as for REST', async () => {
    const error = await ask('slow');
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', source: 'slow' });
  });
});

describe('SOAP: an endpoint that cannot be reached', () => {
  it('is UPSTREAM_UNREACHABLE on that field only', async () => {
    const dead = await startRecordingUpstream();
    const deadUrl = dead.url;
    await dead.close();
    const gateway = await startTestGateway({
      sources: {
        'dead.graphql': `extend schema @source(name: "dead", kind: SOAP, url: "${deadUrl}/x", wsdl: ${JSON.stringify(hotelWsdl)})
          type Room { roomId: String }
          type Query { room(roomId: String!): Room @soap(source: "dead", operation: "GetRoom") }`,
      },
    });
    try {
      const answer = await gateway.query(`{ room(roomId: "1") { roomId } }`);
      expect(answer.data).toEqual({ room: null });
      expect(answer.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNREACHABLE', source: 'dead' });
    } finally {
      await gateway.close();
    }
  });
});

describe('SOAP: a WSDL behind basic authentication', () => {
  let upstream: RunningSoapServer;
  const credentials = { username: 'wsdl-reader', password: 's3cret:with colon' };

  beforeAll(async () => {
    upstream = await startSoapServer({
      wsdl: fixture('hotel.wsdl'),
      uri: hotelWsdl,
      path: '/hotel',
      basicAuth: credentials,
      files: { '/common.xsd': fixture('common.xsd'), '/hotel-policy.xsd': fixture('hotel-policy.xsd') },
      services: {
        HotelService: { HotelSoap: { GetRoom: (args: { roomId: string }) => ({ GetRoomResult: { roomId: args.roomId, floor: 4 } }) } },
      },
    });
  });
  afterAll(async () => {
    await upstream?.close();
  });

  const source = (extra: string) =>
    `@source(name: "locked", kind: SOAP, url: "${upstream.url}", headers: [{ name: "Authorization", value: "Basic {env.SKEIN_SOURCE_LOCKED_BASIC}" }] ${extra})`;

  it('without credentials the source is unavailable, and the message says what to set', async () => {
    const errors = await buildErrors(
      sources(source('').replace(/headers: \[.*?\] /, ''), 'room(roomId: String!): Room @soap(source: "locked", operation: "GetRoom")'),
    );
    expect(errors[0].message).toMatch(/source "locked": cannot read the WSDL http:\/\/127\.0\.0\.1:\d+\/hotel\?wsdl: the server answered HTTP 401: it needs credentials \(set wsdlAuth\)/);
  });

  it('with wsdlAuth it reads the WSDL (and its imports from the same origin), then calls the service', async () => {
    process.env.SKEIN_SOURCE_LOCKED_WSDL_PASSWORD = credentials.password;
    process.env.SKEIN_SOURCE_LOCKED_BASIC = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    upstream.documentReads.length = 0;
    const gateway = await startTestGateway({
      sources: {
        'locked.graphql': `extend schema ${source(`, wsdlAuth: { username: "${credentials.username}", password: "{env.SKEIN_SOURCE_LOCKED_WSDL_PASSWORD}" }`)}
          type Room { roomId: String floor: Int }
          type Query { room(roomId: String!): Room @soap(source: "locked", operation: "GetRoom") }`,
      },
    });
    try {
      const answer = await gateway.query(`{ room(roomId: "8") { roomId floor } }`);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ room: { roomId: '8', floor: 4 } });
      await gateway.query(`{ a: room(roomId: "1") { roomId } b: room(roomId: "2") { roomId } }`);
      // The WSDL and its XSD were read once, when the graph was built; calls read nothing.
      expect(upstream.documentReads).toEqual(['/hotel?wsdl', '/common.xsd', '/hotel-policy.xsd']);
    } finally {
      await gateway.close();
    }
  });
});
