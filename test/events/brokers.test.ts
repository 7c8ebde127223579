import { afterEach, describe, expect, it } from 'vitest';
import { MqttBroker, NatsBroker, type EventBroker, type EventMessage } from '../../src/sources/events/index.js';
import { deleteStreams, OwnBroker, SHARED_MQTT_URL, SHARED_NATS_URL, uniqueSuffix, until } from '../helpers/brokers.js';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (message: EventMessage) => JSON.parse(new TextDecoder().decode(message.data));

const opened: EventBroker[] = [];
const streams: string[] = [];
const own: OwnBroker[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
  if (streams.length > 0) await deleteStreams(SHARED_NATS_URL, ...streams.splice(0));
  await Promise.all(own.splice(0).map((b) => b.dispose()));
});

function nats(stream: string, url = SHARED_NATS_URL, subjects?: string[]): NatsBroker {
  const broker = new NatsBroker({ source: 'orders', url, stream, streamSubjects: subjects, timeoutMs: 5_000, retryMs: 50 });
  opened.push(broker);
  return broker;
}
function mqttBroker(url = SHARED_MQTT_URL, clientId?: string): MqttBroker {
  const broker = new MqttBroker({ source: 'devices', url, timeoutMs: 5_000, retryMs: 100, clientId });
  opened.push(broker);
  return broker;
}

describe('NATS JetStream broker', () => {
  it('publishes with a PubAck and delivers to a live subscription, wildcards included', async () => {
    const id = uniqueSuffix();
    const stream = `T_${id}`;
    streams.push(stream);
    const broker = nats(stream, SHARED_NATS_URL, [`t${id}.>`]);
    await until(() => broker.status() === 'up');
    const seen: unknown[] = [];
    await broker.subscribe(`t${id}.orders.*`, async (m) => void seen.push({ subject: m.subject, body: decode(m) }));
    const receipt = await broker.publish(`t${id}.orders.placed`, encode({ id: 1 }), {}, { messageId: `m-${id}` });
    expect(receipt).toMatchObject({ stream, sequence: 1, duplicate: false });
    const again = await broker.publish(`t${id}.orders.placed`, encode({ id: 1 }), {}, { messageId: `m-${id}` });
    expect(again.duplicate).toBe(true);
    await until(() => seen.length >= 2);
    expect(seen[0]).toEqual({ subject: `t${id}.orders.placed`, body: { id: 1 } });
  });

  it('refuses a publish that no stream stores, saying so', async () => {
    const id = uniqueSuffix();
    const stream = `T_${id}`;
    streams.push(stream);
    const broker = nats(stream, SHARED_NATS_URL, [`t${id}.>`]);
    await until(() => broker.status() === 'up');
    await expect(broker.publish(`elsewhere${id}.x`, encode({}))).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_BROKER_REFUSED', source: 'orders' },
      message: expect.stringContaining(`no JetStream stream stores subjects like "elsewhere${id}.x"`),
    });
  });

  it('redelivers to a durable consumer what its handler failed, and acknowledges what it handled', async () => {
    const id = uniqueSuffix();
    const stream = `T_${id}`;
    streams.push(stream);
    const broker = nats(stream, SHARED_NATS_URL, [`t${id}.>`]);
    await until(() => broker.status() === 'up');
    const deliveries: number[] = [];
    const subscription = await broker.subscribe(
      `t${id}.jobs`,
      async (m) => {
        deliveries.push(m.deliveryCount);
        if (m.deliveryCount === 1) throw new Error('first try fails');
      },
      { durable: `d_${id}` },
    );
    await broker.publish(`t${id}.jobs`, encode({ n: 1 }));
    await until(() => deliveries.length >= 2);
    expect(deliveries.slice(0, 2)).toEqual([1, 2]);
    await subscription.close();
  });

  it('is connecting while the server is down at start-up, then connects and resumes a subscription made meanwhile', async () => {
    const server = await OwnBroker.create('NATS');
    own.push(server);
    const id = uniqueSuffix();
    const broker = nats(`S_${id}`, server.url, [`s${id}.>`]);
    const seen: unknown[] = [];
    await broker.subscribe(`s${id}.events`, async (m) => void seen.push(decode(m)));
    expect(broker.status()).toBe('connecting');
    await expect(broker.publish(`s${id}.events`, encode({}))).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    await server.start();
    await until(() => broker.status() === 'up');
    await broker.publish(`s${id}.events`, encode({ after: 'start' }));
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ after: 'start' }]);
  });

  it('closes while it is still trying to reach a server that is down', async () => {
    const server = await OwnBroker.create('NATS');
    own.push(server);
    const broker = nats(`C_${uniqueSuffix()}`, server.url);
    await new Promise((resolve) => setTimeout(resolve, 100)); // between two attempts
    await broker.close();
    expect(broker.status()).toBe('connecting');
    await expect(broker.publish('x.y', encode({}))).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
  });

  it('goes down when the server is killed mid-run and resumes its durable consumer when it is back', async () => {
    const server = await OwnBroker.create('NATS');
    own.push(server);
    await server.start();
    const id = uniqueSuffix();
    const broker = nats(`R_${id}`, server.url, [`r${id}.>`]);
    await until(() => broker.status() === 'up');
    const seen: number[] = [];
    await broker.subscribe(`r${id}.jobs`, async (m) => void seen.push(decode(m).n), { durable: `d_${id}` });
    await broker.publish(`r${id}.jobs`, encode({ n: 1 }));
    await until(() => seen.length === 1);
    await server.stop();
    await until(() => broker.status() === 'down');
    await expect(broker.publish(`r${id}.jobs`, encode({ n: 2 }))).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    await server.start();
    await until(() => broker.status() === 'up');
    await until(async () => {
      try {
        await broker.publish(`r${id}.jobs`, encode({ n: 3 }));
        return true;
      } catch {
        return false;
      }
    }, 200);
    await until(() => seen.includes(3));
    expect(seen.filter((n) => n === 1)).toEqual([1]);
  });
});

