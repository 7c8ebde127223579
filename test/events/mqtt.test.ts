import { afterEach, describe, expect, it } from 'vitest';
import { loggerTo } from '../helpers/log-capture.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { OwnBroker, SHARED_MQTT_URL, uniqueSuffix, until } from '../helpers/brokers.js';
import { subscribeOverSse, subscribeOverWebSocket, type SubscriptionReader } from '../helpers/subscription-clients.js';
import { MqttBroker, type EventMessage } from '../../src/sources/events/index.js';

// MQTT on its own, against the real Mosquitto on 127.0.0.1:1883, and brokers the tests start
// where one must be down or refuse: subscriptions over SSE and graphql-ws, publishing that
// answers on the PUBACK, composites run by messages with dead letters, and the bound on a
// message whose run keeps failing (MQTT has no negative acknowledgement).

const open: { close(): Promise<void> }[] = [];
const own: OwnBroker[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  await Promise.all(own.splice(0).map((b) => b.dispose()));
});

const encode = (value: unknown) => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));
const decode = (message: EventMessage) => JSON.parse(new TextDecoder().decode(message.data));

function devices(id: string, url = SHARED_MQTT_URL): Record<string, string> {
  return {
    'devices.graphql': /* GraphQL */ `
      extend schema @source(name: "devices", kind: MQTT, url: "${url}")
      type Reading { device: String! celsius: Float! room: String }
      input ReadingInput { device: String! celsius: Float! room: String }
      type Mutation {
        report(input: ReadingInput!): Boolean! @publish(source: "devices", subject: "m/${id}/{input.device}/temp")
        reportElsewhere(input: ReadingInput!): Boolean! @publish(source: "devices", subject: "closed/${id}/{input.device}")
      }
      type Subscription {
        kitchenReadings: Reading @subscribe(source: "devices", subject: "m/${id}/+/temp", filter: [{ field: "room", value: "kitchen" }])
        readings(device: String): Reading @subscribe(source: "devices", subject: "m/${id}/#")
      }
    `,
  };
}

async function serveGraph(files: { sources: Record<string, string>; composites?: Record<string, string> }): Promise<TestGateway & { logs: string[] }> {
  const logs: string[] = [];
  const gateway = await startTestGateway(files, { onSourceError: 'degrade', warn: (m) => logs.push(m) }, { logger: loggerTo((line) => logs.push(line)) });
  open.push(gateway);
  return Object.assign(gateway, { logs });
}

/** A client of the test's own on an MQTT broker, keeping what arrives on `filter`. */
async function observer(filter: string, url = SHARED_MQTT_URL): Promise<MqttBroker & { seen: (topic: string) => EventMessage[] }> {
  const client = new MqttBroker({ source: 'observer', url, timeoutMs: 5_000, retryMs: 100 });
  open.push(client);
  await until(() => client.status() === 'up');
  const messages: EventMessage[] = [];
  await client.subscribe(filter, async (m) => void messages.push(m));
  return Object.assign(client, { seen: (topic: string) => messages.filter((m) => m.subject === topic) });
}

