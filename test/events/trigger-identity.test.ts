import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { parseRateLimit } from '../../src/composite/index.js';
import type { GatewaySettings } from '../../src/server/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { loggerTo } from '../helpers/log-capture.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';
import { deleteStreams, SHARED_NATS_URL, uniqueSuffix, until } from '../helpers/brokers.js';
import { NatsBroker, type EventMessage } from '../../src/sources/events/index.js';

// A trigger may carry request headers, as a client's request does: a service token from the
// environment. Its upstream calls carry what the sources forward, its bearer token is
// verified and fills {jwt.*}, and the rate limits count it as that token's subject.

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
process.env.SKEIN_SOURCE_SHIPPING_KEY = 'shipping-service-key-1';

const open: { close(): Promise<void> }[] = [];
const streams: string[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  if (streams.length > 0) await deleteStreams(SHARED_NATS_URL, ...streams.splice(0));
  delete process.env.SKEIN_SOURCE_SHIPPING_TOKEN;
});

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (message: EventMessage) => JSON.parse(new TextDecoder().decode(message.data));
const tokenFor = (subject: string) =>
  new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(subject).setExpirationTime('10m').sign(new TextEncoder().encode(SECRET));

function files(id: string, upstreamUrl: string, triggerExtra: string) {
  streams.push(`IDN_${id}`);
  return {
    sources: {
      'shop.graphql': /* GraphQL */ `
        extend schema @source(name: "shop", kind: REST, url: "${upstreamUrl}", forwardHeaders: ["x-service-key"],
          headers: [{ name: "X-Caller", value: "{jwt.sub}" }])
        type Order { id: ID! total: Float }
        type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }
      `,
      'bus.graphql': /* GraphQL */ `
        extend schema @source(name: "bus", kind: NATS, url: "${SHARED_NATS_URL}", stream: "IDN_${id}", streamSubjects: ["i${id}.>"])
      `,
    },
    composites: {
      'shipOrder.graphql': /* GraphQL */ `
        # @rateLimit 1/min
        # @trigger(source: "bus", subject: "i${id}.orders.placed"${triggerExtra})
        # @publishTo(source: "bus", subject: "i${id}.orders.shipped")
        query shipOrder($orderId: ID!) { order(id: $orderId) { id total } }
      `,
    },
  };
}

async function observer(id: string): Promise<NatsBroker & { seen: (subject: string) => EventMessage[] }> {
  const broker = new NatsBroker({ source: 'observer', url: SHARED_NATS_URL, stream: `IDN_${id}`, timeoutMs: 5_000, retryMs: 50 });
  open.push(broker);
  await until(() => broker.status() === 'up');
  const messages: EventMessage[] = [];
  await broker.subscribe(`i${id}.>`, async (m) => void messages.push(m));
  return Object.assign(broker, { seen: (subject: string) => messages.filter((m) => m.subject === subject) });
}

async function serve(input: ReturnType<typeof files>, settings: Partial<GatewaySettings> = {}): Promise<TestGateway & { logs: string[] }> {
  const logs: string[] = [];
  const gateway = await startTestGateway(input, { warn: (m) => logs.push(m) }, { logger: loggerTo((line) => logs.push(line)), settings: { jwt: { secret: SECRET }, ...settings } });
  open.push(gateway);
  return Object.assign(gateway, { logs });
}

