import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError, SchemaErrors } from '../../src/errors/schema-error.js';
import { buildGraph } from '../../src/graph/index.js';
import { graphFactory } from '../../src/registry/candidate.js';
import { RegistryError } from '../../src/registry/errors.js';
import { sourceFromDescription } from '../../src/registry/import-source.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { thingsWsdl, thingsXsd } from './things-wsdl.js';

// Issue 12, item 4: an admin token could make the gateway read its own files. A WSDL's
// xsd:import / xsd:include / wsdl:import with an absolute path, a file: URL or a `..`
// escape was read, and an XSD's documentation came back through public introspection;
// for a non-XML file the error confirmed it existed and gave its line count. Now a
// source reads documents only inside the folder it came with, or from http(s) URLs.

const SECRET_DOC = 'TOP-SECRET-DOCUMENTATION-7f3a';

const xsdImport = (location: string) => `<xsd:import namespace="urn:x" schemaLocation="${location}"/>`;
const xsdInclude = (location: string) => `<xsd:include schemaLocation="${location}"/>`;
const wsdlImport = (location: string) => `<wsdl:import namespace="urn:x" location="${location}"/>`;

/** What went wrong, as the author (or an admin) reads it. */
async function failure(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof SchemaErrors) return error.errors.map((e) => e.format()).join('\n');
    if (error instanceof SchemaError) return error.format();
    if (error instanceof RegistryError) return `${error.message}\n${(error.details ?? []).join('\n')}`;
    throw error;
  }
  throw new Error('it was accepted');
}

let outside: string; // a folder beside the schema folder, with files a source must not read
let secretXsd: string;
let secretText: string;
let xsdServer: http.Server;
let xsdUrl: string;

beforeAll(async () => {
  outside = mkdtempSync(path.join(tmpdir(), 'skein-outside-'));
  secretXsd = path.join(outside, 'secret.xsd');
  writeFileSync(secretXsd, thingsXsd(SECRET_DOC));
  // A non-XML file, as /etc/shadow is: its existence and size were what leaked.
  secretText = path.join(outside, 'shadow');
  writeFileSync(secretText, 'root:$6$secret-hash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
  xsdServer = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(thingsXsd(SECRET_DOC)));
  await new Promise<void>((resolve) => xsdServer.listen(0, '127.0.0.1', resolve));
  xsdUrl = `http://127.0.0.1:${(xsdServer.address() as AddressInfo).port}/things.xsd`;
});
afterAll(() => new Promise<void>((resolve) => xsdServer?.close(() => resolve())));

describe('an admin upload (registerSource with wsdl or openapi) reads nothing from the gateway', () => {
  it('imports what a WSDL imports from an http(s) URL, documentation and all (the control)', async () => {
    const source = await sourceFromDescription({ name: 'things', wsdl: thingsWsdl(xsdImport(xsdUrl)), url: 'http://127.0.0.1:9/things' });
    expect(source.sdl).toContain(SECRET_DOC);
  });

  const escapes: [string, () => string][] = [
    ['xsd:import of an absolute path', () => xsdImport(secretXsd)],
    ['xsd:import of a file: URL', () => xsdImport(pathToFileURL(secretXsd).href)],
    ['xsd:import climbing out with ..', () => xsdImport(`../../../../../../..${secretXsd}`)],
    ['xsd:include of an absolute path', () => xsdInclude(secretXsd)],
    ['wsdl:import of an absolute path', () => wsdlImport(secretXsd)],
    ['xsd:import of a non-XML file', () => xsdImport(secretText)],
  ];
  it.each(escapes)('refuses a %s before reading it, saying nothing about the file', async (_what, reference) => {
    const message = await failure(() => sourceFromDescription({ name: 'things', wsdl: thingsWsdl(reference()) }));
    expect(message).toMatch(/asks for a document Skein will not read: .* this source has no files of its own, so it may read documents only from http\(s\) URLs/);
    expect(message).not.toContain(SECRET_DOC);
    expect(message).not.toMatch(/does not exist|not well-formed|secret-hash|ENOENT|EACCES/);
  });

  it('refuses an OpenAPI $ref to a local file, and reads none while bundling', async () => {
    writeFileSync(path.join(outside, 'pet.json'), JSON.stringify({ type: 'object', description: SECRET_DOC, properties: { id: { type: 'string' } } }));
    const document = (ref: string) =>
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'Pets', version: '1' },
        paths: { '/pet': { get: { operationId: 'getPet', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: ref } } } } } } } },
      });
    for (const ref of [path.join(outside, 'pet.json'), pathToFileURL(path.join(outside, 'pet.json')).href, '../../../../../../..' + path.join(outside, 'pet.json')]) {
      const message = await failure(() => sourceFromDescription({ name: 'pets', openapi: document(ref), url: 'http://127.0.0.1:9' }));
      expect(message).toContain('names a document Skein will not read');
      expect(message).not.toContain(SECRET_DOC);
    }
  });
});