describe('MQTT subscriptions and publishing', () => {
  it('serves a @subscribe with a declared filter over SSE and over graphql-ws, fed by @publish', async () => {
    const id = uniqueSuffix();
    const gateway = await serveGraph({ sources: devices(id) });
    await until(() => gateway.graph.brokers.require('devices').status() === 'up');
    const overSse = await subscribeOverSse(gateway.url, 'subscription { kitchenReadings { device celsius } }');
    open.push(overSse);
    const overSocket = await subscribeOverWebSocket(gateway.url, 'subscription { kitchenReadings { device celsius } }');
    open.push(overSocket);
    // The socket subscribes asynchronously: report from the kitchen until it hears one.
    let n = 0;
    await until(async () => {
      await gateway.query('mutation ($input: ReadingInput!) { report(input: $input) }', { input: { device: `warm${n++}`, celsius: 0, room: 'kitchen' } });
      return overSocket.buffered > 0;
    }, 100);

    expect((await gateway.query('mutation { report(input: { device: "hall1", celsius: 17, room: "hall" }) }')).data).toEqual({ report: true });
    expect((await gateway.query('mutation { report(input: { device: "oven", celsius: 210.5, room: "kitchen" }) }')).data).toEqual({ report: true });
    const skipWarmUp = async (reader: SubscriptionReader) => {
      for (;;) {
        const event = await reader.next();
        if (!String(event.data?.kitchenReadings?.device).startsWith('warm')) return event;
      }
    };
    // Only the kitchen's reading passed the filter, over both transports.
    expect(await skipWarmUp(overSse)).toEqual({ data: { kitchenReadings: { device: 'oven', celsius: 210.5 } } });
    expect(await skipWarmUp(overSocket)).toEqual({ data: { kitchenReadings: { device: 'oven', celsius: 210.5 } } });
  });

  it('answers a @publish mutation with the PUBACK’s verdict: true once accepted, UPSTREAM_BROKER_REFUSED when the broker refuses the topic', async () => {
    const server = await OwnBroker.create('MQTT', undefined, { mqttAcl: 'topic readwrite m/#' });
    own.push(server);
    await server.start();
    const id = uniqueSuffix();
    const gateway = await serveGraph({ sources: devices(id, server.url) });
    await until(() => gateway.graph.brokers.require('devices').status() === 'up');
    const watcher = await observer(`m/${id}/#`, server.url);

    const accepted = await gateway.query('mutation { report(input: { device: "d1", celsius: 20 }) }');
    expect(accepted).toMatchObject({ data: { report: true } });
    await until(() => watcher.seen(`m/${id}/d1/temp`).length === 1);
    expect(decode(watcher.seen(`m/${id}/d1/temp`)[0])).toEqual({ device: 'd1', celsius: 20 });

    // The ACL lets nobody publish under closed/…: the broker answers the PUBACK with "not authorized".
    const refused = await gateway.query('mutation { reportElsewhere(input: { device: "d1", celsius: 20 }) }');
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringContaining(`Source "devices" (MQTT) did not accept the message for "closed/${id}/d1": Publish error: Not authorized`),
      extensions: { code: 'UPSTREAM_BROKER_REFUSED' },
    });
  });
});

/** Orders over REST, and a composite run by messages on an MQTT topic. */
async function orders(id: string, mqttUrl: string, triggerExtra = ''): Promise<{ files: { sources: Record<string, string>; composites: Record<string, string> }; shop: RecordingUpstream }> {
  const shop = await startRecordingUpstream({ 'GET /orders/*': (r) => ({ json: { id: r.path.split('/')[2], total: 10 } }) });
  open.push(shop);
  return {
    shop,
    files: {
      sources: {
        'shop.graphql': `extend schema @source(name: "shop", kind: REST, url: "${shop.url}", retry: { attempts: 0 })
          type Order { id: ID! total: Float }
          type Query { order(id: ID!): Order @rest(source: "shop", path: "/orders/{id}") }`,
        'bus.graphql': `extend schema @source(name: "bus", kind: MQTT, url: "${mqttUrl}")`,
      },
      composites: {
        'orderTotal.graphql': `# @trigger(source: "bus", subject: "o${id}/orders/+/placed"${triggerExtra})
          # @publishTo(source: "bus", subject: "o${id}/orders/totals")
          query orderTotal($orderId: ID!) { order(id: $orderId) { id total } }`,
      },
    },
  };
}

