import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import { buildGraph } from '../../src/graph/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { McpSessions, type McpSession } from '../../src/server/mcp/sessions.js';
import { ORDER_SUMMARY } from '../registry/fixtures.js';
import { startTestRegistryGateway, type TestRegistryGateway } from '../registry/harness.js';

/**
 * An MCP client (the SDK's own) on a gateway's /mcp. `streamOpen` resolves once its GET
 * notification stream is established, so a test that waits for a notification cannot
 * race the stream's opening; `notified()` resolves at the next tools/list_changed.
 */
async function connect(url: string) {
  let opened!: () => void;
  const streamOpen = new Promise<void>((resolve) => (opened = resolve));
  const observingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && response.ok) opened();
    return response;
  };
  const client = new Client({ name: 'skein-test', version: '1.0.0' });
  let changes = 0;
  let waiting: (() => void)[] = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    changes++;
    for (const resolve of waiting) resolve();
    waiting = [];
  });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: observingFetch }));
  return {
    client,
    streamOpen,
    changes: () => changes,
    notified: () => new Promise<void>((resolve) => waiting.push(resolve)),
    call: (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>,
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
  };
}

/** The `{ data, errors }` JSON a tool error carries after its summary line. */
const errorBody = (result: CallToolResult) => JSON.parse((result.content[1] as { text: string }).text);
const codes = (errors: { extensions?: { code?: string } }[]) => errors.map((e) => e.extensions?.code).sort();

