import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { OtlpHttpTransport } from '../../src/observe/otlp-http-transport.js';

// Collectors on loopback that answer as a test says, and transports to them: what the
// OTLP/HTTP transport's tests (suite and timing) share. Each is closed after its test.

export interface Received {
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  readonly socket: unknown;
}

export type Answer = (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void;

export const DATA = Uint8Array.from([10, 3, 1, 2, 3]);
export const ok: Answer = (_req, res) => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();

const servers: Array<http.Server | https.Server> = [];
const transports: OtlpHttpTransport[] = [];
afterEach(async () => {
  for (const transport of transports.splice(0)) transport.shutdown();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

export async function collector(answer: Answer, tls?: { key: Buffer; cert: Buffer }): Promise<{ url: string; received: Received[] }> {
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

export function transportTo(url: string, options: Partial<ConstructorParameters<typeof OtlpHttpTransport>[0]> = {}): OtlpHttpTransport {
  const transport = new OtlpHttpTransport({ url, headers: { 'content-type': 'application/x-protobuf', 'x-api-key': 'k' }, compression: 'none', tls: {}, ...options });
  transports.push(transport);
  return transport;
}

/** A self-signed certificate for 127.0.0.1, made by openssl, and its key. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-otlp-ca-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
