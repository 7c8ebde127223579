import { loggerTo } from '../helpers/log-capture.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';
import { deleteStreams, OwnBroker, SHARED_MQTT_URL, SHARED_NATS_URL, uniqueSuffix, until } from '../helpers/brokers.js';
import { MqttBroker, NatsBroker, type EventBroker, type EventMessage } from '../../src/sources/events/index.js';

const open: { close(): Promise<void> }[] = [];
const streams: string[] = [];
const own: OwnBroker[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  if (streams.length > 0) await deleteStreams(SHARED_NATS_URL, ...streams.splice(0));
  await Promise.all(own.splice(0).map((b) => b.dispose()));
});

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const decode = (message: EventMessage) => JSON.parse(new TextDecoder().decode(message.data));

/** Orders and users over REST on loopback, the order's user fetched once the order gives its id. */
async function upstreams(): Promise<RecordingUpstream> {
  const upstream = await startRecordingUpstream({
    'GET /orders/*': (request) => ({ json: { id: request.path.split('/')[2], userId: 'u1', total: 99.5 } }),
    'GET /users/*': { json: { id: 'u1', name: 'Ada' } },
  });
  open.push(upstream);
  return upstream;
}

function files(id: string, upstreamUrl: string, natsUrl = SHARED_NATS_URL, extra = '') {
  streams.push(`ORD_${id}`);
  return {
    sources: {
      'shop.graphql': /* GraphQL */ `
        extend schema @source(name: "shop", kind: REST, url: "${upstreamUrl}")
        type Order { id: ID! userId: ID! total: Float }
        type User { id: ID! name: String }
        type Query {
          order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}")
          user(id: ID!): User @rest(source: "shop", path: "/users/{id}")
        }
      `,
      'bus.graphql': /* GraphQL */ `
        extend schema @source(name: "bus", kind: NATS, url: "${natsUrl}", stream: "ORD_${id}", streamSubjects: ["e${id}.>"])
      `,
    },
    composites: {
      'orderView.graphql': /* GraphQL */ `
        # An order with its buyer, for the shipping system.
        # @trigger(source: "bus", subject: "e${id}.orders.placed"${extra})
        # @publishTo(source: "bus", subject: "e${id}.orders.viewed")
        query orderView($orderId: ID!, $userId: ID! @internal) {
          order(id: $orderId) { id total userId @export(as: "userId") }
          user(id: $userId) { name }
        }
      `,
    },
  };
}

async function serve(input: ReturnType<typeof files>): Promise<TestGateway & { logs: string[] }> {
  const logs: string[] = [];
  const gateway = await startTestGateway(input, { onSourceError: 'degrade', warn: (m) => logs.push(m) }, { logger: loggerTo((line) => logs.push(line)) });
  open.push(gateway);
  return Object.assign(gateway, { logs });
}

/** A client of the test's own on the same broker, to publish orders and read what the gateway publishes. */
async function observer(id: string, url = SHARED_NATS_URL): Promise<NatsBroker & { seen: (subject: string) => EventMessage[] }> {
  const broker = new NatsBroker({ source: 'observer', url, stream: `ORD_${id}`, timeoutMs: 5_000, retryMs: 50 });
  open.push(broker);
  await until(() => broker.status() === 'up');
  const messages: EventMessage[] = [];
  await broker.subscribe(`e${id}.>`, async (m) => void messages.push(m));
  return Object.assign(broker, { seen: (subject: string) => messages.filter((m) => m.subject === subject) });
}

