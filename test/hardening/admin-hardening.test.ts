import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { AdminTokens, startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { testSchema } from '../registry/fixtures.js';

const TOKEN = 'hardening-admin-token';

describe('admin API: hostile XML uploads, body cap, breaker state', () => {
  let demo: DemoUpstreams;
  let gateway: RunningRegistryGateway;
  let dir: string;
  let origin: string;
  const MARKER = 'skein-admin-secret-77aa';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skein-admin-hardening-'));
    writeFileSync(path.join(dir, 'secret.txt'), MARKER);
    demo = await startDemoUpstreams({ delayMs: 0 });
    gateway = await startRegistryGateway({
      dataDir: path.join(dir, 'data'),
      seed: testSchema(),
      tokens: AdminTokens.parse(TOKEN),
      port: 0,
      host: '127.0.0.1',
      graphs: { urls: demo.urls },
      warn: () => {},
      settings: { maxAdminBodyBytes: 64 * 1024 },
    });
    origin = new URL(gateway.url).origin;
  });
  afterAll(async () => {
    await gateway?.close(1_000);
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${origin}/admin/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, ...((await response.json()) as { data?: any; errors?: any[] }) };
  };

  const xxe = (root: string) => `<?xml version="1.0"?>
<!DOCTYPE ${root} [ <!ENTITY leak SYSTEM "file://${path.join(dir, 'secret.txt')}"> ]>
<${root} xmlns="urn:skein:export">&leak;</${root}>`;

  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE composite [
 <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<composite xmlns="urn:skein:export" format="1" name="x" operation="query" version="1" state="draft" exportedAt="now"><document>&i;</document></composite>`;

  it('an import with a billion-laughs DTD is refused before parsing', async () => {
    const answer = await admin('mutation($d: String!) { import(document: $d) { composite { name } } }', { d: billionLaughs });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_INPUT');
    expect(answer.errors?.[0].message).toMatch(/^the export declares <!DOCTYPE> at line 2, column 1; Skein exports never have one/);
  });

  it('an import with an external entity at a local file is refused and reads nothing', async () => {
    const answer = await admin('mutation($d: String!) { import(document: $d) { composite { name } } }', { d: xxe('composite') });
    expect(answer.errors?.[0].extensions?.code).toBe('BAD_INPUT');
    expect(JSON.stringify(answer)).not.toContain(MARKER);
  });

  it('a WSDL upload with an external entity is refused and reads nothing', async () => {
    const answer = await admin('mutation($w: String!) { registerSource(input: { name: "evil", wsdl: $w, url: "http://127.0.0.1:9/x" }) { name } }', {
      w: xxe('definitions'),
    });
    expect(answer.errors?.length).toBeGreaterThan(0);
    expect(answer.errors?.[0].message).toContain('a document type declaration (<!DOCTYPE …>) is not accepted');
    expect(JSON.stringify(answer)).not.toContain(MARKER);
    expect((await admin('{ source(name: "evil") { name } }')).data).toEqual({ source: null });
  });

  it('a body over maxAdminBodyBytes is answered 413 before it is read', async () => {
    const response = await fetch(`${origin}/admin/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: 'mutation($w: String!) { registerSource(input: { name: "big", wsdl: $w }) { name } }', variables: { w: 'x'.repeat(100_000) } }),
    });
    expect(response.status).toBe(413);
    expect(JSON.stringify(await response.json())).toContain('BODY_TOO_LARGE');
  });

  it('shows every source breaker, in Query.health and Source.health', async () => {
    const graphql = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: '{ user(id: "8") { name } }' }),
    });
    expect(graphql.status).toBe(200);
    const answer = await admin('{ health { source breaker calls failures inFlight queued policy } source(name: "users") { health { breaker calls } } }');
    expect(answer.errors).toBeUndefined();
    const users = answer.data.health.find((h: any) => h.source === 'users');
    expect(users).toMatchObject({ breaker: 'CLOSED', failures: 0, inFlight: 0, queued: 0 });
    expect(users.calls).toBeGreaterThanOrEqual(1);
    expect(users.policy).toMatchObject({ retry: { attempts: 2 }, circuitBreaker: { failures: 5 }, maxConcurrency: 256 });
    expect(answer.data.source.health).toMatchObject({ breaker: 'CLOSED' });
  });

  it('/healthz, /readyz and /metrics answer', async () => {
    expect(await (await fetch(`${origin}/healthz`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: ['schema', 'store'] });
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toContain('# TYPE skein_upstream_breaker_state gauge');
    expect(metrics).toMatch(/^skein_upstream_breaker_state\{source="users"\} 0$/m);
    expect(metrics).toMatch(/^skein_requests_total\{outcome="ok"\} [1-9]\d*$/m);
  });
});