describe('a trigger with headers', () => {
  it('runs as the client its headers say: upstreams receive them, {jwt.sub} is filled, the rate limit counts that subject', async () => {
    const id = uniqueSuffix();
    process.env.SKEIN_SOURCE_SHIPPING_TOKEN = await tokenFor('svc-shipping');
    const shop: RecordingUpstream = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2], total: 12 } }) });
    open.push(shop);
    const gateway = await serve(
      files(id, shop.url, `, headers: [{ name: "Authorization", value: "Bearer {env.SKEIN_SOURCE_SHIPPING_TOKEN}" }, { name: "X-Service-Key", value: "{env.SKEIN_SOURCE_SHIPPING_KEY}" }]`),
    );
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite shipOrder runs on messages')));

    await bus.publish(`i${id}.orders.placed`, encode({ orderId: '7' }));
    await until(() => bus.seen(`i${id}.orders.shipped`).length === 1);
    expect(decode(bus.seen(`i${id}.orders.shipped`)[0])).toEqual({ data: { order: { id: '7', total: 12 } } });
    const call = shop.received.find((r) => r.path === '/orders/7')!;
    expect(call.headers['x-service-key']).toBe('shipping-service-key-1');
    expect(call.headers['x-caller']).toBe('svc-shipping');
    // The headers a source does not forward stay in the gateway.
    expect(call.headers.authorization).toBeUndefined();

    // The run counted against svc-shipping's one call a minute: that subject is now refused, another is not.
    const asService = await gateway.query('{ shipOrder(orderId: "8") { order { id } } }', {}, { authorization: `Bearer ${process.env.SKEIN_SOURCE_SHIPPING_TOKEN}` });
    expect(asService.errors?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    const asSomeoneElse = await gateway.query('{ shipOrder(orderId: "9") { order { id } } }', {}, { authorization: `Bearer ${await tokenFor('ada')}` });
    expect(asSomeoneElse.errors).toBeUndefined();
    expect(asSomeoneElse.data).toEqual({ shipOrder: { order: { id: '9' } } });
    // The token never reaches a log line.
    expect(gateway.logs.join('\n')).not.toContain(process.env.SKEIN_SOURCE_SHIPPING_TOKEN);
  });

  it('without headers, each trigger is a client of its own for the rate limits, not every run without a connection', async () => {
    const id = uniqueSuffix();
    const shop = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2], total: 1 } }) });
    open.push(shop);
    const input = files(id, shop.url, '');
    input.composites['shipOrder.graphql'] = input.composites['shipOrder.graphql'].replace('# @rateLimit 1/min', '# Ships an order.');
    const gateway = await serve(input, { rateLimit: parseRateLimit('1/min', 'test') });
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite shipOrder runs on messages')));
    // A run of the gateway's own that names no client (no connection, no token) uses the gateway's one call a minute...
    expect((await gateway.gateway.execute(parse('{ order(id: "1") { id } }'), {})).data).toEqual({ order: { id: '1' } });
    expect((await gateway.gateway.execute(parse('{ order(id: "1") { id } }'), {})).errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    // ...and the trigger still runs: it is "trigger:shipOrder", not that anonymous client.
    await bus.publish(`i${id}.orders.placed`, encode({ orderId: '2' }));
    await until(() => bus.seen(`i${id}.orders.shipped`).length === 1);
    expect(decode(bus.seen(`i${id}.orders.shipped`)[0]).data.order.id).toBe('2');
    expect(shop.received.find((r) => r.path === '/orders/2')!.headers).not.toHaveProperty('x-caller');
  });

  it('dead-letters a message whose trigger carries a token that fails its check, with UNAUTHENTICATED as the reason', async () => {
    const id = uniqueSuffix();
    process.env.SKEIN_SOURCE_SHIPPING_TOKEN = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('svc-shipping').setExpirationTime('10m')
      .sign(new TextEncoder().encode('not-the-gateway-secret-but-32-bytes!!'));
    const shop = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2], total: 1 } }) });
    open.push(shop);
    const gateway = await serve(files(id, shop.url, `, headers: [{ name: "Authorization", value: "Bearer {env.SKEIN_SOURCE_SHIPPING_TOKEN}" }]`));
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite shipOrder runs on messages')));

    await bus.publish(`i${id}.orders.placed`, encode({ orderId: '3' }));
    await until(() => bus.seen(`i${id}.orders.placed.dlq`).length === 1);
    const [dead] = bus.seen(`i${id}.orders.placed.dlq`);
    expect(dead.headers['Skein-Dead-Letter-Reason']).toMatch(/^shipOrder answered no data: UNAUTHENTICATED: /);
    expect(dead.headers['Skein-Dead-Letter-Reason']).not.toContain(process.env.SKEIN_SOURCE_SHIPPING_TOKEN);
    expect(shop.received).toHaveLength(0);
  });

  it('refuses headers naming a variable sources may not read, or one that is not set, saying where', async () => {
    const id = uniqueSuffix();
    const located = (error: unknown) => schemaErrorsOf(error).map((e) => e.format()).join('\n');
    const secret = await startTestGateway(files(id, 'http://127.0.0.1:9', `, headers: [{ name: "Authorization", value: "Bearer {env.DATABASE_URL}" }]`)).catch(located);
    expect(String(secret)).toMatch(/shipOrder\.graphql:5:9: composite shipOrder: "# @trigger" header Authorization: \{env\.DATABASE_URL\} names one of the gateway's own secrets/);
    const unset = await startTestGateway(files(id, 'http://127.0.0.1:9', `, headers: [{ name: "Authorization", value: "Bearer {env.SKEIN_SOURCE_NOT_SET_HERE}" }]`)).catch(located);
    expect(String(unset)).toContain('"# @trigger" header Authorization: environment variable SKEIN_SOURCE_NOT_SET_HERE is not set');
    const shape = await startTestGateway(files(id, 'http://127.0.0.1:9', `, headers: ["Authorization: x"]`)).catch(located);
    expect(String(shape)).toContain('"# @trigger" headers must be a list of { name: "…", value: "…" }, found "Authorization: x"');
  });
});