describe('composites triggered by NATS messages', () => {
  it('runs the composite for each message, with its fields as variables, and publishes the result', async () => {
    const id = uniqueSuffix();
    const shop = await upstreams();
    const gateway = await serve(files(id, shop.url));
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));

    await bus.publish(`e${id}.orders.placed`, encode({ orderId: '42', note: 'fields that are not variables are ignored' }));
    await until(() => bus.seen(`e${id}.orders.viewed`).length === 1);
    const [result] = bus.seen(`e${id}.orders.viewed`);
    expect(decode(result)).toEqual({ data: { order: { id: '42', total: 99.5, userId: 'u1' }, user: { name: 'Ada' } } });
    expect(result.headers).toMatchObject({ 'Skein-Result-Of': 'orderView', 'Skein-Trigger-Subject': `e${id}.orders.placed` });
    expect(shop.received.map((r) => r.path)).toEqual(['/orders/42', '/users/u1']);
  });

  it('dead-letters a malformed message with its reason and goes on with the next', async () => {
    const id = uniqueSuffix();
    const shop = await upstreams();
    const gateway = await serve(files(id, shop.url));
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));

    await bus.publish(`e${id}.orders.placed`, encode('{"orderId": '));
    await bus.publish(`e${id}.orders.placed`, encode({ order: '7' }));
    await bus.publish(`e${id}.orders.placed`, encode({ orderId: '8' }));
    await until(() => bus.seen(`e${id}.orders.viewed`).length === 1 && bus.seen(`e${id}.orders.placed.dlq`).length === 2);

    const [notJson, noVariable] = bus.seen(`e${id}.orders.placed.dlq`);
    expect(new TextDecoder().decode(notJson.data)).toBe('{"orderId": ');
    expect(notJson.headers['Skein-Dead-Letter-Reason']).toMatch(/^the payload is not JSON/);
    expect(notJson.headers['Skein-Dead-Letter-Composite']).toBe('orderView');
    expect(decode(noVariable)).toEqual({ order: '7' });
    expect(noVariable.headers['Skein-Dead-Letter-Reason']).toContain('orderId');
    expect(decode(bus.seen(`e${id}.orders.viewed`)[0]).data.order.id).toBe('8');
    // Only the good message reached the upstream.
    expect(shop.received.map((r) => r.path)).toEqual(['/orders/8', '/users/u1']);
  });

  it('leaves a message whose upstream failed for redelivery, and publishes its result once it succeeds', async () => {
    const id = uniqueSuffix();
    const shop = await upstreams();
    // More failures than the source's own retries absorb: the first delivery fails.
    let failuresLeft = 3;
    shop.on('GET /orders/*', (request) => (failuresLeft-- > 0 ? { status: 503, json: { error: 'busy' } } : { json: { id: request.path.split('/')[2], userId: 'u1', total: 1 } }));
    const gateway = await serve(files(id, shop.url));
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));

    await bus.publish(`e${id}.orders.placed`, encode({ orderId: '5' }));
    await until(() => bus.seen(`e${id}.orders.viewed`).length === 1);
    expect(shop.received.filter((r) => r.path === '/orders/5')).toHaveLength(4);
    expect(bus.seen(`e${id}.orders.placed.dlq`)).toHaveLength(0);
    expect(gateway.logs.some((l) => /failed \(delivery 1\); redelivered in 1000 ms: orderView could not run now: UPSTREAM_HTTP_ERROR/.test(l))).toBe(true);
  });

  it('with maxDeliveries, dead-letters a message whose run keeps failing once it was delivered that many times', async () => {
    const id = uniqueSuffix();
    const shop = await upstreams();
    shop.on('GET /orders/*', (request) => (request.path === '/orders/66' ? { status: 503, json: { error: 'busy' } } : { json: { id: request.path.split('/')[2], userId: 'u1', total: 1 } }));
    const gateway = await serve(files(id, shop.url, SHARED_NATS_URL, ', maxDeliveries: 2'));
    const bus = await observer(id);
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));

    await bus.publish(`e${id}.orders.placed`, encode({ orderId: '66' }));
    await until(() => bus.seen(`e${id}.orders.placed.dlq`).length === 1);
    const [dead] = bus.seen(`e${id}.orders.placed.dlq`);
    expect(decode(dead)).toEqual({ orderId: '66' });
    // Each delivery's calls count towards the source's breaker too: what the last delivery met is either.
    expect(dead.headers['Skein-Dead-Letter-Reason']).toMatch(/^gave up after 2 deliveries \(maxDeliveries 2\): orderView could not run now: UPSTREAM_(HTTP_ERROR|CIRCUIT_OPEN)/);
    expect(bus.seen(`e${id}.orders.viewed`)).toHaveLength(0);
  });

  it('refuses a trigger on a source that is not an event source, or whose result would trigger it again, saying where', async () => {
    const id = uniqueSuffix();
    const input = files(id, 'http://127.0.0.1:9');
    input.composites['orderView.graphql'] = input.composites['orderView.graphql']
      .replace('@trigger(source: "bus"', '@trigger(source: "shop"')
      .replace(`subject: "e${id}.orders.viewed"`, `subject: "e${id}.orders.placed"`);
    const located = (error: unknown) => schemaErrorsOf(error).map((e) => e.format()).join('\n');
    const failure = await startTestGateway(input).catch(located);
    expect(String(failure)).toContain('orderView.graphql:5:9: composite orderView: "# @trigger" names source "shop", which is REST, not an event source (NATS or MQTT)');

    const loop = files(id, 'http://127.0.0.1:9');
    loop.composites['orderView.graphql'] = loop.composites['orderView.graphql'].replace(`subject: "e${id}.orders.viewed"`, `subject: "e${id}.orders.placed"`);
    const looping = await startTestGateway(loop).catch(located);
    expect(String(looping)).toContain(`"# @publishTo" subject "e${id}.orders.placed" is among those "# @trigger" reads`);

    const malformed = files(id, 'http://127.0.0.1:9');
    malformed.composites['orderView.graphql'] = malformed.composites['orderView.graphql'].replace('# @trigger(source: "bus"', '# @trigger(source: bus');
    const unparsed = await startTestGateway(malformed).catch(located);
    expect(String(unparsed)).toContain('orderView.graphql:5:9: composite orderView: "# @trigger" argument source must be a string in double quotes');
  });
});

