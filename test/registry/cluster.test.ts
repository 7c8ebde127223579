import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SUMMARY, TEST_SCHEMA } from './fixtures.js';
import { ALICE, CI, TOKENS } from './harness.js';
import { post, runSkein, spawnGateway, until, type GatewayProcess } from './processes.js';
import { createDataDir, createTestDatabase, type TestDatabase } from './stores.js';

const CALL = '{ orderSummary(orderId: "1") { order { id } user { name } } }';

describe('two gateway processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let first: GatewayProcess;
  let second: GatewayProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { DATABASE_URL: database.url, SKEIN_ADMIN_TOKEN: TOKENS };
    // Started together: both seed the same store, one after the other under its lock.
    const started = await Promise.allSettled([
      spawnGateway(['--schema', TEST_SCHEMA, '--demo'], env),
      spawnGateway(['--schema', TEST_SCHEMA, '--demo'], env),
    ]);
    // One that started is stopped by afterAll even when the other did not.
    [first, second] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined!));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await database?.drop();
  });

  it('both serve the seeded registry', async () => {
    await until(async () => first.output().includes('seeded from test/registry/schema/'), 5_000);
    for (const gateway of [first, second]) {
      const status = await post(`${gateway.origin}/admin/graphql`, '{ status { store servedRevision } composites { name state } }', {}, CI);
      expect(status.data).toEqual({ status: { store: 'POSTGRES', servedRevision: 1 }, composites: [{ name: 'customerStatement', state: 'PUBLISHED' }] });
    }
  });

  // Changes travel by NOTIFY, with a slow safety poll (5 s) behind it. That they arrive is
  // asserted; how fast is printed, not asserted: a wall-clock bound in the parallel suite
  // fails on a busy machine, and could not tell NOTIFY from a lucky poll anyway.
  it('a composite published on the first answers on the second, and so does a pause', async () => {
    const saved = await post(`${first.origin}/admin/graphql`, 'mutation($d: String!) { saveComposite(document: $d) { version } }', { d: ORDER_SUMMARY }, ALICE);
    expect(saved.errors).toBeUndefined();
    expect((await post(`${second.origin}/graphql`, CALL)).errors?.[0].message).toBe('Cannot query field "orderSummary" on type "Query".');

    const published = await post(`${first.origin}/admin/graphql`, 'mutation { publish(name: "orderSummary") { state } }', {}, ALICE);
    expect(published.data.publish.state).toBe('PUBLISHED');
    const publishLatency = await until(async () => (await post(`${second.origin}/graphql`, CALL)).data?.orderSummary?.order?.id === '1', 20_000);

    await post(`${second.origin}/admin/graphql`, 'mutation { pause(name: "orderSummary") { state } }', {}, CI);
    const pauseLatency = await until(async () => {
      const answer = await post(`${first.origin}/graphql`, CALL);
      return answer.errors?.[0]?.extensions?.code === 'COMPOSITE_PAUSED';
    }, 20_000);
    console.log(`reload across gateways: publish ${publishLatency.toFixed(0)} ms, pause ${pauseLatency.toFixed(0)} ms`);
    const rest = await fetch(`${first.origin}/api/orderSummary?orderId=1`);
    expect(rest.status).toBe(503);
  });

  it('the CLI drives either gateway and prints readable tables', async () => {
    const env = { SKEIN_TOKEN: CI };
    const resumed = await runSkein(['resume', 'orderSummary', '--gateway', second.origin], env);
    expect(resumed.stderr).toBe('');
    expect(resumed.stdout).toBe(`orderSummary: published v1  ${second.origin}/api/orderSummary\n`);
    const list = await runSkein(['list', '--gateway', first.origin], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^composite\s+state\s+version\s+live\s+endpoint\s+protocol\s+sources\s+updated$/m);
    expect(list.stdout).toMatch(/^orderSummary\s+published\s+v1\s+v1\s+\/api\/orderSummary\s+REST\s+hotels, orders, users\s+\S+ \S+ alice$/m);
    const push = await runSkein(['push', '--schema', TEST_SCHEMA, '--gateway', first.origin], env);
    expect(push.stdout).toMatch(/^source\s+bank\s+unchanged\s+v1\s+active$/m);
    expect(push.stdout).toContain('nothing changed');
    const denied = await runSkein(['list', '--gateway', first.origin], { SKEIN_TOKEN: 'not-a-token' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe('skein: the gateway refused the request: the token is not one of SKEIN_ADMIN_TOKEN\n');
  });

  it('keeps serving its last good schema when the store is lost at run time', async () => {
    await database.drop();
    const answer = await post(`${first.origin}/graphql`, CALL);
    expect(answer.data.orderSummary.order.id).toBe('1');
    const admin = await post(`${first.origin}/admin/graphql`, '{ composites { name } }', {}, CI);
    expect(admin.errors?.[0].extensions?.code).toBe('REGISTRY_UNAVAILABLE');
    expect(first.child.exitCode).toBeNull();
    expect((await fetch(`${second.origin}/api/orderSummary?orderId=2`)).status).toBe(200);
  });
});

