import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleFiles, createConsoleHandler } from '../../src/server/console/index.js';
import { buildConsole } from '../helpers/console-build.js';
import { startConsoleGateway, type ConsoleGateway } from './console-gateway.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A request as sent, answer as received: no client decompression or path normalisation. */
function raw(origin: string, target: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port, path: target, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the console route: built files, compressed and cached, nothing else', () => {
  let gw: ConsoleGateway;
  let script: string;

  beforeAll(async () => {
    buildConsole();
    gw = await startConsoleGateway();
    const page = (await raw(gw.origin, '/console')).body.toString('utf8');
    script = /src="(\/console\/assets\/console-[\w-]+\.js)"/.exec(page)![1];
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('serves the page at /console and /console/, revalidated on each visit, with a strict CSP', async () => {
    for (const target of ['/console', '/console/']) {
      const page = await raw(gw.origin, target);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.headers['cache-control']).toBe('no-cache');
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.body.toString('utf8')).toContain('<div id="root"></div>');
    }
    // Its ETag answers a revisit with 304 and no body.
    const first = await raw(gw.origin, '/console');
    const again = await raw(gw.origin, '/console', { 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('sends hashed assets precompressed as the client asks (brotli, else gzip, else plain), cached for a year', async () => {
    const plain = await raw(gw.origin, script);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(plain.headers['content-encoding']).toBeUndefined();

    const br = await raw(gw.origin, script, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body)).toEqual(plain.body);
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);

    const gzip = await raw(gw.origin, script, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body)).toEqual(plain.body);
    // q=0 refuses an encoding.
    const noBrotli = await raw(gw.origin, script, { 'accept-encoding': 'br;q=0, gzip' });
    expect(noBrotli.headers['content-encoding']).toBe('gzip');

    const css = /href="(\/console\/assets\/[\w-]+\.css)"/.exec((await raw(gw.origin, '/console')).body.toString('utf8'))![1];
    expect((await raw(gw.origin, css)).headers['content-type']).toBe('text/css; charset=utf-8');
    const head = await raw(gw.origin, script, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('answers 404 for a file it does not have, 405 for other methods, 400 for a broken escape', async () => {
    const missing = await raw(gw.origin, '/console/assets/nothing-here.js');
    expect(missing.status).toBe(404);
    expect(missing.body.toString('utf8')).toContain('the console has no file "assets/nothing-here.js"');
    expect((await raw(gw.origin, '/console/explorer.html')).status).toBe(404); // GraphiQL's page is served at /graphql
    const post = await raw(gw.origin, '/console', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await raw(gw.origin, '/console/%E0%A4%A')).status).toBe(400);
  });

  it('serves GraphiQL at /graphql and /admin/graphql from the console, with the same CSP', async () => {
    for (const [target, title] of [['/graphql', 'Skein'], ['/admin/graphql', 'Skein admin']]) {
      const page = await raw(gw.origin, target, { accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['cache-control']).toBe('no-cache');
      const html = page.body.toString('utf8');
      expect(html).toContain(`<title>${title}</title>`);
      expect(html).toMatch(/<script type="module" crossorigin src="\/console\/assets\/explorer-[\w-]+\.js">/);
      const config = JSON.parse(/<script type="application\/json" id="skein-explorer-config">(.*?)<\/script>/s.exec(html)![1]);
      expect(config).toMatchObject({ endpoint: target, namespace: target === '/graphql' ? 'skein' : 'skein-admin', planTab: target === '/graphql' });
      // No inline script runs: the CSP would refuse it.
      expect(html).not.toMatch(/<script(?![^>]*(type="module"|type="application\/json"))[^>]*>/);
    }
  });
});

describe('the console route over a folder of files', () => {
  let dir: string;
  let server: http.Server;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'skein-console-route-'));
    mkdirSync(path.join(dir, 'build', 'assets'), { recursive: true });
    writeFileSync(path.join(dir, 'build', 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(path.join(dir, 'build', 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
    const files = ConsoleFiles.load(path.join(dir, 'build'));
    const handle = createConsoleHandler(() => files);
    server = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('never leaves its folder, however the path is written', async () => {
    expect((await raw(origin, '/console/assets/app-1234.js')).body.toString()).toBe('console.log(1)');
    for (const target of [
      '/console/../secret.txt',
      '/console/..%2Fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/..%2F..%2Fsecret.txt',
      '/console/%2Fetc%2Fpasswd',
      '/console//etc/passwd',
      '/console/assets%5C..%5C..%5Csecret.txt',
      '/console/index.html%00.js',
    ]) {
      const answer = await raw(origin, target);
      expect(answer.status, target).toBe(404);
      expect(answer.body.toString(), target).not.toContain('SECRET');
    }
  });

  it('says the console is not built rather than failing', async () => {
    const handle = createConsoleHandler(() => undefined);
    const unbuilt = http.createServer((req, res) => void handle(req, res));
    await new Promise<void>((resolve) => unbuilt.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await raw(`http://127.0.0.1:${(unbuilt.address() as AddressInfo).port}`, '/console');
      expect(answer.status).toBe(503);
      expect(answer.body.toString()).toContain('npm run build');
    } finally {
      await new Promise((resolve) => unbuilt.close(resolve));
    }
  });
});
