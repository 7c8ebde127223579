import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { AdminTokens, startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { skein } from '../helpers/cli.js';
import { createDataDir } from '../registry/stores.js';

// skein compose and skein find against a running gateway (embedded registry, seeded with the
// demo's sources only), and the admin API behind them: draftComposite saves nothing, a draft
// saved with --publish is served with its protocol, shown by list, show, /api and the exports.

const TOKEN = 'alice-secret-1';

describe('skein compose and skein find against a running gateway', () => {
  let demo: DemoUpstreams;
  let data: ReturnType<typeof createDataDir>;
  let gateway: RunningRegistryGateway;
  let origin: string;
  let folder: string;
  const cli = (...args: string[]) => skein(...args, '--gateway', origin, '--token', TOKEN);
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${origin}/admin/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: any; errors?: { message: string; extensions?: any }[] };
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    data = createDataDir();
    gateway = await startRegistryGateway({
      dataDir: data.dir,
      seed: { sources: loadSchemaFolder('schema').sources, composites: [] },
      tokens: AdminTokens.parse(`alice:${TOKEN}`),
      port: 0,
      host: '127.0.0.1',
      graphs: { urls: demo.urls },
      warn: () => {},
    });
    origin = new URL(gateway.url).origin;
    folder = mkdtempSync(path.join(tmpdir(), 'skein-compose-'));
  });
  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
    data?.remove();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('compose prints the matches, the document and the plan; nothing is saved without --save', async () => {
    const result = await cli('compose', 'test/compose/requests/hotelOrder.yaml');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/user +Query\.user \(users, REST\) +"user details" +[\d.]+ +user +Query\.users/);
    expect(result.stdout).toContain('protocol: REST');
    expect(result.stdout).toContain('query hotelOrder($orderId: ID!, $userId: ID! @internal');
    expect(result.stdout).toContain('stage 2  user ‖ hotel ‖ room   (in parallel)');
    expect((await admin('{ composites { name } }')).data.composites).toEqual([]);
  });

  it('compose --format json prints { document, plan, matches }', async () => {
    const result = await cli('compose', 'test/compose/requests/salary.yaml', '--format', 'json');
    expect(result.code).toBe(0);
    const draft = JSON.parse(result.stdout);
    expect(draft.plan.stages).toEqual([['grossSalary'], ['socialInsurance'], ['netSalary']]);
    expect(draft.document).toContain('grossSalary: getGrossSalary(employeeId: $employeeId) @export(as: "grossSalary")');
    expect(draft.matches.map((m: any) => m.field)).toEqual(['Query.getGrossSalary', 'Query.getSocialInsurance', 'Query.getNetSalary']);
    expect(draft.matches[0].candidates[0]).toMatchObject({ field: 'Query.getGrossSalary', source: 'payroll', score: expect.any(Number), words: expect.arrayContaining(['gross', 'salary']) });
    expect(draft.protocol).toBe('SOAP');
  });

  it('a bad request is refused naming the request file, line and column, and --save saves nothing', async () => {
    const file = path.join(folder, 'cycle.yaml');
    writeFileSync(file, readFileSync('test/compose/requests/salary.yaml', 'utf8') + '  - { step: grossSalary, on: netSalary }\n');
    const result = await cli('compose', file, '--save');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cycle.yaml:12:29: ');
    expect(result.stderr).toContain("the table has a cycle: grossSalary → netSalary → grossSalary");
    expect((await admin('{ composites { name } }')).data.composites).toEqual([]);
  });

  it('an ambiguous need stops with the candidates; --pick chooses another operation than matching would', async () => {
    const ambiguous = path.join(folder, 'people.yaml');
    writeFileSync(ambiguous, 'composite: people\nsteps:\n  people: { need: "users" }\n');
    const refused = await cli('compose', ambiguous);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('people.yaml:3:19: step people: "users" matches 2 operations about as well');
    expect(refused.stderr).toContain('--pick people=Query.user');

    // Matched by wiring, booker would be user(id: $userId); picked, it is users(ids:) with the one id in a list.
    const file = path.join(folder, 'booker.yaml');
    writeFileSync(file, 'composite: booker\ninputs: { orderId: ID! }\nsteps:\n  order: { api: Query.order, args: { id: $orderId } }\n  booker: { need: "users" }\ndependencies:\n  - { step: booker, on: order }\n');
    const matched = await admin('mutation($r: JSON!) { draftComposite(request: $r) { document } }', { r: readFileSync(file, 'utf8') });
    expect(matched.data.draftComposite.document).toContain('booker: user(id: $userId)');
    const picked = await cli('compose', file, '--pick', 'booker=Query.users');
    expect(picked.stderr).toBe('');
    expect(picked.stdout).toContain('booker: users(ids: [$userId])');
    expect(picked.stdout).toContain('picked on the command line');
  });

  it('--publish saves and serves the draft with its protocol: list, show, /api and the export say SOAP', async () => {
    const out = path.join(folder, 'salary.graphql');
    const result = await cli('compose', 'test/compose/requests/salary.yaml', '--publish', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/saved as v1 \(protocol SOAP\) — salary: published v1/);
    expect(readFileSync(out, 'utf8')).toContain('query salary(');

    const called = await fetch(`${origin}/api/salary?employeeId=7`);
    expect(((await called.json()) as any).data.netSalary).toBe(4089.19);

    const list = await cli('list');
    expect(list.stdout).toMatch(/salary +published +v1 +v1 +\/api\/salary +SOAP +payroll/);
    const show = await cli('show', 'salary');
    expect(show.stdout).toContain('protocol: SOAP');
    const catalog = await (await fetch(`${origin}/api`)).text();
    expect(catalog).toMatch(/<dt>Protocol<\/dt><dd>SOAP/);
    const openapi = (await (await fetch(`${origin}/api/openapi.json`)).json()) as any;
    expect(openapi.paths['/api/salary'].get['x-skein-protocol']).toBe('SOAP');
    const exported = await admin('{ xml: export(name: "salary") { document } json: export(name: "salary", format: JSON) { document } }');
    expect(exported.data.xml.document).toContain('protocol="SOAP"');
    expect(JSON.parse(exported.data.json.document).protocol).toBe('SOAP');
    const versions = await admin('{ composite(name: "salary") { protocol versions { version protocol } } }');
    expect(versions.data.composite).toEqual({ protocol: 'SOAP', versions: [{ version: 1, protocol: 'SOAP' }] });
  });

  it("a request's protocol: overrides the majority, and the served graph says so", async () => {
    const file = path.join(folder, 'booking.yaml');
    writeFileSync(file, readFileSync('test/compose/requests/hotelOrder.yaml', 'utf8').replace('composite: hotelOrder', 'composite: booking\nprotocol: SOAP'));
    const drafted = await admin('mutation($r: JSON!) { draftComposite(request: $r) { document protocol protocolFrom } }', { r: readFileSync(file, 'utf8') });
    expect(drafted.data.draftComposite).toMatchObject({ protocol: 'SOAP', protocolFrom: 'request' });
    const saved = await admin('mutation($d: String!) { saveComposite(document: $d, protocol: SOAP) { version } publish(name: "booking") { state } }', {
      d: drafted.data.draftComposite.document,
    });
    expect(saved.errors).toBeUndefined();
    const lease = gateway.served.acquire();
    try {
      expect(lease.graph.protocols.get('booking')).toBe('SOAP');
      expect(lease.graph.protocols.get('salary')).toBe('SOAP');
    } finally {
      lease.release();
    }
  });

  it('a composite saved by hand gets the majority protocol (nothing recorded)', async () => {
    const saved = await admin(
      'mutation($d: String!) { saveComposite(document: $d) { protocol versions { protocol } } }',
      { d: 'query oneRoom($roomId: ID!) { room(roomId: $roomId) { type } hotel(id: "1") { name } }' },
    );
    // One SOAP step, one REST step: a tie goes to REST.
    expect(saved.data.saveComposite).toEqual({ protocol: 'REST', versions: [{ protocol: null }] });
  });

  it('find ranks the served operations, best first, as JSON with field, source and score', async () => {
    const result = await cli('find', 'social insurance on a gross salary', '--format', 'json');
    expect(result.code).toBe(0);
    const found = JSON.parse(result.stdout);
    expect(found[0]).toMatchObject({ field: 'Query.getSocialInsurance', source: 'payroll', kind: 'SOAP' });
    expect(found.map((c: any) => c.score)).toEqual([...found.map((c: any) => c.score)].sort((a, b) => b - a));
  });

  it('draftComposite takes the request as a JSON object too, and refuses with a code and details', async () => {
    const request = { composite: 'hotelOnly', inputs: { id: 'ID!' }, steps: { hotel: { need: 'hotel details', args: { id: '$id' } } } };
    const ok = await admin('mutation($r: JSON!) { draftComposite(request: $r) { name protocol document } }', { r: request });
    expect(ok.data.draftComposite).toMatchObject({ name: 'hotelOnly', protocol: 'REST' });
    const bad = await admin('mutation($r: JSON!) { draftComposite(request: $r) { name } }', { r: { ...request, protocol: 'SOAP' } });
    expect(bad.errors![0].extensions).toMatchObject({ code: 'PROTOCOL', details: [expect.stringMatching(/^request\.json:\d+:\d+: protocol: SOAP is spoken by none/)] });
  });

  it("draftComposite gives the draft's flow, the drawing's input (as Plan.flow), so a page can draw it", async () => {
    const request = readFileSync('test/compose/requests/salary.yaml', 'utf8');
    const { data } = await admin('mutation($r: JSON!) { draftComposite(request: $r) { flow } }', { r: request });
    const flow = data.draftComposite.flow;
    expect(flow.steps.map((s: { id: string }) => s.id)).toEqual(['grossSalary', 'socialInsurance', 'netSalary']);
    expect(flow.edges.map((e: { from: string; to: string; kind: string }) => `${e.from}→${e.to} ${e.kind}`).sort()).toEqual([
      'grossSalary→netSalary data',
      'grossSalary→socialInsurance data',
      'socialInsurance→netSalary data',
    ]);
    expect(flow.steps.every((s: { critical: boolean }) => typeof s.critical === 'boolean')).toBe(true);
  });
});
