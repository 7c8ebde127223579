import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpHttpTransport } from '../../src/observe/otlp-http-transport.js';

// The transport of protobuf exports, against real collectors on loopback: what arrives,
// what is retried, what fails, and TLS with a CA of the test's own.

interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly socket: unknown;
}

type Answer = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

const servers: Array<http.Server | https.Server> = [];
const transports: OtlpHttpTransport[] = [];
afterEach(async () => {
  for (const transport of transports.splice(0)) transport.shutdown();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function collector(answer: Answer, tls?: { key: Buffer; cert: Buffer }): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), socket: req.socket });
      answer(req, res, received.length);
    });
  };
  const server = tls ? https.createServer(tls, handle) : http.createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, received };
}

function transportTo(url: string, options: Partial<ConstructorParameters<typeof OtlpHttpTransport>[0]> = {}): OtlpHttpTransport {
  const transport = new OtlpHttpTransport({ url, headers: { 'content-type': 'application/x-protobuf', 'x-api-key': 'k' }, compression: 'none', tls: {}, ...options });
  transports.push(transport);
  return transport;
}

const DATA = Uint8Array.from([10, 3, 1, 2, 3]);
const ok: Answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();

describe('the OTLP/HTTP transport', () => {
  it('POSTs the bytes with the content type, the configured headers and its user agent, over kept-alive connections (two at most)', async () => {
    const { url, received } = await collector(ok);
    const transport = transportTo(url);
    for (let i = 0; i < 4; i++) expect(await transport.send(DATA, 5_000)).toMatchObject({ status: 'success' });
    expect(received).toHaveLength(4);
    expect([...received[0].body]).toEqual([...DATA]);
    expect(received[0].headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-api-key': 'k', 'user-agent': expect.stringContaining('skein') });
    expect(received[0].headers['content-encoding']).toBeUndefined();
    expect(new Set(received.map((r) => r.socket)).size).toBeLessThanOrEqual(2);
  });

  it('gzips the bytes when so configured, and says so', async () => {
    const { url, received } = await collector(ok);
    expect(await transportTo(url, { compression: 'gzip' }).send(DATA, 5_000)).toMatchObject({ status: 'success' });
    expect(received[0].headers['content-encoding']).toBe('gzip');
    expect([...gunzipSync(received[0].body)]).toEqual([...DATA]);
  });

  it('tries again when the collector asks (503 with Retry-After), and not after a refusal that will not change (400)', async () => {
    const busy = await collector((_req, res, n) => (n === 1 ? res.writeHead(503, { 'retry-after': '0' }).end() : ok(_req, res, n)));
    expect(await transportTo(busy.url).send(DATA, 5_000)).toMatchObject({ status: 'success' });
    expect(busy.received).toHaveLength(2);

    const refusing = await collector((_req, res) => res.writeHead(400).end('bad request: no spans'));
    const refused = await transportTo(refusing.url).send(DATA, 5_000);
    expect(refused).toMatchObject({ status: 'failure', error: { message: 'HTTP 400', code: 400, data: 'bad request: no spans' } });
    expect(refusing.received).toHaveLength(1);
  });

  it('answers, never throws, when nothing listens or the collector never answers: retryable, with the reason', async () => {
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    // Two seconds: time for a busy machine to connect; after a second attempt the next backoff no longer fits.
    const refused = await transportTo(`http://127.0.0.1:${port}/v1/traces`).send(DATA, 2_000);
    expect(refused.status).toBe('retryable');
    expect(String((refused as { error?: Error }).error?.message)).toMatch(/ECONNREFUSED/);

    const silent = await collector(() => {});
    const timedOut = await transportTo(silent.url).send(DATA, 2_000);
    expect(timedOut.status).toBe('retryable');
    expect(silent.received).toHaveLength(1);
  });

  it('fails an answer longer than 4 MiB rather than reading it all', async () => {
    const { url } = await collector((_req, res) => res.writeHead(200).end(Buffer.alloc(5 * 1024 * 1024)));
    expect(await transportTo(url).send(DATA, 5_000)).toMatchObject({ status: 'failure', error: { message: expect.stringContaining('longer than') } });
  });

  it('trusts the CA it is given (OTEL_EXPORTER_OTLP_CERTIFICATE) for an https collector, and without it refuses the self-signed one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-otlp-ca-'));
    try {
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
        '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      ], { stdio: 'ignore' });
      const cert = readFileSync(path.join(dir, 'cert.pem'));
      const { url, received } = await collector(ok, { key: readFileSync(path.join(dir, 'key.pem')), cert });
      expect(await transportTo(url, { tls: { ca: cert } }).send(DATA, 5_000)).toMatchObject({ status: 'success' });
      expect(received).toHaveLength(1);
      const untrusted = await transportTo(url).send(DATA, 2_000);
      expect(untrusted.status).toBe('retryable');
      expect(String((untrusted as { error?: Error }).error?.message)).toMatch(/self[- ]signed/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
