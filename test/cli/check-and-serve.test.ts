import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { skein, SKEIN } from '../helpers/cli.js';

function schemaFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-schema-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('skein check', () => {
  it('accepts the demo schema', async () => {
    const result = await skein('check', '--schema', 'schema');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schema: ok \(\d+ sources, \d+ operations/);
  });

  it('exits non-zero with file:line:column for each error, and no stack trace', async () => {
    const dir = schemaFolder({
      'sources/a.graphql': `extend schema @source(name: "a", kind: REST, url: "http://127.0.0.1:9")
type Query {
  one(id: ID!): String @rest(source: "a", path: "/one/{key}")
  two: String @rest(source: "b", path: "/two")
}`,
    });
    const result = await skein('check', '--schema', dir);
    expect(result.code).toBe(1);
    const file = path.relative(process.cwd(), path.join(dir, 'sources/a.graphql'));
    expect(result.stderr).toContain(`${file}:3:43: @rest on Query.one: path "/one/{key}" names {key}`);
    expect(result.stderr).toContain(`${file}:4:15: @rest on Query.two names source "b", which is not declared`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the source when its WSDL cannot be read', async () => {
    const dir = schemaFolder({
      'sources/x.graphql': `extend schema @source(name: "legacy", kind: SOAP, url: "http://127.0.0.1:9/svc", wsdl: "missing.wsdl")
type Query { a: String @soap(source: "legacy", operation: "GetA") }`,
    });
    const result = await skein('check', '--schema', dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('x.graphql:1:15: source "legacy": cannot read the WSDL');
    expect(result.stderr).toContain('missing.wsdl: the file does not exist');
  });

  it('says so when the folder does not exist', async () => {
    const result = await skein('check', '--schema', 'no/such/dir');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('schema folder "no/such/dir" does not exist');
  });

  it('has --help for every verb', async () => {
    for (const verb of [[], ['serve'], ['check'], ['import']]) {
      const result = await skein(...verb, '--help');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Usage: skein');
    }
  });
});

describe('skein serve --demo', () => {
  it('serves the demo graph with its own upstreams, delayed by SKEIN_DEMO_DELAY_MS', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'skein-data-'));
    const child = spawn('node', [SKEIN, 'serve', '--demo', '--port', '0', '--host', '127.0.0.1', '--data', data], {
      env: { ...process.env, SKEIN_DEMO_DELAY_MS: '150' },
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const match = /at (http:\/\/\S+\/graphql)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const started = Date.now();
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ order(id: "1") { id userId hotelId } user(id: "8") { name } hotel(id: "2") { name } }' }),
      });
      expect(await response.json()).toEqual({
        data: {
          order: { id: '1', userId: '8', hotelId: '2' },
          user: { name: 'Hiro Lovelace' },
          hotel: { name: 'Hotel Belvedere' },
        },
      });
      // The demo upstreams honour SKEIN_DEMO_DELAY_MS. (That the three calls run in parallel is
      // proved by counting calls in flight in test/composite/parallelism.test.ts: an upper
      // bound on time here failed on a busy machine.)
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);

      const graphiql = await fetch(url, { headers: { accept: 'text/html' } });
      expect(graphiql.status).toBe(200);
      expect(await graphiql.text()).toContain('<title>Skein</title>');

      // The demo's sync job (schema/sync/crmContacts.graphql) is seeded, published, and a run
      // writes the users API's people into the demo CRM.
      const admin = async (query: string) => {
        const answer = await fetch(url.replace(/\/graphql$/, '/admin/graphql'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        return (await answer.json()) as { data: any; errors?: unknown };
      };
      const jobs = await admin('{ syncJobs { name state } }');
      expect(jobs.data.syncJobs).toEqual([{ name: 'crmContacts', state: 'PUBLISHED' }]);
      const queued = await admin('mutation { runSyncJob(name: "crmContacts") { id } }');
      const runId = queued.data.runSyncJob.id;
      let run: { state: string; written: number; failed: number } | undefined;
      for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
        run = (await admin(`{ syncRun(id: ${runId}) { state written failed } }`)).data.syncRun;
        if (run && run.state !== 'QUEUED' && run.state !== 'RUNNING') break;
      }
      expect(run).toMatchObject({ state: 'SUCCEEDED', failed: 0 });
      expect(run!.written).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
