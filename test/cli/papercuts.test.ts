import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN_FORMATS } from '../../src/composite/index.js';
import { DEFAULT_DATA_DIR } from '../../src/registry/index.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { skein, SKEIN, type CliResult } from '../helpers/cli.js';

const execute = promisify(execFile);

/** The CLI run from another folder, so that what it prints can be checked against the paths a user typed. */
async function skeinIn(cwd: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execute('node', [SKEIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliResult;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-papercuts-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const USERS = `extend schema @source(name: "users", kind: REST, url: "http://127.0.0.1:9")
type User { id: ID! name: String! }
type Order { id: ID! userId: ID! }
type Query {
  user(id: ID!): User @rest(source: "users", path: "/users/{id}")
  order(id: ID!): Order @rest(source: "users", path: "/orders/{id}")
}
`;

describe('skein --version and --help', () => {
  it('prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await skein(flag);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it("leaves a verb's own --version to the verb", async () => {
    const result = await skein('publish', 'x', '--version', '2', '--gateway', 'http://127.0.0.1:9');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the gateway at http://127.0.0.1:9');
  });

  it('lists every plan format in plan and show, and the real default data folder in serve', async () => {
    for (const verb of ['plan', 'show']) {
      const help = (await skein(verb, '--help')).stdout.replace(/\s+/g, ' ');
      for (const format of PLAN_FORMATS) expect(help).toContain(format);
    }
    expect((await skein('serve', '--help')).stdout).toContain(`default ${DEFAULT_DATA_DIR}`);
  });
});

describe('schema errors', () => {
  it('lists the valid kinds when @source has a wrong one', async () => {
    const dir = folder({
      'sources/a.graphql': `extend schema @source(name: "a", kind: RESTT, url: "http://127.0.0.1:9")
type Query { one: String @rest(source: "a", path: "/one") }`,
    });
    const result = await skeinIn(dir, 'check', '--schema', '.');
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('sources/a.graphql:1:40: @source(kind: RESTT): expected one of REST, SOAP, GRAPHQL, NATS, MQTT');
  });

  it('reports every link error of a composite, each with file:line:column, counted in words', async () => {
    const dir = folder({
      'sources/users.graphql': USERS,
      'composites/two.graphql': `query two($orderId: ID!, $userId: ID! @internal, $otherId: ID! @internal) {
  order(id: $orderId) { id }
  user(id: $userId) { name }
  again: user(id: $otherId) { name }
}
`,
    });
    const result = await skeinIn(dir, 'check', '--schema', '.');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('composites/two.graphql:1:26: composite two: $userId is declared @internal but no step exports it');
    expect(result.stderr).toContain('composites/two.graphql:1:50: composite two: $otherId is declared @internal but no step exports it');
    expect(result.stderr).toMatch(/\n2 errors\n$/);
  });

  it('says "1 error", not "1 errors"', async () => {
    const dir = folder({
      'sources/users.graphql': USERS,
      'composites/one.graphql': 'query one($id: ID!) { user(id: $id) { nope } }\n',
    });
    const result = await skeinIn(dir, 'check', '--schema', '.');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('composites/one.graphql:1:39: Cannot query field "nope" on type "User".');
    expect(result.stderr).not.toMatch(/\b1 errors\b/);
  });
});

describe('an unserved path', () => {
  it('answers 404 naming the nearest served path', async () => {
    const ok = () => {};
    const server = await startHttpServer(
      [
        { prefix: '/graphql', handle: ok },
        { prefix: '/admin/graphql', handle: ok },
      ],
      0,
      '127.0.0.1',
    );
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const admin = await fetch(`${base}/admin`);
      expect(admin.status).toBe(404);
      expect(await admin.json()).toEqual({ error: 'nothing is served at /admin; did you mean /admin/graphql?' });
      expect(await (await fetch(`${base}/elsewhere`)).json()).toEqual({ error: 'nothing is served at /elsewhere; GraphQL is at /graphql' });
    } finally {
      await server.close();
    }
  });
});

describe('the registry verbs name the user’s own files', () => {
  let gateway: ChildProcess;
  let url: string;
  let work: string;

  beforeAll(async () => {
    const schema = folder({ 'sources/users.graphql': USERS });
    gateway = spawn('node', [SKEIN, 'serve', '--dev', '--port', '0', '--host', '127.0.0.1', '--data', ':memory:', '--schema', schema]);
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      gateway.stdout!.on('data', (chunk: Buffer) => {
        out += chunk;
        const match = /at (http:\/\/\S+)\/graphql/.exec(out);
        if (match) resolve(match[1]);
      });
      gateway.stderr!.on('data', (chunk: Buffer) => (out += chunk));
      gateway.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
    });
    work = folder({
      'my/x.graphql': `# two mistakes
query x($orderId: ID!) {
  order(id: $orderId) {
    id
    nope
  }
  user(id: "1") { name missing }
}
`,
      'my/fine.graphql': 'query fine($id: ID!) { user(id: $id) { name } }\n',
      'bad.wsdl': `<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/">
  <message name="x">
  </definitions>
`,
      'bad.yaml': `openapi: 3.0.0
info: { title: t, version: "1" }
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Missing' }
`,
      'push/sources/users.graphql': USERS,
      'push/composites/broken.graphql': 'query broken($id: ID!) {\n  user(id: $id) { name nope }\n}\n',
    });
  }, 120_000);

  afterAll(() => {
    gateway?.kill('SIGTERM');
  });

  it('skein save: every error at its place in the file as given', async () => {
    const result = await skeinIn(work, 'save', 'my/x.graphql', '--gateway', url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('my/x.graphql:5:5: Cannot query field "nope" on type "Order".');
    expect(result.stderr).toContain('my/x.graphql:7:24: Cannot query field "missing" on type "User".');
    expect(result.stderr).not.toContain('registry/composites');
  });

  it('skein push: the folder’s file', async () => {
    const result = await skeinIn(work, 'push', '--schema', 'push', '--gateway', url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('push/composites/broken.graphql:2:24: Cannot query field "nope" on type "User".');
    expect(result.stderr).not.toContain('registry/composites');
  });

  it('skein source add --wsdl: the WSDL as given, not a temporary copy', async () => {
    const result = await skeinIn(work, 'source', 'add', '--wsdl', 'bad.wsdl', '--name', 'bad', '--gateway', url);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('bad.wsdl:4:16: bad.wsdl is not well-formed XML: unexpected close tag.');
  });

  it('skein source add --openapi: the document’s file, line and column', async () => {
    const result = await skeinIn(work, 'source', 'add', '--openapi', 'bad.yaml', '--name', 'bad', '--gateway', url);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bad\.yaml:11:\d+: \$ref "#\/components\/schemas\/Missing"/);
  });

  it('skein source add --openapi without --name says what is missing', async () => {
    const result = await skeinIn(work, 'source', 'add', '--openapi', 'bad.yaml', '--gateway', url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--name is required with --openapi');
  });

  it('skein show --format svg and png draw the plan of a draft', async () => {
    expect((await skeinIn(work, 'save', 'my/fine.graphql', '--gateway', url)).code).toBe(0);
    const result = await skeinIn(work, 'show', 'fine', '--format', 'svg', '--gateway', url);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^<svg [^>]*role="img"[^>]*>\n<title>fine \(query\): /);
    const png = await skeinIn(work, 'show', 'fine', '--format', 'png', '--gateway', url);
    expect(png.stderr.trim()).toBe('wrote the png plan of fine to fine.png');
    expect(readFileSync(path.join(work, 'fine.png')).subarray(1, 4).toString()).toBe('PNG');
    const wrong = await skeinIn(work, 'show', 'fine', '--format', 'pdf', '--gateway', url);
    expect(wrong.stderr).toContain('--format must be one of text, json, mermaid, dot, svg, png, not "pdf"');
  });
});
