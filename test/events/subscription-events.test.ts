import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loggerTo } from '../helpers/log-capture.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { deleteStreams, SHARED_NATS_URL, uniqueSuffix, until } from '../helpers/brokers.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startOtlpReceiver, tracingTo, type ReceivedSpan } from '../helpers/otlp-receiver.js';
import { subscribeOverSse, subscribeOverWebSocket } from '../helpers/subscription-clients.js';

// A subscription lives for as long as its client listens; each of its events is resolved as
// a query is, upstream calls included. What one request may spend (calls, time) is spent
// by each event afresh: a subscription is not cut off after its first events or seconds.
// Traced, a subscription has a span for as long as it lasts, and each event a span under
// it, with that event's upstream calls under the event.

const open: { close(): Promise<void> }[] = [];
const streams: string[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  if (streams.length > 0) await deleteStreams(SHARED_NATS_URL, ...streams.splice(0));
});

function files(id: string, shopUrl: string): Record<string, string> {
  streams.push(`EVENTS_${id}`);
  return {
    'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${shopUrl}", retry: { attempts: 0 })
      type User { id: ID! name: String }
      type Query { user(id: ID!): User @rest(source: "shop", path: "/users/{id}") }`,
    'orders.graphql': `extend schema @source(name: "orders", kind: NATS, url: "${SHARED_NATS_URL}", stream: "EVENTS_${id}", streamSubjects: ["e${id}.>"])
      type Order { id: ID! userId: ID buyer: User @join(query: "user(id: $userId)") }
      type Subscription { orderPlaced: Order @subscribe(source: "orders", subject: "e${id}.orders") }`,
  };
}

const SERVER = 2;
const CLIENT = 3;
const userOf = (request: { path: string }) => {
  const id = request.path.split('/').pop();
  return { json: { id, name: `user ${id}` } };
};

async function serve(id: string, shop: RecordingUpstream, via: 'lane' | 'yoga', settings: Record<string, unknown>): Promise<TestGateway> {
  const gateway = await startTestGateway({ sources: files(id, shop.url) }, { onSourceError: 'degrade' }, { via, logger: loggerTo(), settings });
  open.push(gateway);
  await until(() => [...gateway.graph.brokers].every(([, broker]) => broker.status() === 'up'));
  return gateway;
}

describe.each(DOORS)('the events of a subscription (%s door)', (via) => {
  it("each event spends its own budget: more events than a request's upstream calls, and after a request's time, are all resolved", async () => {
    const shop = await startRecordingUpstream({ 'GET /users/*': userOf });
    open.push(shop);
    const id = uniqueSuffix();
    // One upstream call an event; a request may make two, and has 300 ms.
    const gateway = await serve(id, shop, via, { maxUpstreamCalls: 2, requestTimeoutMs: 300 });
    const broker = gateway.graph.brokers.require('orders');
    const publish = (n: number) => broker.publish(`e${id}.orders`, new TextEncoder().encode(JSON.stringify({ id: String(n), userId: `u${n}` })));
    const query = 'subscription { orderPlaced { id buyer { name } } }';
    const overSse = await subscribeOverSse(gateway.url, query);
    const overSocket = await subscribeOverWebSocket(gateway.url, query);
    open.push(overSse, overSocket);
    // The socket subscribes asynchronously: publish until its first event arrives.
    let n = 0;
    await until(async () => {
      await publish(++n);
      return overSocket.buffered > 0;
    }, 100);
    const first = n;
    for (let i = 1; i <= 3; i++) await publish(first + i);
    // Past the request's time (a lower bound: a slow machine only waits longer).
    await new Promise((resolve) => setTimeout(resolve, 400));
    await publish(first + 4);

    for (const reader of [overSse, overSocket]) {
      let event = await reader.next();
      while (Number(event.data?.orderPlaced?.id) < first) event = await reader.next();
      const seen = [event];
      for (let i = 1; i <= 4; i++) seen.push(await reader.next());
      expect(seen.map((e) => e.errors)).toEqual([undefined, undefined, undefined, undefined, undefined]);
      expect(seen.map((e) => e.data.orderPlaced)).toEqual(
        [0, 1, 2, 3, 4].map((i) => ({ id: String(first + i), buyer: { name: `user u${first + i}` } })),
      );
    }
  });
});

describe('a traced subscription', () => {
  it('has a span for as long as it lasts (its request\'s over SSE, continuing the client\'s trace), a numbered span per event under it, and each event\'s upstream call under its event', async () => {
    const receiver = await startOtlpReceiver();
    const shop = await startRecordingUpstream({ 'GET /users/*': userOf });
    open.push(receiver, shop);
    const id = uniqueSuffix();
    const gateway = await serve(id, shop, 'yoga', { tracing: tracingTo(receiver.url) });
    const broker = gateway.graph.brokers.require('orders');
    const publish = (n: number) => broker.publish(`e${id}.orders`, new TextEncoder().encode(JSON.stringify({ id: String(n), userId: `u${n}` })));
    const query = 'subscription orderFeed { orderPlaced { id buyer { name } } }';
    const traceId = 'a'.repeat(32);
    const clientSpanId = 'b'.repeat(16);

    const overSse = await subscribeOverSse(gateway.url, query, {}, { traceparent: `00-${traceId}-${clientSpanId}-01` });
    await publish(1);
    await publish(2);
    expect((await overSse.next()).data.orderPlaced.buyer).toEqual({ name: 'user u1' });
    expect((await overSse.next()).data.orderPlaced.buyer).toEqual({ name: 'user u2' });
    await overSse.close();

    // The request's span ends as its stream closes: 1 + 2 events + 2 calls.
    const spans = await receiver.waitFor((all) => all.filter((s) => s.traceId === traceId).length >= 5).then((all) => all.filter((s) => s.traceId === traceId));
    const subscription = spans.find((s) => s.kind === SERVER)!;
    expect(subscription).toMatchObject({ name: 'subscription orderFeed', parentSpanId: clientSpanId });
    expect(subscription.attributes).toMatchObject({ 'graphql.operation.type': 'subscription', 'graphql.operation.name': 'orderFeed', 'http.route': '/graphql' });
    const events = spans.filter((s) => s.parentSpanId === subscription.spanId).sort((a, b) => Number(a.attributes['skein.subscription.event']) - Number(b.attributes['skein.subscription.event']));
    expect(events.map((s) => [s.name, s.attributes['skein.subscription.event'], s.attributes['graphql.operation.name']])).toEqual([
      ['subscription orderFeed event', 1, 'orderFeed'],
      ['subscription orderFeed event', 2, 'orderFeed'],
    ]);
    const calls = events.map((event) => spans.filter((s) => s.parentSpanId === event.spanId));
    for (const [i, [call]] of calls.entries()) {
      expect(call).toMatchObject({ kind: CLIENT, name: 'GET Query.user' });
      expect(call.attributes).toMatchObject({ 'url.full': `${shop.url}/users/u${i + 1}`, 'http.response.status_code': 200 });
      // The upstream was sent the trace, naming the call's own span.
      const sent = shop.received.find((r) => r.path === `/users/u${i + 1}`)!;
      expect(sent.headers.traceparent).toBe(`00-${traceId}-${call.spanId}-01`);
    }

    // Over a socket: the subscription's own span, ended as the client leaves, its events under it.
    const overSocket = await subscribeOverWebSocket(gateway.url, query);
    let n = 10;
    await until(async () => {
      await publish(++n);
      return overSocket.buffered > 0;
    }, 100);
    expect((await overSocket.next()).data.orderPlaced.buyer.name).toMatch(/^user u1\d$/);
    await overSocket.close();
    const [socketSpan] = await receiver.waitFor((all) => all.some((s) => s.traceId !== traceId && s.name === 'subscription orderFeed')).then((all) => all.filter((s) => s.traceId !== traceId && s.name === 'subscription orderFeed'));
    expect(socketSpan).toMatchObject({ kind: SERVER, parentSpanId: undefined });
    const socketEvents = await receiver.waitFor((all) => all.some((s) => s.parentSpanId === socketSpan.spanId)).then((all) => all.filter((s) => s.parentSpanId === socketSpan.spanId));
    expect(socketEvents.map((s: ReceivedSpan) => s.attributes['skein.subscription.event'])).toContain(1);
  });
});

describe('a guarded subscription field', () => {
  it('is refused as it subscribes, before anything is subscribed: no token UNAUTHENTICATED, a token without the scope FORBIDDEN; with it, events flow', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const id = uniqueSuffix();
    streams.push(`GUARDED_${id}`);
    const gateway = await startTestGateway(
      {
        sources: {
          'orders.graphql': `extend schema @source(name: "orders", kind: NATS, url: "${SHARED_NATS_URL}", stream: "GUARDED_${id}", streamSubjects: ["g${id}.>"])
            type Order { id: ID! }
            type Subscription { orderPlaced: Order @subscribe(source: "orders", subject: "g${id}.orders") @requiresScopes(scopes: [["orders:read"]]) }`,
        },
      },
      { onSourceError: 'degrade' },
      { logger: loggerTo(), settings: { jwt: { secret } } },
    );
    open.push(gateway);
    await until(() => [...gateway.graph.brokers].every(([, broker]) => broker.status() === 'up'));
    const tokenWith = (scope: string) => new SignJWT({ scope }).setProtectedHeader({ alg: 'HS256' }).setSubject('ada').setExpirationTime('5m').sign(new TextEncoder().encode(secret));
    const query = 'subscription { orderPlaced { id } }';

    const anonymous = await subscribeOverSse(gateway.url, query);
    const unscoped = await subscribeOverSse(gateway.url, query, {}, { authorization: `Bearer ${await tokenWith('profile')}` });
    const overSocket = await subscribeOverWebSocket(gateway.url, query, {}, { authorization: `Bearer ${await tokenWith('profile')}` });
    open.push(anonymous, unscoped, overSocket);
    // Refused as they subscribe: an answer of errors only, at the field, and the end of the stream.
    for (const [reader, code] of [[anonymous, 'UNAUTHENTICATED'], [unscoped, 'FORBIDDEN'], [overSocket, 'FORBIDDEN']] as const) {
      const refusal = await reader.next();
      expect(refusal.data ?? null).toBeNull();
      expect(refusal.errors).toEqual([expect.objectContaining({ path: ['orderPlaced'], extensions: expect.objectContaining({ code }) })]);
    }
    expect(await anonymous.next()).toEqual({ complete: true });

    const allowed = await subscribeOverSse(gateway.url, query, {}, { authorization: `Bearer ${await tokenWith('orders:read')}` });
    open.push(allowed);
    await gateway.graph.brokers.require('orders').publish(`g${id}.orders`, new TextEncoder().encode('{"id": "1"}'));
    expect(await allowed.next()).toEqual({ data: { orderPlaced: { id: '1' } } });
  });
});
