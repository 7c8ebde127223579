import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSource } from './fixtures.js';
import { startTestRegistryGateway, type TestRegistryGateway } from './harness.js';
import { PG_SERVER } from './stores.js';
import { captureLog } from '../helpers/log-capture.js';

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('a registry database re-created empty under a running gateway', () => {
  let gw: TestRegistryGateway;
  const log = captureLog();
  beforeAll(async () => {
    gw = await startTestRegistryGateway('postgres', { logger: log.logger });
  });
  afterAll(() => gw?.close());

  it('answers REGISTRY_UNAVAILABLE, logged with the request id, while it is gone; then is migrated, ready, and served again', async () => {
    const name = gw.database!.name;
    await onServer(`drop database ${name} with (force)`);

    expect((await fetch(`${gw.origin}/readyz`)).status).toBe(503);
    const gone = await gw.admin('{ sources { name } }');
    expect(gone.errors?.[0].extensions?.code).toBe('REGISTRY_UNAVAILABLE');
    expect(gone.errors?.[0].message).toMatch(/^the registry's store is unavailable \(.*does not exist.*\); the gateway logged it with this request id$/);
    const requestId = gone.errors?.[0].extensions?.requestId;
    expect(log.entries().some((entry) => entry.request_id === requestId && entry.msg === 'admin request: store failure')).toBe(true);

    await onServer(`create database ${name}`);
    expect(await (await fetch(`${gw.origin}/readyz`)).json()).toMatchObject({ status: 'ready' });
    expect((await gw.admin('{ status { revision } sources { name } }')).data).toEqual({ status: { revision: 0 }, sources: [] });

    // The gateway follows the new store: a source registered now is served.
    expect((await gw.admin('mutation($sdl: String!) { registerSource(input: { sdl: $sdl }) { version } }', { sdl: demoSource('users') })).data).toEqual({
      registerSource: { version: 1 },
    });
    expect((await gw.admin('{ status { servedRevision } }')).data).toEqual({ status: { servedRevision: 1 } });
    expect(await gw.graphql('{ user(id: "1") { name } }')).toEqual({ status: 200, data: { user: { name: 'Ada Lovelace' } } });
    expect(await gw.graphql('{ hotel(id: "1") { name } }')).toMatchObject({ errors: [{ message: expect.stringContaining('hotel') }] });
  });
});
