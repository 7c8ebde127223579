import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph, type Graph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { startCountingProxies, type CountingProxies } from '../helpers/counting-proxy.js';
import { DOORS, type Door } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log-capture.js';
import { startOtlpReceiver, tracingTo, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.js';

// The gateway's real OTLP export, received by a collector the test starts, for the
// hotelOrder demo composite behind proxies that show what each upstream was sent.

const SERVER = 2;
const CLIENT = 3;
const HOTEL_ORDER = `query hotelOrder($orderId: ID!) { hotelOrder(orderId: $orderId) { order { id } user { name } hotel { name } room { type } } }`;

/** A W3C traceparent of a client's own span. */
function clientTraceparent(): { header: string; traceId: string; spanId: string } {
  const hex = (bytes: number) => [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const traceId = hex(16);
  const spanId = hex(8);
  return { header: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

const childrenOf = (spans: readonly ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId);

describe('tracing, exported over OTLP/HTTP', () => {
  let demo: DemoUpstreams;
  let proxies: CountingProxies;
  let receiver: OtlpReceiver;
  let graph: Graph;
  const gateways = new Map<Door, RunningGateway>();

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    proxies = await startCountingProxies(demo.urls);
    receiver = await startOtlpReceiver();
    graph = await buildGraph(loadSchemaFolder('schema'), { urls: proxies.urls, onSourceError: 'fail' });
    // The lane's gateway exports protobuf (the default), yoga's OTLP/JSON: every test of a
    // door reads back what one protocol carried, so each is checked in full.
    for (const via of DOORS) {
      const tracing = tracingTo(receiver.url, { protocol: via === 'lane' ? 'http/protobuf' : 'http/json' });
      gateways.set(via, await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { tracing, fastLane: via === 'lane' } }));
    }
  });
  afterAll(async () => {
    for (const gateway of gateways.values()) await gateway.close();
    await proxies?.close();
    await demo?.close();
    await receiver?.close();
  });

  const traceOf = (traceId: string, count: number) =>
    receiver.waitFor((spans) => spans.filter((s) => s.traceId === traceId).length >= count).then((spans) => spans.filter((s) => s.traceId === traceId));

  describe.each(DOORS)('through /graphql (%s)', (via) => {
    it('continues the client\'s trace: request (named after its operation) → composite → steps (stage 2 overlapping) → upstream calls, and upstreams get the trace', async () => {
      const gateway = gateways.get(via)!;
      const client = clientTraceparent();
      // The three calls of stage 2 are answered only once all three are in flight: made in parallel, their spans overlap.
      proxies.meet({ calls: (call) => call.upstream !== 'orders', inFlight: 3 });
      const before = proxies.calls.length;
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: client.header, tracestate: 'vendor=abc' },
        body: JSON.stringify({ query: HOTEL_ORDER, variables: { orderId: '1' } }),
      });
      proxies.meet(undefined);
      const answer = await response.json();
      expect(answer.errors).toBeUndefined();
      expect(answer.data.hotelOrder.user.name).toBeTruthy();

      // request (the operation's span too) 1 + composite 1 + steps 4 + upstream calls 4
      const spans = await traceOf(client.traceId, 10);
      const request = spans.find((s) => s.kind === SERVER)!;
      expect(request).toMatchObject({ name: 'query hotelOrder', parentSpanId: client.spanId });
      expect(request.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/graphql',
        'url.path': '/graphql',
        'http.response.status_code': 200,
        'graphql.operation.type': 'query',
        'graphql.operation.name': 'hotelOrder',
      });
      expect(request.attributes['skein.request_id']).toBe(response.headers.get('x-request-id'));
      expect(request.resource).toMatchObject({ 'service.name': 'skein-test', 'deployment.environment': 'test' });
      // One span per request, not a request span and an operation span.
      expect(spans.filter((s) => s.attributes['graphql.operation.type'])).toHaveLength(1);

      const [composite] = childrenOf(spans, request);
      expect(composite).toMatchObject({ name: 'composite hotelOrder', attributes: { 'skein.composite': 'hotelOrder' } });
      const steps = childrenOf(spans, composite);
      const step = (key: string) => steps.find((s) => s.attributes['skein.composite.step'] === key)!;
      expect(steps.map((s) => s.attributes['skein.composite.step']).sort()).toEqual(['hotel', 'order', 'room', 'user']);
      expect(step('order').attributes).toMatchObject({ 'skein.composite.stage': 1, 'skein.composite.step.status': 'done' });
      for (const key of ['user', 'hotel', 'room']) {
        expect(step(key).attributes).toMatchObject({ 'skein.composite.stage': 2, 'skein.composite.step.depends_on': ['order'] });
        // A span's start is read from Date.now() (whole ms), its end from the performance clock: allow that 1 ms.
        expect(step(key).start + 1_000_000n).toBeGreaterThanOrEqual(step('order').end);
      }
      // Parallel steps overlap: each started before the others ended.
      for (const a of ['user', 'hotel', 'room']) for (const b of ['user', 'hotel', 'room']) if (a !== b) expect(step(a).start).toBeLessThan(step(b).end);

      // Each step's upstream call is its child, with the source, operation, status and attempts.
      const calls = new Map<string, ReceivedSpan>();
      for (const key of ['order', 'user', 'hotel', 'room']) {
        const [call] = childrenOf(spans, step(key));
        expect(call.kind).toBe(CLIENT);
        expect(call.attributes).toMatchObject({ 'http.response.status_code': 200, 'skein.upstream.attempts': 1 });
        // A closed breaker is the normal state: only an open or half-open one is recorded.
        expect(call.attributes['skein.upstream.breaker_state']).toBeUndefined();
        calls.set(key, call);
      }
      expect(calls.get('order')!.attributes).toMatchObject({ 'skein.source': 'orders', 'skein.source.kind': 'REST', 'skein.operation': 'Query.order', 'http.request.method': 'GET' });
      expect(String(calls.get('order')!.attributes['url.full'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/orders\/1$/);
      expect(calls.get('room')!.attributes).toMatchObject({ 'skein.source': 'rooms', 'skein.source.kind': 'SOAP', 'http.request.method': 'POST' });

      // What each upstream was sent: a traceparent of this trace, naming the call's own span, and the client's tracestate.
      const sent = proxies.calls.slice(before);
      expect(sent).toHaveLength(4);
      for (const call of sent) {
        expect(String(call.headers.traceparent)).toMatch(new RegExp(`^00-${client.traceId}-[0-9a-f]{16}-01$`));
        const [, , spanId] = String(call.headers.traceparent).split('-');
        expect([...calls.values()].map((s) => s.spanId)).toContain(spanId);
        expect(call.headers.tracestate).toBe('vendor=abc');
      }
    });

    it('ignores a traceparent that does not parse: the request is answered and a new trace starts', async () => {
      const gateway = gateways.get(via)!;
      for (const bad of ['garbage', '00-00000000000000000000000000000000-0000000000000000-01', `ff-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, '00-xyz']) {
        const before = proxies.calls.length;
        const response = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', traceparent: bad },
          body: JSON.stringify({ query: '{ order(id: "2") { id } }' }),
        });
        expect(response.status).toBe(200);
        expect((await response.json()).data.order.id).toBe('2');
        const requestId = response.headers.get('x-request-id');
        const spans = await receiver.waitFor((all) => all.some((s) => s.attributes['skein.request_id'] === requestId));
        const request = spans.find((s) => s.attributes['skein.request_id'] === requestId)!;
        expect(request.kind).toBe(SERVER);
        expect(request.parentSpanId).toBeUndefined();
        expect(request.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(request.traceId).not.toBe('0'.repeat(32));
        // The upstream gets the new trace, not the bad header.
        const [sent] = proxies.calls.slice(before);
        expect(String(sent.headers.traceparent)).toMatch(new RegExp(`^00-${request.traceId}-[0-9a-f]{16}-01$`));
      }
    });
  });

  it('gives the second operation of a batched request a span of its own, under the request span', async () => {
    const gateway = gateways.get('yoga')!;
    const client = clientTraceparent();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: client.header },
      body: JSON.stringify([{ query: 'query first { order(id: "1") { id } }' }, { query: 'query second { order(id: "2") { id } }' }]),
    });
    const answers = await response.json();
    expect(answers.map((a: any) => a.data.order.id)).toEqual(['1', '2']);
    const spans = await traceOf(client.traceId, 4);
    const request = spans.find((s) => s.kind === SERVER)!;
    const operations = spans.filter((s) => s.attributes['graphql.operation.type']);
    expect(operations.map((s) => s.attributes['graphql.operation.name']).sort()).toEqual(['first', 'second']);
    // The request stands for the operation that claimed it first; the other is its child.
    const child = operations.find((s) => s !== request)!;
    expect(child.parentSpanId).toBe(request.spanId);
    expect(child.kind).not.toBe(SERVER);
    expect(child.name).toBe(`query ${child.attributes['graphql.operation.name']}`);
    // Each operation's upstream call is under its own span.
    for (const operation of operations) expect(childrenOf(spans, operation).filter((s) => s.kind === CLIENT)).toHaveLength(1);
  });

  it('traces /api, /soap and /mcp like /graphql: a request span of the route, named after its operation', async () => {
    const gateway = gateways.get('lane')!;
    const origin = new URL(gateway.url).origin;
    const doors: [string, (traceparent: string) => Promise<Response>][] = [
      ['/api', (traceparent) => fetch(`${gateway.apiUrl}/hotelOrder?orderId=1`, { headers: { traceparent } })],
      [
        '/soap',
        (traceparent) =>
          fetch(`${origin}/soap/hotelOrder`, {
            method: 'POST',
            headers: { 'content-type': 'text/xml; charset=utf-8', traceparent },
            body:
              '<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:skein:composite:hotelOrder">' +
              '<s:Body><c:hotelOrder><c:orderId>1</c:orderId></c:hotelOrder></s:Body></s:Envelope>',
          }),
      ],
      [
        '/mcp',
        async (traceparent) => {
          // The MCP SDK's own client: initialize, then the tool call, each request with the traceparent.
          const client = new Client({ name: 'tracing-test', version: '1.0.0' });
          await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl), { requestInit: { headers: { traceparent } } }));
          const result = await client.callTool({ name: 'hotelOrder', arguments: { orderId: '1' } });
          await client.close();
          return new Response(JSON.stringify(result), { status: result.isError ? 500 : 200 });
        },
      ],
    ];
    for (const [route, call] of doors) {
      const client = clientTraceparent();
      const response = await call(client.header);
      expect(response.status, route).toBe(200);
      const spans = await receiver
        .waitFor((all) => all.filter((s) => s.traceId === client.traceId && s.kind === CLIENT).length >= 4)
        .then((all) => all.filter((s) => s.traceId === client.traceId));
      const request = spans.find((s) => s.attributes['graphql.operation.type'])!;
      expect(request.kind, route).toBe(SERVER);
      expect(request.parentSpanId, route).toBe(client.spanId);
      expect(request.attributes['http.route'], route).toBe(route);
      expect(request.attributes['graphql.operation.type'], route).toBe('query');
      expect(childrenOf(spans, request)[0].name, route).toBe('composite hotelOrder');
    }
  });

  it('exports nothing secret: no bearer token, cookie, source credential or credential in a query string', async () => {
    // A source with credentials in a header and in the query, whose upstream fails (so errors are recorded too).
    const { startRecordingUpstream } = await import('../helpers/recording-upstream.js');
    const upstream = await startRecordingUpstream({ 'GET /things/*': { status: 503, body: 'down; key=query-secret-123456' } });
    process.env.SKEIN_SOURCE_THINGS_KEY = 'header-secret-abcdef';
    const leaky = await buildGraph(
      {
        sources: [
          {
            path: 'things.graphql',
            text: `extend schema @source(name: "things", kind: REST, url: "${upstream.url}",
                headers: [{ name: "X-Api-Key", value: "{env.SKEIN_SOURCE_THINGS_KEY}" }], retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 })
              type Thing { id: ID! }
              type Query { thing(id: ID!, apiKey: String!): Thing @rest(source: "things", path: "/things/{id}", query: [{ name: "api_key", value: "{apiKey}" }]) }`,
          },
        ],
        composites: [],
      },
      { onSourceError: 'fail' },
    );
    const gateway = await startGateway({ graph: leaky, port: 0, host: '127.0.0.1', settings: { tracing: tracingTo(receiver.url) } });
    try {
      const client = clientTraceparent();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          traceparent: client.header,
          authorization: 'Bearer client-token-qwertyuiop',
          cookie: 'session=cookie-secret-zxcvbnm',
        },
        body: JSON.stringify({ query: '{ thing(id: "7", apiKey: "query-secret-123456") { id } }' }),
      });
      expect((await response.json()).errors[0].extensions.code).toBe('UPSTREAM_HTTP_ERROR');
      const spans = await traceOf(client.traceId, 2);
      const call = spans.find((s) => s.kind === CLIENT)!;
      // Retried twice after the first 503: three attempts, the status, an error.
      expect(call.attributes).toMatchObject({ 'http.response.status_code': 503, 'skein.upstream.attempts': 3, 'http.request.resend_count': 2, 'error.type': '503' });
      expect(call.status.code).toBe(2);
      expect(call.attributes['url.full']).toBe(`${upstream.url}/things/7?api_key=REDACTED`);
      const operation = spans.find((s) => s.name === 'query')!;
      expect(operation.status).toMatchObject({ code: 2, message: 'UPSTREAM_HTTP_ERROR at thing' });
      // The upstream got the credential; the collector got none of them, anywhere.
      expect(upstream.received[0].query.get('api_key')).toBe('query-secret-123456');
      const exported = receiver.bodies.join('\n');
      for (const secret of ['client-token-qwertyuiop', 'cookie-secret-zxcvbnm', 'header-secret-abcdef', 'query-secret-123456']) expect(exported).not.toContain(secret);
    } finally {
      await gateway.close();
      await upstream.close();
    }
  });
});

describe('tracing off, or its collector gone', () => {
  let demo: DemoUpstreams;
  let proxies: CountingProxies;
  let graph: Graph;

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    proxies = await startCountingProxies(demo.urls);
    graph = await buildGraph(loadSchemaFolder('schema'), { urls: proxies.urls, onSourceError: 'fail' });
  });
  afterAll(async () => {
    await proxies?.close();
    await demo?.close();
  });

  it('off: the client\'s traceparent is not passed on and upstreams get no trace headers', async () => {
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    try {
      const before = proxies.calls.length;
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: clientTraceparent().header },
        body: JSON.stringify({ query: HOTEL_ORDER, variables: { orderId: '1' } }),
      });
      expect((await response.json()).data.hotelOrder.order.id).toBe('1');
      const sent = proxies.calls.slice(before);
      expect(sent).toHaveLength(4);
      for (const call of sent) expect(call.headers.traceparent).toBeUndefined();
    } finally {
      await gateway.close();
    }
  });

  it('a collector that refuses connections or never answers: requests are answered, and shutdown ends', async () => {
    // One that accepts the connection and never answers, one where nothing listens.
    const silent = http.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    try {
      const endpoints = [`http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`, `http://127.0.0.1:${closedPort}/v1/traces`];
      // Each protocol has its own batch processor (protobuf's encodes spans as they end).
      for (const [endpoint, protocol] of endpoints.flatMap((endpoint) => (['http/json', 'http/protobuf'] as const).map((protocol) => [endpoint, protocol] as const))) {
        // A tiny queue, exports at once and a short export timeout: spans pile up and are dropped, never waited for.
        const settings = { tracing: tracingTo(endpoint, { protocol, maxQueueSize: 8, scheduledDelayMs: 1, exportTimeoutMs: 200 }) };
        // Straight to the demo upstreams: the counting proxies are not made for 20 requests at once.
        const direct = await buildGraph(loadSchemaFolder('schema'), { urls: demo.urls, onSourceError: 'fail' });
        const log = captureLog();
        const gateway = await startGateway({ graph: direct, port: 0, host: '127.0.0.1', settings, logger: log.logger });
        const answers = await Promise.all(
          Array.from({ length: 20 }, () =>
            fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: HOTEL_ORDER, variables: { orderId: '1' } }) }).then((r) => r.json()),
          ),
        );
        for (const answer of answers) expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
        expect((await gateway.shutdown()).cutOff).toBe(0);
        // The operator hears of it once, not once per failed export.
        const warnings = log.entries().filter((entry) => entry.msg.startsWith('the trace collector at'));
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatchObject({ level: 'warn' });
        expect(warnings[0].msg).toContain(`${new URL(endpoint).host}/v1/traces did not take`);
      }
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('exports OTLP protobuf (the specification\'s default) flushed at shutdown', async () => {
    const receiver = await startOtlpReceiver();
    // A long delay: only the shutdown's flush can have sent the span.
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { tracing: tracingTo(receiver.url, { protocol: 'http/protobuf', scheduledDelayMs: 600_000 }) } });
    try {
      const client = clientTraceparent();
      await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', traceparent: client.header }, body: JSON.stringify({ query: '{ order(id: "1") { id } }' }) });
      expect(receiver.protobuf).toHaveLength(0);
      await gateway.close();
      expect(receiver.protobuf.length).toBeGreaterThan(0);
      const spans = receiver.spans.filter((s) => s.traceId === client.traceId).sort((a, b) => a.kind - b.kind);
      expect(spans.map((s) => [s.name, s.kind])).toEqual([['query', SERVER], ['GET Query.order', CLIENT]]);
      expect(spans.map((s) => s.parentSpanId)).toEqual([client.spanId, spans[0].spanId]);
    } finally {
      await receiver.close();
    }
  });
});

