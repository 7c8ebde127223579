import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRegistry, graphFactory } from '../../src/registry/index.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

describe('refused admin requests are counted, not written one by one', () => {
  let gw: TestRegistryGateway;
  beforeAll(async () => {
    gw = await startTestRegistryGateway('postgres');
  });
  afterAll(() => gw?.close());

  it('50 requests without a valid token leave one audit row for their address, and count 50 in /metrics', async () => {
    const query = '{ sources { name } }';
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => gw.admin(query, {}, i % 2 ? null : 'not-a-token')));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(await (await fetch(`${gw.origin}/metrics`)).text()).toMatch(/^skein_admin_denied_total 50$/m);
    const during = await gw.admin('{ audit(limit: 100) { action } }');
    expect(during.data.audit.filter((a: any) => a.action === 'auth.denied')).toEqual([]);

    // Stopping writes what the minute gathered so far.
    await gw.gateway.close();
    const registry = await openRegistry({ databaseUrl: gw.database!.url, graphs: graphFactory() });
    try {
      const denied = (await registry.audit({ limit: 100 })).filter((a) => a.action === 'auth.denied');
      expect(denied.map((a) => ({ actor: a.actor, outcome: a.outcome, remote: a.detail.remote, attempts: a.detail.attempts, reasons: a.detail.reasons }))).toEqual([
        { actor: null, outcome: 'denied', remote: '127.0.0.1', attempts: 50, reasons: { 'unknown token': 25, 'missing token': 25 } },
      ]);
    } finally {
      await registry.close();
    }
  });
});