describe('composites as MCP tools: the demo composites', () => {
  let demo: DemoUpstreams;
  let gateway: RunningGateway;
  let mcp: Awaited<ReturnType<typeof connect>>;
  let tools: Tool[];
  const api = async (path: string) => {
    const response = await fetch(`${gateway.apiUrl}${path}`);
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    demo = await startDemoUpstreams({ delayMs: 0 });
    const graph = await buildGraph(loadSchemaFolder('schema'), { urls: demo.urls, onSourceError: 'fail' });
    gateway = await startGateway({ graph, port: 0, host: '127.0.0.1' });
    mcp = await connect(gateway.mcpUrl);
    await mcp.streamOpen;
    tools = (await mcp.client.listTools()).tools;
  });
  afterAll(async () => {
    await mcp?.client.close();
    await gateway?.close();
    await demo?.close();
  });

  it('lists one tool per composite, described by its comment, with JSON Schemas of its variables and result', () => {
    expect(tools.map((t) => t.name)).toEqual(['customerStatement', 'hotelOrder', 'salary']);
    const hotelOrder = tools.find((t) => t.name === 'hotelOrder')!;
    expect(hotelOrder.description).toBe(
      'A booking page in one call: the order, then who booked, the hotel and the room, at once.\nOrders, users and hotels speak REST; rooms speak SOAP.',
    );
    // Internal variables ($userId, …) are not arguments.
    expect(hotelOrder.inputSchema).toEqual({ type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'], additionalProperties: false });
    expect(Object.keys(hotelOrder.outputSchema!.properties!)).toEqual(['order', 'user', 'hotel', 'room']);
    expect(hotelOrder.annotations).toMatchObject({ readOnlyHint: true });
    const salary = tools.find((t) => t.name === 'salary')!;
    expect(salary.inputSchema).toMatchObject({ properties: { employeeId: { type: 'string' } }, required: ['employeeId'] });
    expect(salary.outputSchema).toMatchObject({
      type: 'object',
      properties: { grossSalary: { anyOf: [{ type: 'number' }, { type: 'null' }] }, netSalary: { anyOf: [{ type: 'number' }, { type: 'null' }] } },
    });
    const statement = tools.find((t) => t.name === 'customerStatement')!;
    expect(statement.inputSchema).toMatchObject({ properties: { customerId: { type: 'string' } }, required: ['customerId'] });
    // Nested object types are named definitions the root refers to.
    expect(statement.outputSchema!.properties!.statement).toMatchObject({ anyOf: [{ $ref: expect.stringMatching(/^#\/\$defs\//) }, { type: 'null' }] });
    expect(Object.keys(statement.outputSchema!.$defs as object).length).toBeGreaterThan(0);
  });

  it('hotelOrder answers structured content equal to /api/hotelOrder', async () => {
    const result = await mcp.call('hotelOrder', { orderId: '1' });
    const rest = await api('/hotelOrder?orderId=1');
    expect(rest.status).toBe(200);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(rest.body.data);
    expect(result.structuredContent).toMatchObject({ order: { id: '1' }, user: { name: 'Hiro Lovelace' }, room: { type: 'SUITE' } });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(rest.body.data);
  });

  it('salary answers structured content equal to /api/salary', async () => {
    const result = await mcp.call('salary', { employeeId: '7' });
    const rest = await api('/salary?employeeId=7');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual(rest.body.data);
    expect(result.structuredContent).toMatchObject({ netSalary: 4089.19 });
  });

  it('customerStatement answers as /api does on both branches; the client checks it against the output schema and its $defs', async () => {
    for (const customerId of ['1', '3']) {
      const result = await mcp.call('customerStatement', { customerId });
      const rest = await api(`/customerStatement?customerId=${customerId}`);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(rest.body.data);
    }
    expect((await mcp.call('customerStatement', { customerId: '1' })).structuredContent).toMatchObject({ statement: { iban: expect.stringMatching(/^PT50/) }, warning: null });
  });

  it('a failing step is a tool error naming each GraphQL error by code, with the data /api answers', async () => {
    const result = await mcp.call('hotelOrder', { orderId: '99999' });
    const rest = await api('/hotelOrder?orderId=99999');
    expect(rest.status).toBe(404);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const summary = (result.content[0] as { text: string }).text;
    expect(summary).toMatch(/^UPSTREAM_HTTP_ERROR at hotelOrder\.order: /m);
    expect(summary).toMatch(/^COMPOSITE_STEP_SKIPPED at hotelOrder\.user: /m);
    const body = errorBody(result);
    expect(body.data).toEqual(rest.body.data);
    expect(codes(body.errors)).toEqual(codes(rest.body.errors));
    expect(body.errors.map((e: { message: string }) => e.message).sort()).toEqual(rest.body.errors.map((e: { message: string }) => e.message).sort());
  });

  it('bad arguments are tool errors that name the problem; an unknown tool is a protocol error', async () => {
    const missing = await mcp.call('hotelOrder', {});
    expect(missing.isError).toBe(true);
    expect((missing.content[0] as { text: string }).text).toBe('BAD_REQUEST: missing variable orderId (ID!)');
    const unknown = await mcp.call('hotelOrder', { orderId: '1', userId: '3' });
    expect((unknown.content[0] as { text: string }).text).toMatch(/^BAD_REQUEST: unknown variable userId: hotelOrder has no variable of that name; it takes orderId \(ID!\)$/);
    const malformed = await mcp.call('salary', { employeeId: { id: 7 } });
    expect(malformed.isError).toBe(true);
    expect((malformed.content[0] as { text: string }).text).toMatch(/^BAD_REQUEST: Variable "\$employeeId" got invalid value/);
    await expect(mcp.call('nope', {})).rejects.toThrow(/no published composite is named "nope"/);
  });

  it('refuses browser pages (any Origin) with 403 and sends no CORS headers', async () => {
    const response = await fetch(gateway.mcpUrl, {
      method: 'POST',
      headers: { origin: 'http://evil.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(gateway.mcpUrl, { method: 'OPTIONS' });
    expect(preflight.status).toBe(405);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs a session: 400 without one, 404 for one it does not know; a body over the limit is 413', async () => {
    const post = (headers: Record<string, string>, body: string) =>
      fetch(gateway.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body });
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect((await post({}, list)).status).toBe(400);
    const unknown = await post({ 'mcp-session-id': 'not-a-session' }, list);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.message).toMatch(/start a new one with initialize/);
    const huge = await post({}, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).errors[0].extensions.code).toBe('BODY_TOO_LARGE');

    // A session the client ended (DELETE) is gone.
    const other = await connect(gateway.mcpUrl);
    const transport = other.client.transport as StreamableHTTPClientTransport;
    const ended = transport.sessionId!;
    expect(await other.toolNames()).toContain('salary');
    await transport.terminateSession();
    expect((await post({ 'mcp-session-id': ended, 'mcp-protocol-version': '2025-11-25' }, list)).status).toBe(404);
    await other.client.close();
  });

  it('shutting down ends every session, open notification streams too: no request is cut off at the deadline', async () => {
    const { cutOff } = await gateway.shutdown(30_000);
    expect(cutOff).toBe(0);
  });
});

/** A source no composite uses: registering it rebuilds the graph, and leaves the tools as they were. */
const NOTES_SOURCE = `extend schema @source(name: "notes", kind: REST, url: "http://127.0.0.1:9")
type Note { id: ID! text: String }
type Query { note(id: ID!): Note @rest(source: "notes", path: "/notes/{id}") }
`;

describe('composites as MCP tools: lifecycle changes update the tool list', () => {
  let gw: TestRegistryGateway;
  let mcp: Awaited<ReturnType<typeof connect>>;
  const admin = async (query: string, variables?: Record<string, unknown>) => {
    const answer = await gw.admin(query, variables);
    expect(answer.errors).toBeUndefined();
    return answer.data;
  };

  beforeAll(async () => {
    gw = await startTestRegistryGateway('embedded');
    mcp = await connect(`${gw.origin}/mcp`);
    await mcp.streamOpen;
  });
  afterAll(async () => {
    await mcp?.client.close();
    await gw?.close();
  });

  it('publishing a composite adds its tool and tells connected sessions', async () => {
    expect(await mcp.toolNames()).toEqual(['customerStatement']);
    const changed = mcp.notified();
    await admin('mutation($c: [CompositeUpload!]!) { push(sources: [], composites: $c, publish: true) { items { name } } }', { c: [{ document: ORDER_SUMMARY }] });
    await changed;
    expect(await mcp.toolNames()).toEqual(['customerStatement', 'orderSummary']);
    const result = await mcp.call('orderSummary', { orderId: '1' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ order: { id: '1' }, user: { name: expect.any(String) } });
  });

  it('pausing removes the tool (a call answers COMPOSITE_PAUSED); resuming brings it back; a draft or a source changes nothing', async () => {
    const before = mcp.changes();
    // Two changes that leave the tool list as it was: a draft, and a source (which reloads the graph).
    await admin('mutation($d: String!) { saveComposite(document: $d) { state } }', { d: ORDER_SUMMARY.replace('orderSummary', 'draftSummary') });
    await admin('mutation($i: SourceInput!) { registerSource(input: $i) { name } }', { i: { sdl: NOTES_SOURCE } });
    const paused = mcp.notified();
    await admin('mutation { pause(name: "orderSummary") { state } }');
    await paused;
    // Notifications arrive in order on one stream: the draft and the source sent none.
    expect(mcp.changes()).toBe(before + 1);
    expect(await mcp.toolNames()).toEqual(['customerStatement']);
    const call = await mcp.call('orderSummary', { orderId: '1' });
    expect(call.isError).toBe(true);
    expect((call.content[0] as { text: string }).text).toBe('COMPOSITE_PAUSED: composite "orderSummary" is paused; it answers again once it is resumed');

    const resumed = mcp.notified();
    await admin('mutation { resume(name: "orderSummary") { state } }');
    await resumed;
    expect(await mcp.toolNames()).toEqual(['customerStatement', 'orderSummary']);
  });

  it('deleting removes the tool; calling it is then an unknown tool', async () => {
    const changed = mcp.notified();
    await admin('mutation { delete(name: "orderSummary") { state } }');
    await changed;
    expect(await mcp.toolNames()).toEqual(['customerStatement']);
    await expect(mcp.call('orderSummary', { orderId: '1' })).rejects.toThrow(/no published composite is named "orderSummary"/);
  });
});

describe('MCP sessions are bounded', () => {
  const fakeSession = (closed: string[], id: string, lastSeen: number): McpSession =>
    ({ open: 0, lastSeen, transport: { close: async () => void closed.push(id) } }) as unknown as McpSession;

  it('sweep closes the sessions idle past the limit, never one with a request or stream open', async () => {
    const closed: string[] = [];
    const sessions = new McpSessions(10, 1_000);
    sessions.add('old', fakeSession(closed, 'old', 0));
    sessions.add('recent', fakeSession(closed, 'recent', 5_000));
    const streaming = fakeSession(closed, 'streaming', 0);
    sessions.add('streaming', streaming);
    sessions.enter(streaming, 0);
    expect(await sessions.sweep(5_500)).toBe(1);
    expect(closed).toEqual(['old']);
    expect([sessions.get('old'), sessions.get('recent') !== undefined, sessions.get('streaming') !== undefined]).toEqual([undefined, true, true]);
  });
});