describe('a source in a schema folder reads only inside that folder', () => {
  let folder: string;
  const source = (wsdl: string) => `extend schema @source(name: "things", kind: SOAP, url: "http://127.0.0.1:9/things", wsdl: ${JSON.stringify(wsdl)})\n`;
  const write = (relative: string, text: string) => {
    mkdirSync(path.dirname(path.join(folder, relative)), { recursive: true });
    writeFileSync(path.join(folder, relative), text);
  };
  const build = () => buildGraph(loadSchemaFolder(folder), { onSourceError: 'fail' }).then((graph) => graph.close());

  beforeAll(() => {
    folder = mkdtempSync(path.join(outside, 'schema-'));
    write('wsdl/things.xsd', thingsXsd('Things are fine.'));
    write('wsdl/things.wsdl', thingsWsdl(xsdImport('things.xsd')));
  });

  it('builds with a WSDL and an XSD inside the folder (the control)', async () => {
    write('sources/things.graphql', `${source('../wsdl/things.wsdl')}type Thing { name: String! }\ntype Query { thing(id: String!): Thing @soap(source: "things", operation: "GetThing") }\n`);
    await build();
  });

  const names: [string, () => string][] = [
    ['/etc/passwd', () => '/etc/passwd'],
    ['/proc/self/environ', () => '/proc/self/environ'],
    ['a file: URL', () => 'file:///etc/passwd'],
    ['a .. escape to a file that exists', () => path.relative(path.join(folder, 'sources'), secretText)],
    ['a .. escape to a file that does not', () => path.relative(path.join(folder, 'sources'), path.join(outside, 'nothing-here'))],
    ['an absolute path to a file that exists', () => secretText],
  ];
  it.each(names)('refuses wsdl: %s at the @source, the same whether the file exists or not', async (_what, wsdl) => {
    write('sources/things.graphql', `${source(wsdl())}type Query { thing(id: String!): String @soap(source: "things", operation: "GetThing") }\n`);
    const message = await failure(build);
    expect(message).toMatch(/sources\/things\.graphql:1:15: source "things": wsdl: ".*" is outside this source's folder; a source reads documents only from its own folder \(relative paths that stay inside it\) or from http\(s\) URLs/);
    expect(message).not.toMatch(/does not exist|not well-formed|line \d|secret-hash|ENOENT|EACCES/);
  });

  it.each([
    ['xsd:import', xsdImport],
    ['xsd:include', xsdInclude],
    ['wsdl:import', wsdlImport],
  ])('refuses an %s leaving the folder at the element that names it', async (_what, reference) => {
    write('wsdl/leaky.wsdl', thingsWsdl(reference(secretText)));
    write('sources/things.graphql', `${source('../wsdl/leaky.wsdl')}type Query { thing(id: String!): String @soap(source: "things", operation: "GetThing") }\n`);
    const message = await failure(build);
    expect(message).toMatch(/wsdl\/leaky\.wsdl:\d+:\d+: source "things": <(xsd|wsdl):(import|include)> asks for a document Skein will not read: ".*shadow" is outside this source's folder/);
    expect(message).not.toMatch(/secret-hash|not well-formed|line \d/);
  });
});

describe('a registry source reads only what was uploaded with it', () => {
  const factory = graphFactory({ onSourceError: 'fail', attachmentsDir: mkdtempSync(path.join(tmpdir(), 'skein-attachments-')) });
  const candidate = (sdl: string, attachments: Record<string, string> = {}) => ({ sources: [{ name: 'things', sdl, attachments }], composites: [] });
  const sdl = (wsdl: string) =>
    `extend schema @source(name: "things", kind: SOAP, url: "http://127.0.0.1:9/things", wsdl: ${JSON.stringify(wsdl)})\ntype Thing { name: String! }\ntype Query { thing(id: String!): Thing @soap(source: "things", operation: "GetThing") }\n`;

  it('builds from its attachments (the control)', async () => {
    const graph = await factory.build(candidate(sdl('things.wsdl'), { 'things.wsdl': thingsWsdl(xsdImport('things.xsd')), 'things.xsd': thingsXsd('fine') }));
    await graph.close();
  });

  it('refuses a WSDL that is not among them: an absolute path, a file: URL', async () => {
    for (const wsdl of ['/etc/passwd', 'file:///etc/passwd', secretXsd]) {
      expect(await failure(() => factory.build(candidate(sdl(wsdl))))).toMatch(/has no files of its own, so it may read documents only from http\(s\) URLs/);
    }
  });

  it('refuses an attachment importing a file outside its folder, another source\'s folder included', async () => {
    for (const location of [secretXsd, '../things-0000000000000000/things.xsd', pathToFileURL(secretXsd).href]) {
      const message = await failure(() => factory.build(candidate(sdl('things.wsdl'), { 'things.wsdl': thingsWsdl(xsdImport(location)) })));
      expect(message).toContain("is outside this source's folder");
      expect(message).not.toContain(SECRET_DOC);
    }
  });
});

// Issue 12, item 4: a header template {env.SKEIN_ADMIN_TOKEN} on a source pointed at a
// server of the admin's own sent every admin token there. Templates may now name only
// SKEIN_SOURCE_* and what SKEIN_ENV_ALLOW lists; the gateway's own secrets never.
describe('{env.X} templates name only the variables the operator allowed', () => {
  let seen: http.IncomingHttpHeaders[];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    seen = [];
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('"ok"');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = {
    SKEIN_ADMIN_TOKEN: 'alice:alice-secret-1,bob:bob-secret-2',
    DATABASE_URL: 'postgres://skein:db-secret@db/skein',
    REDIS_URL: 'redis://:redis-secret@cache',
    SKEIN_JWT_SECRET: 'jwt-secret-3',
    SHOP_TOKEN: 'shop-secret-4',
    SKEIN_SOURCE_SHOP_TOKEN: 'shop-secret-5',
  };
  const rest = (header: string, query = '') =>
    `extend schema @source(name: "shop", kind: REST, url: "${url}", headers: [{ name: "X-Key", value: "${header}" }])\n` +
    `type Query { ping: String @rest(source: "shop", path: "/ping"${query}) }\n`;
  const build = async (sdl: string, extra: Record<string, string> = {}) => {
    const graph = await buildGraph({ sources: [{ path: 'sources/shop.graphql', text: sdl }], composites: [] }, { env: { ...env, ...extra }, onSourceError: 'fail' });
    return graph;
  };

  it.each(['SKEIN_ADMIN_TOKEN', 'DATABASE_URL', 'REDIS_URL', 'SKEIN_JWT_SECRET'])(
    'refuses {env.%s} at the @source, even with SKEIN_ENV_ALLOW=*, and sends nothing',
    async (name) => {
      const message = await failure(() => build(rest(`{env.${name}}`), { SKEIN_ENV_ALLOW: '*' }));
      expect(message).toBe(
        `sources/shop.graphql:1:15: source "shop", header X-Key: {env.${name}} names one of the gateway's own secrets ` +
          "(SKEIN_ADMIN_TOKEN, SKEIN_TOKEN, DATABASE_URL, REDIS_URL, PGPASSWORD, *JWT*), which no source may send anywhere",
      );
      expect(message).not.toMatch(/secret-\d/);
      expect(seen).toEqual([]);
    },
  );

  it('refuses a variable the operator did not allow, naming the setting to change', async () => {
    expect(await failure(() => build(rest('Bearer {env.SHOP_TOKEN}')))).toBe(
      'sources/shop.graphql:1:15: source "shop", header X-Key: {env.SHOP_TOKEN} is not an environment variable sources may read: ' +
        'they may read SKEIN_SOURCE_*; add SHOP_TOKEN to SKEIN_ENV_ALLOW (a comma-separated list of names and PREFIX_* patterns) to allow it',
    );
  });

  it('sends SKEIN_SOURCE_* by default, and what SKEIN_ENV_ALLOW lists by name or prefix', async () => {
    for (const [header, allow, sent] of [
      ['{env.SKEIN_SOURCE_SHOP_TOKEN}', '', 'shop-secret-5'],
      ['{env.SHOP_TOKEN}', 'OTHER, SHOP_TOKEN', 'shop-secret-4'],
      ['{env.SHOP_TOKEN}', 'SHOP_*', 'shop-secret-4'],
    ] as const) {
      const graph = await build(rest(header), { SKEIN_ENV_ALLOW: allow });
      await graph.operations.get('Query.ping')!.call({}, {});
      await graph.close();
      expect(seen.pop()?.['x-key']).toBe(sent);
    }
  });

  it('refuses a gateway secret in a @rest template and in SOAP credentials and headers', async () => {
    expect(await failure(() => build(rest('{env.SKEIN_SOURCE_SHOP_TOKEN}', ', query: [{ name: "t", value: "{env.SKEIN_ADMIN_TOKEN}" }]')))).toMatch(
      /^sources\/shop\.graphql:2:\d+: @rest on Query\.ping: query "\{env\.SKEIN_ADMIN_TOKEN\}": \{env\.SKEIN_ADMIN_TOKEN\} names one of the gateway's own secrets/,
    );
    const folder = mkdtempSync(path.join(outside, 'soap-'));
    mkdirSync(path.join(folder, 'sources'));
    writeFileSync(path.join(folder, 'things.xsd'), thingsXsd('fine'));
    writeFileSync(path.join(folder, 'things.wsdl'), thingsWsdl(xsdImport('things.xsd')));
    for (const argument of [
      'wsSecurity: { username: "gw", password: "{env.DATABASE_URL}" }',
      'soapHeaders: ["<t:T xmlns:t=\\"urn:t\\">{env.SKEIN_ADMIN_TOKEN}</t:T>"]',
    ]) {
      writeFileSync(
        path.join(folder, 'sources', 'things.graphql'),
        `extend schema @source(name: "things", kind: SOAP, url: "${url}", wsdl: "../things.wsdl", ${argument})\n` +
          'type Query { thing(id: String!): JSON @soap(source: "things", operation: "GetThing") }\n',
      );
      const message = await failure(() => buildGraph(loadSchemaFolder(folder), { onSourceError: 'fail' }));
      expect(message).toMatch(/things\.graphql:1:15: source "things": (wsSecurity\.password|soapHeaders\[0\]): \{env\.(DATABASE_URL|SKEIN_ADMIN_TOKEN)\} names one of the gateway's own secrets/);
    }
    expect(seen).toEqual([]);
  });
});
