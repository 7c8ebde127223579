import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collector, DATA, ok, selfSignedCertificate, transportTo } from '../helpers/otlp-collector.js';

// The transport of protobuf exports, against real collectors on loopback: what arrives,
// what is retried, what fails, and TLS with a CA of the test's own. Each export may take a
// minute, so a busy machine only makes it slower; what needs a deadline to pass (a
// collector that never answers, one refused at every attempt) is in the timing project.

const PLENTY = 60_000;

describe('the OTLP/HTTP transport', () => {
  it('POSTs the bytes with the headers it is given, over kept-alive connections', async () => {
    const { url, received } = await collector(ok);
    const transport = transportTo(url);
    for (let i = 0; i < 4; i++) expect(await transport.send(DATA, PLENTY)).toMatchObject({ status: 'success' });
    expect(received).toHaveLength(4);
    expect([...received[0].body]).toEqual([...DATA]);
    expect(received[0].headers).toMatchObject({ 'content-type': 'application/x-protobuf', 'x-api-key': 'k', 'user-agent': expect.stringContaining('skein') });
    expect(received[0].headers['content-encoding']).toBeUndefined();
    expect(new Set(received.map((r) => r.socket)).size).toBeLessThanOrEqual(2);
  });

  it('gzips the bytes when so configured, and says so', async () => {
    const { url, received } = await collector(ok);
    expect(await transportTo(url, { compression: 'gzip' }).send(DATA, PLENTY)).toMatchObject({ status: 'success' });
    expect(received[0].headers['content-encoding']).toBe('gzip');
    expect([...gunzipSync(received[0].body)]).toEqual([...DATA]);
  });

  it('tries again when the collector asks (503 with Retry-After), and not after a refusal that will not change (400)', async () => {
    const busy = await collector((_req, res, n) => (n === 1 ? res.writeHead(503, { 'retry-after': '0' }).end() : ok(_req, res, n)));
    expect(await transportTo(busy.url).send(DATA, PLENTY)).toMatchObject({ status: 'success' });
    expect(busy.received).toHaveLength(2);

    const refusing = await collector((_req, res) => res.writeHead(400).end('bad request: no spans'));
    const refused = await transportTo(refusing.url).send(DATA, PLENTY);
    expect(refused).toMatchObject({ status: 'failure', error: { message: 'HTTP 400', code: 400, data: 'bad request: no spans' } });
    expect(refusing.received).toHaveLength(1);
  });

  it('fails an answer longer than 4 MiB rather than reading it all', async () => {
    const { url } = await collector((_req, res) => res.writeHead(200).end(Buffer.alloc(5 * 1024 * 1024)));
    expect(await transportTo(url).send(DATA, PLENTY)).toMatchObject({ status: 'failure', error: { message: expect.stringContaining('longer than') } });
  });

  it('trusts the CA it is given (OTEL_EXPORTER_OTLP_CERTIFICATE) for an https collector', async () => {
    const { key, cert } = selfSignedCertificate();
    const { url, received } = await collector(ok, { key, cert });
    expect(await transportTo(url, { tls: { ca: cert } }).send(DATA, PLENTY)).toMatchObject({ status: 'success' });
    expect(received).toHaveLength(1);
  });
});
