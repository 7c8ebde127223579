import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { collector, DATA, ok, selfSignedCertificate, transportTo } from '../helpers/otlp-collector.js';

// What the transport answers once an export's time has run out: a collector that is not
// there, one that never answers, one whose certificate is not trusted. Each export is
// given 2 s: time for a connection, and a second attempt after the first backoff (about
// 1 s), after which the next backoff no longer fits. In the timing project: each attempt
// must connect well within its second.

describe('the OTLP/HTTP transport, when an export runs out of time', () => {
  it('answers, never throws, when nothing listens or the collector never answers: retryable, with the reason', async () => {
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const refused = await transportTo(`http://127.0.0.1:${port}/v1/traces`).send(DATA, 2_000);
    expect(refused.status).toBe('retryable');
    expect(String((refused as { error?: Error }).error?.message)).toMatch(/ECONNREFUSED/);

    const silent = await collector(() => {});
    const timedOut = await transportTo(silent.url).send(DATA, 2_000);
    expect(timedOut.status).toBe('retryable');
    expect(silent.received).toHaveLength(1);
  });

  it('refuses an https collector whose self-signed certificate it was not told to trust', async () => {
    const { url } = await collector(ok, selfSignedCertificate());
    const untrusted = await transportTo(url).send(DATA, 2_000);
    expect(untrusted.status).toBe('retryable');
    expect(String((untrusted as { error?: Error }).error?.message)).toMatch(/self[- ]signed/i);
  });
});
