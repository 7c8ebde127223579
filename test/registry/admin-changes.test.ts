import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SUMMARY } from './fixtures.js';
import { startTestRegistryGateway, type TestRegistryGateway } from './harness.js';
import { STORE_KINDS } from './stores.js';

const ROOMS_WSDL = readFileSync('schema/wsdl/rooms.wsdl', 'utf8');

/** A WSDL server that answers only when told to: while it holds, a check that reads the WSDL is in progress. */
async function heldWsdlServer() {
  let arrived!: () => void;
  const requested = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer(async (_req, res) => {
    arrived();
    await released;
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(ROOMS_WSDL);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rooms.wsdl`,
    requested,
    release,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const roomsSource = (wsdl: string) => `extend schema @source(name: "rooms", kind: SOAP, url: "http://127.0.0.1:9/rooms", wsdl: "${wsdl}", wsdlPort: "RoomServiceSoap", timeoutMs: 60000)
type Room { roomId: ID! floor: Int! }
type Query { room(roomId: ID!): Room @soap(source: "rooms", operation: "GetRoom") }
`;

const REGISTER = 'mutation($sdl: String!) { registerSource(input: { sdl: $sdl }) { name version } }';
const SAVE = 'mutation($d: String!) { saveComposite(document: $d) { name version } }';

describe.each(STORE_KINDS)('admin changes are checked off the serving path (%s store)', (kind) => {
  let gw: TestRegistryGateway;
  beforeAll(async () => {
    gw = await startTestRegistryGateway(kind);
  });
  afterAll(() => gw?.close());

  it('serves /healthz, /readyz, /graphql and admin reads, and takes another change, while a change is being checked', async () => {
    const wsdl = await heldWsdlServer();
    try {
      const registering = gw.admin(REGISTER, { sdl: roomsSource(wsdl.url) });
      // The checking thread builds the candidate and asks for its WSDL: the check is in progress.
      await Promise.race([
        wsdl.requested,
        registering.then((answer) => {
          throw new Error(`answered before its WSDL was asked for: ${JSON.stringify(answer)}`);
        }),
      ]);
      expect(gw.gateway.registry.checksInProgress).toBe(1);

      expect((await fetch(`${gw.origin}/healthz`)).status).toBe(200);
      expect((await fetch(`${gw.origin}/readyz`)).status).toBe(200);
      expect(await gw.graphql('{ user(id: "1") { name } }')).toEqual({ status: 200, data: { user: { name: 'Ada Lovelace' } } });
      const read = await gw.admin('{ sources { name } composites { name } }');
      expect(read.data.sources.map((s: { name: string }) => s.name)).not.toContain('rooms');
      // A second change is checked and stored meanwhile; reads go on answering.
      expect((await gw.admin(SAVE, { d: ORDER_SUMMARY })).data).toEqual({ saveComposite: { name: 'orderSummary', version: 1 } });
      expect((await gw.admin('{ composite(name: "orderSummary") { state } }')).data).toEqual({ composite: { state: 'DRAFT' } });

      // All of that was answered while the first check was still waiting for its WSDL.
      expect(gw.gateway.registry.checksInProgress).toBe(1);
      wsdl.release();
      expect((await registering).data).toEqual({ registerSource: { name: 'rooms', version: 1 } });
      expect(gw.gateway.registry.checksInProgress).toBe(0);
    } finally {
      wsdl.release();
      await wsdl.close();
    }
  });
});

describe('limits on what an admin change may hold', () => {
  let gw: TestRegistryGateway;
  beforeAll(async () => {
    gw = await startTestRegistryGateway('embedded', { limits: { maxCompositeSteps: 5, maxSourceFields: 40, maxSourceBytes: 4_000 } });
  });
  afterAll(() => gw?.close());

  /** A composite chaining `steps` user lookups, each step's id exported to the next. */
  const chain = (steps: number) => {
    const variables = Array.from({ length: steps - 1 }, (_, i) => `$v${i + 1}: ID @internal`).join(', ');
    const body = Array.from({ length: steps }, (_, i) => `s${i}: user(id: $v${i}) { id ${i < steps - 1 ? `@export(as: "v${i + 1}")` : ''} }`);
    return `query chain($v0: ID!, ${variables}) {\n${body.join('\n')}\n}`;
  };
  const wide = (fields: number) =>
    `extend schema @source(name: "wide", kind: REST, url: "http://127.0.0.1:9")\ntype Wide {\n${Array.from({ length: fields }, (_, i) => `  f${i}: String`).join('\n')}\n}\ntype Query { wide: Wide @rest(source: "wide", path: "/w") }\n`;

  it('takes a composite at the step limit and refuses one over it, storing nothing', async () => {
    expect((await gw.admin(SAVE, { d: chain(5) })).data).toEqual({ saveComposite: { name: 'chain', version: 1 } });
    const over = await gw.admin(SAVE, { d: chain(6) });
    expect(over.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(over.errors?.[0].message).toBe(
      'composite chain has 6 steps, over the limit of 5; nothing was stored (the limit is SKEIN_MAX_COMPOSITE_STEPS, or --max-composite-steps of skein serve)',
    );
    expect((await gw.admin('{ composite(name: "chain") { version } }')).data).toEqual({ composite: { version: 1 } });
  });

  it('refuses a source with more fields than the limit, and one larger than the byte limit, before checking it', async () => {
    // Query.wide counts too: 39 + 1 fields.
    expect((await gw.admin(REGISTER, { sdl: wide(39) })).data).toEqual({ registerSource: { name: 'wide', version: 1 } });
    const fields = await gw.admin(REGISTER, { sdl: wide(40) });
    expect(fields.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(fields.errors?.[0].message).toMatch(/^source wide declares 41 fields, over the limit of 40; .*SKEIN_MAX_SOURCE_FIELDS/);
    const bytes = await gw.admin(REGISTER, { sdl: `# ${'x'.repeat(4_000)}\n${wide(1)}` });
    expect(bytes.errors?.[0].extensions?.code).toBe('LIMIT_EXCEEDED');
    expect(bytes.errors?.[0].message).toMatch(/^the source is 4\d\d\d bytes \(SDL and attachments\), over the limit of 4000; .*SKEIN_MAX_SOURCE_BYTES/);
    expect((await gw.admin('{ source(name: "wide") { version } }')).data).toEqual({ source: { version: 1 } });
  });
});