describe('MQTT broker', () => {
  it('publishes with QoS 1 and delivers by topic filter', async () => {
    const id = uniqueSuffix();
    const broker = mqttBroker();
    await until(() => broker.status() === 'up');
    const seen: unknown[] = [];
    await broker.subscribe(`t/${id}/+/temp`, async (m) => void seen.push({ subject: m.subject, body: decode(m) }));
    await broker.publish(`t/${id}/room1/temp`, encode({ c: 21 }));
    await broker.publish(`t/${id}/room1/humidity`, encode({ p: 40 }));
    await broker.publish(`t/${id}/room2/temp`, encode({ c: 19 }));
    await until(() => seen.length === 2);
    expect(seen).toEqual([
      { subject: `t/${id}/room1/temp`, body: { c: 21 } },
      { subject: `t/${id}/room2/temp`, body: { c: 19 } },
    ]);
  });

  it('is connecting while the broker is down at start-up, then subscribes and receives, and again after a restart', async () => {
    const server = await OwnBroker.create('MQTT');
    own.push(server);
    const id = uniqueSuffix();
    const broker = mqttBroker(server.url);
    const seen: { ok: unknown }[] = [];
    const subscription = await broker.subscribe(`s/${id}`, async (m) => void seen.push(decode(m)));
    expect(broker.status()).toBe('connecting');
    await expect(broker.publish(`s/${id}`, encode({}))).rejects.toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    await server.start();
    await subscription.ready;
    await until(() => broker.status() === 'up');
    await broker.publish(`s/${id}`, encode({ ok: true }));
    await until(() => seen.length === 1);
    await server.stop();
    await until(() => broker.status() === 'down');
    await server.start();
    await until(() => broker.status() === 'up');
    // mqtt.js subscribes again after reconnecting, a moment after it says it is connected: publish until it reads.
    await until(async () => {
      await broker.publish(`s/${id}`, encode({ ok: 'again' })).catch(() => undefined);
      return seen.some((m) => m.ok === 'again');
    }, 200);
    expect(seen[0]).toEqual({ ok: true });
  });
});
