import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { loggerTo } from '../helpers/log-capture.js';
import { startOtlpReceiver, tracingTo } from '../helpers/otlp-receiver.js';
import { parseRateLimit } from '../../src/composite/index.js';

// RunningGateway.execute (a sync job's reads and writes) goes through the pipeline's one door
// for runs of the gateway's own: the headers it is given are read as a request's.

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

describe('RunningGateway.execute', () => {
  let shop: RecordingUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    shop = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2] } }) });
    gateway = await startTestGateway(
      {
        sources: {
          'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${shop.url}", forwardHeaders: ["x-tenant"], headers: [{ name: "X-Caller", value: "{jwt.sub}" }])
            type Order { id: ID! }
            type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`,
        },
      },
      {},
      { settings: { jwt: { secret: SECRET }, rateLimit: parseRateLimit('1/min', 'test') }, logger: loggerTo() },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await shop?.close();
  });

  it('passes its headers as a request’s: forwarded headers, the bearer token for {jwt.sub}, the rate-limit client', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('sync-bot').setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
    const document = parse('query ($id: ID!) { order(id: $id) { id } }');
    const result = await gateway.gateway.execute(document, { id: '1' }, { headers: { 'X-Tenant': 'acme', Authorization: `Bearer ${token}` } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ order: { id: '1' } });
    const call = shop.received.at(-1)!;
    expect(call.headers['x-tenant']).toBe('acme');
    expect(call.headers['x-caller']).toBe('sync-bot');

    // One call a minute per client: sync-bot has had its call; a run as another client has not.
    const again = await gateway.gateway.execute(document, { id: '2' }, { headers: { Authorization: `Bearer ${token}` } });
    expect(again.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const asJob = await gateway.gateway.execute(document, { id: '3' }, { client: 'sync:orders' });
    expect(asJob.data).toEqual({ order: { id: '3' } });
    expect(shop.received.at(-1)!.headers).not.toHaveProperty('x-caller');
    const asJobAgain = await gateway.gateway.execute(document, { id: '4' }, { client: 'sync:orders' });
    expect(asJobAgain.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  });

  it('refuses a run whose bearer token fails its check, as a request would be', async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('eve').setExpirationTime('5m').sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'));
    const result = await gateway.gateway.execute(parse('{ order(id: "5") { id } }'), {}, { headers: { authorization: `Bearer ${forged}` } });
    expect(result.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(shop.received.some((r) => r.path === '/orders/5')).toBe(false);
  });
});

describe('RunningGateway.execute and the response cache', () => {
  it('keeps a PRIVATE answer under the subject of the run’s token: the same client over HTTP is served it, another is not', async () => {
    const cart = await startRecordingUpstream({ 'GET /cart': (r) => ({ json: { owner: r.headers['x-user'] } }) });
    const gateway = await startTestGateway(
      {
        sources: {
          'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${cart.url}")
            type Cart { owner: String }
            type Query { myCart: Cart @rest(source: "shop", path: "/cart", headers: [{ name: "x-user", value: "{jwt.sub}" }]) @cacheControl(maxAge: 60, scope: PRIVATE) }`,
        },
      },
      {},
      { settings: { jwt: { secret: SECRET }, cache: true }, logger: loggerTo() },
    );
    try {
      const sign = (sub: string) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(SECRET));
      const ada = { authorization: `Bearer ${await sign('ada')}` };
      const run = await gateway.gateway.execute(parse('{ myCart { owner } }'), {}, { headers: ada });
      expect(run.data).toEqual({ myCart: { owner: 'ada' } });
      expect(cart.received).toHaveLength(1);
      const overHttp = await gateway.query('{ myCart { owner } }', {}, ada);
      expect(overHttp.data).toEqual({ myCart: { owner: 'ada' } });
      expect(overHttp.headers.get('age')).not.toBeNull();
      expect(cart.received).toHaveLength(1);
      const bob = await gateway.gateway.execute(parse('{ myCart { owner } }'), {}, { headers: { authorization: `Bearer ${await sign('bob')}` } });
      expect(bob.data).toEqual({ myCart: { owner: 'bob' } });
      expect(cart.received).toHaveLength(2);
    } finally {
      await gateway.close();
      await cart.close();
    }
  });
});

describe('RunningGateway.execute and tracing', () => {
  it('continues the trace a traceparent among its headers names: the operation span is that span’s child', async () => {
    const receiver = await startOtlpReceiver();
    const shop = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2] } }) });
    const gateway = await startTestGateway(
      { sources: { 'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${shop.url}")\ntype Order { id: ID! }\ntype Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }` } },
      {},
      { settings: { tracing: tracingTo(receiver.url) }, logger: loggerTo() },
    );
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const spanId = '00f067aa0ba902b7';
      const result = await gateway.gateway.execute(parse('query syncRead { order(id: "1") { id } }'), {}, { headers: { traceparent: `00-${traceId}-${spanId}-01` }, client: 'sync:orders' });
      expect(result.data).toEqual({ order: { id: '1' } });
      const spans = await receiver.waitFor((all) => all.some((s) => s.traceId === traceId && s.name === 'query syncRead'));
      const operation = spans.find((s) => s.traceId === traceId && s.name === 'query syncRead')!;
      expect(operation.parentSpanId).toBe(spanId);
      // The upstream call carries the same trace on.
      expect(String(shop.received.at(-1)!.headers.traceparent)).toContain(traceId);
    } finally {
      await gateway.close();
      await shop.close();
      await receiver.close();
    }
  });
});