describe('composites run by MQTT messages', () => {
  it('dead-letters a malformed message with its reason, goes on with the next, and publishes its result', async () => {
    const id = uniqueSuffix();
    const { files, shop } = await orders(id, SHARED_MQTT_URL);
    const gateway = await serveGraph(files);
    const bus = await observer(`o${id}/#`);
    await until(() => gateway.logs.some((l) => l.includes('composite orderTotal runs on messages')));

    await bus.publish(`o${id}/orders/berlin/placed`, encode('{"orderId": '));
    await bus.publish(`o${id}/orders/berlin/placed`, encode({ orderId: '5', note: 'ignored' }));
    await until(() => bus.seen(`o${id}/orders/totals`).length === 1);
    const [dead] = bus.seen(`o${id}/orders/berlin/placed/dlq`);
    expect(new TextDecoder().decode(dead.data)).toBe('{"orderId": ');
    expect(dead.headers).toMatchObject({ 'Skein-Dead-Letter-Composite': 'orderTotal', 'Skein-Trigger-Subject': `o${id}/orders/berlin/placed` });
    expect(dead.headers['Skein-Dead-Letter-Reason']).toMatch(/^the payload is not JSON/);
    const [result] = bus.seen(`o${id}/orders/totals`);
    expect(decode(result)).toEqual({ data: { order: { id: '5', total: 10 } } });
    expect(result.headers).toMatchObject({ 'Skein-Result-Of': 'orderTotal', 'Skein-Trigger-Subject': `o${id}/orders/berlin/placed` });
    expect(shop.received.map((r) => r.path)).toEqual(['/orders/5']);
  });

  it('retries a failing run in place with backoff, and after maxDeliveries dead-letters it with its reason, so later messages are not held up for ever', async () => {
    const id = uniqueSuffix();
    const { files, shop } = await orders(id, SHARED_MQTT_URL, ', maxDeliveries: 2');
    shop.on('GET /orders/*', (r) => (r.path === '/orders/13' ? { status: 503, json: { error: 'down for order 13' } } : { json: { id: r.path.split('/')[2], total: 10 } }));
    const gateway = await serveGraph(files);
    const bus = await observer(`o${id}/#`);
    await until(() => gateway.logs.some((l) => l.includes('composite orderTotal runs on messages')));

    await bus.publish(`o${id}/orders/x/placed`, encode({ orderId: '13' }));
    await bus.publish(`o${id}/orders/x/placed`, encode({ orderId: '14' }));
    await until(() => bus.seen(`o${id}/orders/totals`).length === 1);
    const [dead] = bus.seen(`o${id}/orders/x/placed/dlq`);
    expect(decode(dead)).toEqual({ orderId: '13' });
    expect(dead.headers['Skein-Dead-Letter-Reason']).toMatch(/^gave up after 2 deliveries \(maxDeliveries 2\): orderTotal could not run now: UPSTREAM_HTTP_ERROR/);
    // Tried twice, the second after the backoff; the next message waited for that, then ran.
    expect(shop.received.map((r) => r.path)).toEqual(['/orders/13', '/orders/13', '/orders/14']);
    expect(gateway.logs.some((l) => /a message on "o.*\/orders\/x\/placed" failed \(delivery 1\); retried in 1000 ms/.test(l))).toBe(true);
    expect(decode(bus.seen(`o${id}/orders/totals`)[0]).data.order.id).toBe('14');
  });

  it('refuses a maxDeliveries that is not a whole number of at least 1, saying where', async () => {
    const { files } = await orders(uniqueSuffix(), 'mqtt://127.0.0.1:9', ', maxDeliveries: 0');
    const failure = await startTestGateway(files).catch((error: Error) => error.message);
    expect(String(failure)).toContain('"# @trigger" maxDeliveries must be a whole number of at least 1, such as maxDeliveries: 5; found 0');
  });
});

describe('an MQTT broker down at start-up', () => {
  it('leaves its source connecting while the rest of the graph serves; once it is up, the source is up and the trigger runs', async () => {
    const server = await OwnBroker.create('MQTT');
    own.push(server);
    const id = uniqueSuffix();
    const { files } = await orders(id, server.url);
    const gateway = await serveGraph(files);

    expect(gateway.graph.brokers.require('bus').status()).toBe('connecting');
    expect((await gateway.query('{ order(id: "1") { id total } }')).data).toEqual({ order: { id: '1', total: 10 } });
    const ready = await (await fetch(gateway.url.replace('/graphql', '/readyz'))).json();
    expect(ready.degraded['event sources']).toMatch(/^bus \(MQTT\) connecting/);

    await server.start();
    await until(() => gateway.graph.brokers.require('bus').status() === 'up');
    await until(() => gateway.logs.some((l) => l.includes('composite orderTotal runs on messages')));
    const bus = await observer(`o${id}/#`, server.url);
    await bus.publish(`o${id}/orders/a/placed`, encode({ orderId: '2' }));
    await until(() => bus.seen(`o${id}/orders/totals`).length === 1);
    expect(decode(bus.seen(`o${id}/orders/totals`)[0])).toEqual({ data: { order: { id: '2', total: 10 } } });
    expect((await (await fetch(gateway.url.replace('/graphql', '/readyz'))).json()).degraded).toBeUndefined();
  });
});