describe('sampling and failures on spans', () => {
  let receiver: OtlpReceiver;
  let demo: DemoUpstreams;
  let proxies: CountingProxies;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    demo = await startDemoUpstreams({ delayMs: 0 });
    proxies = await startCountingProxies(demo.urls);
  });
  afterAll(async () => {
    await proxies?.close();
    await demo?.close();
    await receiver?.close();
  });

  it('a trace the sampler leaves out is still passed on (unsampled), and nothing of it is exported', async () => {
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: proxies.urls, onSourceError: 'fail' });
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { tracing: tracingTo(receiver.url, { sampler: { name: 'always_off', ratio: 1 } }) } });
    const client = clientTraceparent();
    try {
      const before = proxies.calls.length;
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: client.header },
        body: JSON.stringify({ query: '{ order(id: "1") { id } }' }),
      });
      expect((await response.json()).data.order.id).toBe('1');
      const [sent] = proxies.calls.slice(before);
      expect(String(sent.headers.traceparent)).toMatch(new RegExp(`^00-${client.traceId}-[0-9a-f]{16}-00$`));
      // The gateway's own (unrecorded) span is the parent upstreams see, not the client's.
      expect(String(sent.headers.traceparent)).not.toContain(client.spanId);

      // A composite too: every step's call, REST and SOAP, passes the trace on, unsampled.
      const composite = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: client.header },
        body: JSON.stringify({ query: HOTEL_ORDER, variables: { orderId: '1' } }),
      });
      expect((await composite.json()).data.hotelOrder.room.type).toBeTruthy();
      const calls = proxies.calls.slice(before + 1);
      expect(calls.map((call) => call.upstream).sort()).toEqual(['hotels', 'orders', 'rooms', 'users']);
      for (const call of calls) expect(String(call.headers.traceparent)).toMatch(new RegExp(`^00-${client.traceId}-[0-9a-f]{16}-00$`));
    } finally {
      await gateway.close();
    }
    // The shutdown flushed whatever was queued: nothing of this trace was.
    expect(receiver.spans.filter((s) => s.traceId === client.traceId)).toEqual([]);
  });

  it('a composite whose first step fails: the step span is an error, the steps that needed it are marked skipped, the call names the code', async () => {
    // orders unreachable: the first step fails, the three that need its exports are skipped.
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((resolve) => dead.close(resolve));
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: { ...demo.urls, orders: deadUrl }, onSourceError: 'fail' });
    const gateway = await startGateway({ graph, port: 0, host: '127.0.0.1', settings: { tracing: tracingTo(receiver.url) } });
    try {
      const client = clientTraceparent();
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: client.header },
        body: JSON.stringify({ query: HOTEL_ORDER, variables: { orderId: '1' } }),
      });
      const answer = await response.json();
      expect(answer.errors.map((e: any) => e.extensions.code)).toEqual(['UPSTREAM_UNREACHABLE', 'COMPOSITE_STEP_SKIPPED', 'COMPOSITE_STEP_SKIPPED', 'COMPOSITE_STEP_SKIPPED']);
      const spans = await receiver
        .waitFor((all) => all.some((s) => s.traceId === client.traceId && s.kind === SERVER))
        .then((all) => all.filter((s) => s.traceId === client.traceId));
      const composite = spans.find((s) => s.name === 'composite hotelOrder')!;
      expect(composite.status.code).toBe(2);
      const steps = childrenOf(spans, composite);
      // Skipped steps report a skip on their own span: only the failed order step is an error.
      const order = steps.find((s) => s.attributes['skein.composite.step'] === 'order')!;
      expect(order.attributes['skein.composite.step.status']).toBe('failed');
      expect(order.status.code).toBe(2);
      for (const step of steps.filter((s) => s !== order)) expect(step.attributes['skein.composite.step.status']).toBe('skipped');
      const [call] = childrenOf(spans, order);
      expect(call.kind).toBe(CLIENT);
      expect(call.attributes).toMatchObject({ 'error.type': 'UPSTREAM_UNREACHABLE', 'skein.source': 'orders' });
      expect(call.attributes['http.response.status_code']).toBeUndefined();
      expect(call.attributes['skein.upstream.attempts']).toBeGreaterThanOrEqual(1);
      const operation = spans.find((s) => s.name === 'query hotelOrder')!;
      expect(operation.status.message).toBe(
        'UPSTREAM_UNREACHABLE at hotelOrder.order; COMPOSITE_STEP_SKIPPED at hotelOrder.user; COMPOSITE_STEP_SKIPPED at hotelOrder.hotel; COMPOSITE_STEP_SKIPPED at hotelOrder.room',
      );
    } finally {
      await gateway.close();
    }
  });
});