describe('one gateway process on the embedded store', () => {
  it('keeps all state across a restart', async () => {
    const data = createDataDir();
    const env = { SKEIN_ADMIN_TOKEN: TOKENS };
    try {
      let gateway = await spawnGateway(['--schema', TEST_SCHEMA, '--demo', '--data', data.dir], env);
      await post(`${gateway.origin}/admin/graphql`, 'mutation($d: String!) { saveComposite(document: $d) { version } }', { d: ORDER_SUMMARY }, ALICE);
      await post(`${gateway.origin}/admin/graphql`, 'mutation { publish(name: "orderSummary") { state } }', {}, ALICE);
      await post(`${gateway.origin}/admin/graphql`, 'mutation { pause(name: "customerStatement") { state } }', {}, CI);
      const before = await post(`${gateway.origin}/admin/graphql`, '{ composites { name state version liveVersion } audit(limit: 100) { id action } }', {}, CI);
      expect(await gateway.stop()).toBe(0);

      gateway = await spawnGateway(['--schema', TEST_SCHEMA, '--demo', '--data', data.dir], env);
      try {
        await until(async () => gateway.output().includes('0 sources and 0 composites added, 5 unchanged'), 5_000);
        const after = await post(`${gateway.origin}/admin/graphql`, '{ composites { name state version liveVersion } audit(limit: 100) { id action } }', {}, CI);
        expect(after.data).toEqual(before.data);
        expect((await post(`${gateway.origin}/graphql`, CALL)).data.orderSummary.order.id).toBe('1');
        expect((await fetch(`${gateway.origin}/api/customerStatement?customerId=1`)).status).toBe(503);
      } finally {
        await gateway.stop();
      }
    } finally {
      data.remove();
    }
  });

  it('refuses a second gateway on the same data folder', async () => {
    const data = createDataDir();
    try {
      const gateway = await spawnGateway(['--schema', TEST_SCHEMA, '--demo', '--data', data.dir], {});
      try {
        const second = await runSkein(['serve', '--schema', TEST_SCHEMA, '--dev', '--port', '0', '--data', data.dir]);
        expect(second.code).toBe(1);
        expect(second.stderr).toMatch(/^skein: the embedded registry in \S+ is in use by process \d+; run one gateway per data folder/);
      } finally {
        await gateway.stop();
      }
    } finally {
      data.remove();
    }
  });
});

describe('start-up failures', () => {
  it('a store that cannot be reached is a clear message and exit code 1', async () => {
    const result = await runSkein(['serve', '--schema', TEST_SCHEMA, '--dev', '--port', '0'], {
      DATABASE_URL: 'postgres://skein:hunter2@127.0.0.1:1/registry',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'skein: cannot reach the PostgreSQL registry at postgres://skein:***@127.0.0.1:1/registry: connect ECONNREFUSED 127.0.0.1:1\n',
    );
  });

  it('the admin API refuses to start without a token unless --dev', async () => {
    const result = await runSkein(['serve', '--schema', TEST_SCHEMA, '--port', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'skein: the admin API needs SKEIN_ADMIN_TOKEN (one token, or name:token pairs separated by commas); pass --dev to run it unprotected on your own machine\n',
    );
  });
});
