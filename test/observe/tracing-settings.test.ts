import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tracingSettingsFromEnvironment } from '../../src/observe/index.js';

describe('tracing settings from the OTEL_* variables', () => {
  it('is off without an endpoint, with OTEL_SDK_DISABLED=true, or with OTEL_TRACES_EXPORTER=none', () => {
    expect(tracingSettingsFromEnvironment({})).toBeUndefined();
    expect(tracingSettingsFromEnvironment({ OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
    expect(tracingSettingsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracingSettingsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
  });

  it('reads the endpoint (base + /v1/traces, or the traces URL as given), service, resource, headers, protocol, sampler and batch sizes', () => {
    expect(
      tracingSettingsFromEnvironment({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_SERVICE_NAME: 'edge',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=a%2Cb',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc,authorization=Bearer%20t',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      }),
    ).toEqual({
      endpoint: 'http://collector:4318/v1/traces',
      serviceName: 'edge',
      resourceAttributes: { 'deployment.environment': 'prod', team: 'a,b' },
      headers: { 'x-api-key': 'abc', authorization: 'Bearer t' },
      protocol: 'http/json',
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
      maxQueueSize: 100,
      scheduledDelayMs: 50,
      maxExportBatchSize: 512,
      exportTimeoutMs: 10_000,
      compression: 'none',
      tls: {},
    });
    const own = tracingSettingsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/custom' })!;
    expect(own).toMatchObject({ endpoint: 'https://b/custom', serviceName: 'skein', protocol: 'http/protobuf', sampler: { name: 'parentbased_always_on' } });
  });

  it('reads compression, and the TLS files it is given (the traces\' own variable first)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-otlp-tls-'));
    try {
      writeFileSync(path.join(dir, 'ca.pem'), 'CA');
      writeFileSync(path.join(dir, 'client.pem'), 'CERT');
      writeFileSync(path.join(dir, 'client.key'), 'KEY');
      const settings = tracingSettingsFromEnvironment({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c:4318',
        OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
        OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'GZIP',
        OTEL_EXPORTER_OTLP_CERTIFICATE: path.join(dir, 'ca.pem'),
        OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: path.join(dir, 'client.pem'),
        OTEL_EXPORTER_OTLP_CLIENT_KEY: path.join(dir, 'client.key'),
      })!;
      expect(settings.compression).toBe('gzip');
      expect({ ca: String(settings.tls.ca), cert: String(settings.tls.cert), key: String(settings.tls.key) }).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY' });
      const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c:4318' };
      expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_EXPORTER_OTLP_COMPRESSION: 'brotli' })).toThrow(/OTEL_EXPORTER_OTLP_COMPRESSION is "brotli"; it may be "gzip" or "none"/);
      expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: path.join(dir, 'missing.pem') })).toThrow(
        /OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE names .*missing\.pem, which cannot be read \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot read, naming the variable and what it takes, without echoing header values', () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    expect(() => tracingSettingsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/);
    expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/"grpc".*http\/protobuf.*http\/json/);
    expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER is "sometimes"; it takes one of always_on/);
    expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/ratio from 0 to 1/);
    expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_BSP_MAX_QUEUE_SIZE: '-1' })).toThrow(/OTEL_BSP_MAX_QUEUE_SIZE is "-1"/);
    expect(() => tracingSettingsFromEnvironment({ ...base, OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/"otlp".*"none"/);
    let message = '';
    try {
      tracingSettingsFromEnvironment({ ...base, OTEL_EXPORTER_OTLP_HEADERS: 'a=b,secret-token-value' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/OTEL_EXPORTER_OTLP_HEADERS: item 2 has no "="/);
    expect(message).not.toContain('secret-token-value');
  });
});
