import { afterEach, describe, expect, it } from 'vitest';
import { loggerTo } from '../helpers/log-capture.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OwnBroker, until, type BrokerAuth } from '../helpers/brokers.js';
import { NatsOperator } from '../helpers/nats-operator.js';
import { schemaErrorsOf } from '../../src/errors/schema-error.js';

// Broker credentials given as @source arguments, from the environment, not only in the URL:
// a good one connects; a bad one leaves the source down with lastError saying authentication
// failed, and the credential is never in that, /readyz, a log line or an error.

const GOOD = 'the-good-password-1';
const BAD = 'a-wrong-password-22';
const TOKEN = 'the-good-token-333';

const open: { close(): Promise<void> }[] = [];
const own: OwnBroker[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  await Promise.all(own.splice(0).map((b) => b.dispose()));
  for (const name of Object.keys(process.env)) if (name.startsWith('SKEIN_SOURCE_CRED_')) delete process.env[name];
});

async function broker(kind: 'NATS' | 'MQTT', auth: BrokerAuth): Promise<OwnBroker> {
  const server = await OwnBroker.create(kind, auth);
  own.push(server);
  await server.start();
  return server;
}

/** A gateway with one event source `bus` on `url` with these @source arguments, and a mutation publishing to it. */
async function gatewayOn(kind: 'NATS' | 'MQTT', url: string, credentials: string): Promise<TestGateway & { logs: string[]; notes: string[] }> {
  const logs: string[] = [];
  const notes: string[] = [];
  const subject = kind === 'NATS' ? 'cred.ping' : 'cred/ping';
  const stream = kind === 'NATS' ? `, stream: "CRED", streamSubjects: ["cred.>"]` : '';
  const gateway = await startTestGateway(
    {
      sources: {
        'bus.graphql': /* GraphQL */ `
          extend schema @source(name: "bus", kind: ${kind}, url: "${url}"${stream}, ${credentials})
          type Query { ok: Boolean @publish(source: "bus", subject: "${subject}") }
        `.replace('type Query { ok: Boolean', 'type Mutation { ping(n: Int): Boolean!'),
        'other.graphql': `extend schema @source(name: "other", kind: REST, url: "http://127.0.0.1:9")\ntype Query { nothing: String @rest(source: "other", path: "/")}`,
      },
    },
    { onSourceError: 'degrade', warn: (m) => logs.push(m), info: (m) => notes.push(m) },
    { logger: loggerTo((line) => logs.push(line)) },
  );
  open.push(gateway);
  return Object.assign(gateway, { logs, notes });
}

async function readiness(gateway: TestGateway): Promise<string> {
  return JSON.stringify(await (await fetch(gateway.url.replace('/graphql', '/readyz'))).json());
}

describe('NATS credentials', () => {
  it('connects with user and password from the environment; a wrong password leaves the source down, saying authentication failed', async () => {
    const server = await broker('NATS', { user: 'skein', password: GOOD });
    process.env.SKEIN_SOURCE_CRED_GOOD = GOOD;
    process.env.SKEIN_SOURCE_CRED_BAD = BAD;

    const good = await gatewayOn('NATS', server.url, 'user: "skein", password: "{env.SKEIN_SOURCE_CRED_GOOD}"');
    await until(() => good.graph.brokers.require('bus').status() === 'up');
    expect((await good.query('mutation { ping(n: 1) }')).data).toEqual({ ping: true });
    // Connecting is what is expected: said at info, not as a warning.
    expect(good.notes).toContain('source "bus": connected to NATS');
    expect(good.logs.join('\n')).not.toContain('connected to NATS');

    const bad = await gatewayOn('NATS', server.url, 'user: "skein", password: "{env.SKEIN_SOURCE_CRED_BAD}"');
    const bus = bad.graph.brokers.require('bus');
    await until(() => bus.status() === 'down');
    expect(bus.lastError()).toMatch(/^authentication failed: the NATS broker refused the source's credentials \(.*[Aa]uthorization [Vv]iolation.*\); check the source's user and password, token or credsFile$/);
    const refused = await bad.query('mutation { ping(n: 2) }');
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'SOURCE_UNAVAILABLE' } });
    const ready = await readiness(bad);
    expect(ready).toContain('bus (NATS) down: authentication failed');
    // The rest of the graph is there; no credential anywhere.
    expect(bad.graph.schema.getQueryType()?.getFields().nothing).toBeDefined();
    for (const text of [bus.lastError()!, ready, JSON.stringify(refused), bad.logs.join('\n')]) {
      expect(text).not.toContain(BAD);
      expect(text).not.toContain(GOOD);
    }
    expect(bad.logs.some((l) => l.includes('authentication failed'))).toBe(true);
  });

  it('connects with a token; a wrong one is refused the same way', async () => {
    const server = await broker('NATS', { token: TOKEN });
    process.env.SKEIN_SOURCE_CRED_TOKEN = TOKEN;
    const good = await gatewayOn('NATS', server.url, 'token: "{env.SKEIN_SOURCE_CRED_TOKEN}"');
    await until(() => good.graph.brokers.require('bus').status() === 'up');
    expect((await good.query('mutation { ping(n: 1) }')).data).toEqual({ ping: true });

    process.env.SKEIN_SOURCE_CRED_WRONG_TOKEN = 'not-the-token-4444';
    const bad = await gatewayOn('NATS', server.url, 'token: "{env.SKEIN_SOURCE_CRED_WRONG_TOKEN}"');
    const bus = bad.graph.brokers.require('bus');
    await until(() => bus.status() === 'down');
    expect(bus.lastError()).toMatch(/^authentication failed: the NATS broker/);
    expect(bus.lastError()).not.toContain('not-the-token-4444');
  });
});