describe('an event source whose broker is down', () => {
  it('at start-up: the rest of the graph serves, /readyz says so, and triggers start once it is up', async () => {
    const server = await OwnBroker.create('NATS');
    own.push(server);
    const id = uniqueSuffix();
    const shop = await upstreams();
    const gateway = await serve(files(id, shop.url, server.url));

    const answer = await gateway.query('{ order(id: "1") { id total } }');
    expect(answer.data).toEqual({ order: { id: '1', total: 99.5 } });
    const ready = await fetch(gateway.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body.degraded['event sources']).toMatch(/^bus \(NATS\) connecting/);

    await server.start();
    await until(() => gateway.graph.brokers.require('bus').status() === 'up');
    expect((await (await fetch(gateway.url.replace('/graphql', '/readyz'))).json()).degraded).toBeUndefined();
    const bus = await observer(id, server.url);
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));
    await bus.publish(`e${id}.orders.placed`, encode({ orderId: '3' }));
    await until(() => bus.seen(`e${id}.orders.viewed`).length === 1);

    // Mid-run: the broker is killed and comes back; the durable consumer resumes.
    await server.stop();
    await until(() => gateway.graph.brokers.require('bus').status() === 'down');
    const refused = await gateway.query('{ order(id: "2") { id } }');
    expect(refused.data).toEqual({ order: { id: '2' } });
    await server.start();
    await until(() => gateway.graph.brokers.require('bus').status() === 'up' && bus.status() === 'up');
    await until(async () => {
      await bus.publish(`e${id}.orders.placed`, encode({ orderId: '4' })).catch(() => undefined);
      return bus.seen(`e${id}.orders.viewed`).some((m) => decode(m).data.order.id === '4');
    }, 500);
  });
});

describe('composites triggered by MQTT messages', () => {
  it('runs on a topic and publishes the result with QoS 1', async () => {
    const id = uniqueSuffix();
    const shop = await upstreams();
    const input = files(id, shop.url);
    input.sources['bus.graphql'] = `extend schema @source(name: "bus", kind: MQTT, url: "${SHARED_MQTT_URL}")`;
    input.composites['orderView.graphql'] = input.composites['orderView.graphql']
      .replace(`subject: "e${id}.orders.placed"`, `subject: "e${id}/orders/+/placed"`)
      .replace(`subject: "e${id}.orders.viewed"`, `subject: "e${id}/orders/viewed"`);
    const gateway = await serve(input);
    const client: EventBroker = new MqttBroker({ source: 'observer', url: SHARED_MQTT_URL, timeoutMs: 5_000 });
    open.push(client);
    await until(() => client.status() === 'up');
    const results: unknown[] = [];
    await client.subscribe(`e${id}/orders/viewed`, async (m) => void results.push(decode(m)));
    await until(() => gateway.logs.some((l) => l.includes('composite orderView runs on messages')));
    await until(() => gateway.graph.brokers.require('bus').status() === 'up');
    await client.publish(`e${id}/orders/berlin/placed`, encode({ orderId: '11' }));
    await until(() => results.length === 1);
    expect(results[0]).toEqual({ data: { order: { id: '11', total: 99.5, userId: 'u1' }, user: { name: 'Ada' } } });
  });
});
