import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { logLevelFrom, redactText } from '../../src/observe/index.js';
import { graphOfSchema } from '../helpers/gateway.js';
import { captureLog, type CapturedLog } from '../helpers/log-capture.js';
import { startOtlpReceiver, tracingTo, type OtlpReceiver } from '../helpers/otlp-receiver.js';

const schema = makeExecutableSchema({
  typeDefs: 'type Query { broken: String }',
  resolvers: {
    Query: {
      broken: () => {
        throw new TypeError('failed calling https://svc:pa55word-xyz@db.internal/x?api_key=k3y-abcdef with Bearer tok-0123456789');
      },
    },
  },
});

describe('JSON log lines', () => {
  let receiver: OtlpReceiver;
  let log: CapturedLog;
  let gateway: RunningGateway;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    log = captureLog();
    gateway = await startGateway({ graph: graphOfSchema(schema), port: 0, host: '127.0.0.1', logger: log.logger, settings: { tracing: tracingTo(receiver.url) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await receiver?.close();
  });

  it('an unexpected error is one JSON line with the request id, the trace and span ids of the export, and no secret', async () => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'log-line-1', authorization: 'Bearer client-secret-987654' },
      body: JSON.stringify({ query: '{ broken }' }),
    });
    expect((await response.json()).errors[0].extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'log-line-1' });
    const entries = log.entries().filter((entry) => entry.request_id === 'log-line-1');
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ level: 'error', msg: 'unexpected error', path: 'broken', err: { type: 'TypeError' } });
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
    const spans = await receiver.waitFor((all) => all.some((s) => s.attributes['skein.request_id'] === 'log-line-1'));
    const operation = spans.find((s) => s.attributes['skein.request_id'] === 'log-line-1')!;
    expect(entry.trace_id).toBe(operation.traceId);
    expect(entry.span_id).toBe(operation.spanId);
    const text = log.lines.join('\n');
    for (const secret of ['pa55word-xyz', 'k3y-abcdef', 'tok-0123456789', 'client-secret-987654']) expect(text).not.toContain(secret);
    expect(entry.err.message).toContain('https://[redacted]@db.internal/x?api_key=[redacted] with Bearer [redacted]');
  });

  it('reads the level from --log-level or SKEIN_LOG_LEVEL and refuses an unknown one', () => {
    expect(logLevelFrom(undefined, {})).toBe('info');
    expect(logLevelFrom(undefined, { SKEIN_LOG_LEVEL: 'WARN' })).toBe('warn');
    expect(logLevelFrom('debug', { SKEIN_LOG_LEVEL: 'warn' })).toBe('debug');
    expect(() => logLevelFrom('loud', {})).toThrow('--log-level is "loud"; it takes one of fatal, error, warn, info, debug, trace, silent');
    expect(() => logLevelFrom(undefined, { SKEIN_LOG_LEVEL: 'x' })).toThrow(/^SKEIN_LOG_LEVEL is "x"/);
  });

  it('cuts credentials out of text', () => {
    expect(redactText('redis://:s3cret@host:6379 password=hunter2&x=1 Basic dXNlcjpwYXNz')).toBe('redis://[redacted]@host:6379 password=[redacted]&x=1 Basic [redacted]');
  });
});