describe('NATS credentials files', () => {
  it('connects with a credentials file the operator names through the environment; a user of an unknown account is refused', async () => {
    const operator = new NatsOperator();
    const server = await broker('NATS', { operator });
    const folder = mkdtempSync(path.join(os.tmpdir(), 'skein-creds-'));
    try {
      writeFileSync(path.join(folder, 'app.creds'), operator.userCreds(), { mode: 0o600 });
      const stranger = operator.strangerCreds();
      writeFileSync(path.join(folder, 'stranger.creds'), stranger, { mode: 0o600 });
      process.env.SKEIN_SOURCE_CRED_FILE = path.join(folder, 'app.creds');
      const good = await gatewayOn('NATS', server.url, 'credsFile: "{env.SKEIN_SOURCE_CRED_FILE}"');
      await until(() => good.graph.brokers.require('bus').status() === 'up');
      expect((await good.query('mutation { ping(n: 1) }')).data).toEqual({ ping: true });

      process.env.SKEIN_SOURCE_CRED_STRANGER = path.join(folder, 'stranger.creds');
      const bad = await gatewayOn('NATS', server.url, 'credsFile: "{env.SKEIN_SOURCE_CRED_STRANGER}"');
      const bus = bad.graph.brokers.require('bus');
      await until(() => bus.status() === 'down');
      expect(bus.lastError()).toMatch(/^authentication failed: the NATS broker refused the source's credentials/);
      // The seed stays in its file.
      const seed = stranger.split('\n').find((line) => line.startsWith('SU'))!;
      for (const text of [bus.lastError()!, bad.logs.join('\n'), await readiness(bad)]) expect(text).not.toContain(seed.slice(0, 20));
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('MQTT credentials', () => {
  it('connects with username and password; a wrong password leaves the source down, saying authentication failed', async () => {
    const server = await broker('MQTT', { user: 'skein', password: GOOD });
    process.env.SKEIN_SOURCE_CRED_GOOD = GOOD;
    process.env.SKEIN_SOURCE_CRED_BAD = BAD;
    const good = await gatewayOn('MQTT', server.url, 'username: "skein", password: "{env.SKEIN_SOURCE_CRED_GOOD}"');
    await until(() => good.graph.brokers.require('bus').status() === 'up');
    expect((await good.query('mutation { ping(n: 1) }')).data).toEqual({ ping: true });

    const bad = await gatewayOn('MQTT', server.url, 'username: "skein", password: "{env.SKEIN_SOURCE_CRED_BAD}"');
    const bus = bad.graph.brokers.require('bus');
    await until(() => bus.status() === 'down');
    expect(bus.lastError()).toMatch(/^authentication failed: the MQTT broker refused the source's credentials \(Connection refused: (Not authorized|Bad User Name or Password)\); check the source's username and password$/);
    const ready = await readiness(bad);
    expect(ready).toContain('bus (MQTT) down: authentication failed');
    for (const text of [ready, bad.logs.join('\n')]) expect(text).not.toContain(BAD);

    // It keeps trying: once the broker accepts that password, the source is up, and the refusal was said once, not at every attempt.
    await server.stop();
    server.auth = { user: 'skein', password: BAD };
    await server.start();
    await until(() => bus.status() === 'up');
    expect(bus.lastError()).toBeUndefined();
    expect((await bad.query('mutation { ping(n: 2) }')).data).toEqual({ ping: true });
    expect(bad.logs.filter((l) => l.includes('authentication failed'))).toHaveLength(1);
  });
});

describe('credentials that cannot be used', () => {
  it('refuses a variable sources may not read, one that is not set, and a credentials file that cannot be read, naming the source', async () => {
    const located = (error: unknown) => schemaErrorsOf(error).map((e) => e.format()).join('\n');
    const build = (args: string) =>
      startTestGateway({
        sources: { 'bus.graphql': `extend schema @source(name: "bus", kind: NATS, url: "nats://127.0.0.1:9", stream: "X", ${args})` },
      }).catch(located);
    expect(await build('password: "{env.DATABASE_URL}"')).toContain(`source "bus" (NATS), password: {env.DATABASE_URL} names one of the gateway's own secrets`);
    expect(await build('token: "{env.SKEIN_SOURCE_CRED_UNSET}"')).toContain('source "bus" (NATS), token: environment variable SKEIN_SOURCE_CRED_UNSET is not set');
    expect(await build('credsFile: "/nonexistent/skein/user.creds"')).toMatch(/bus\.graphql:1:\d+: source "bus" \(NATS\), credsFile: the file "\/nonexistent\/skein\/user.creds" cannot be read/);
  });
});
