import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TracingSettings } from '../../src/observe/index.js';
import { readTraceExport } from './otlp-protobuf-reader.js';

/** One span as the gateway exported it (OTLP/JSON), its attributes as plain values. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** 1 internal, 2 server, 3 client (OTLP's SpanKind). */
  readonly kind: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** 0 unset, 1 ok, 2 error; with its message. */
  readonly status: { readonly code: number; readonly message?: string };
  readonly resource: Readonly<Record<string, unknown>>;
}

/**
 * An OTLP/HTTP trace receiver on loopback, as a collector would be: it takes what the
 * gateway's real exporter POSTs to /v1/traces, decodes it into spans (OTLP/JSON, or
 * protobuf by `readTraceExport`), and keeps protobuf bodies as they came too.
 */
export interface OtlpReceiver {
  /** The traces endpoint, for `TracingSettings.endpoint`. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Every raw body received, as UTF-8 text (for "no secret anywhere" checks). */
  readonly bodies: string[];
  /** Bodies received as protobuf (`application/x-protobuf`). */
  readonly protobuf: Buffer[];
  /**
   * Resolves once `test` holds for the spans received, checked after each export; rejects
   * after `timeoutMs` (by default most of a test's minute: a busy machine only waits longer),
   * naming the spans it has.
   */
  waitFor(test: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

/** Tracing to `endpoint` in OTLP protobuf (the default), exported every 20 ms (a test waits for spans, never for a timer). */
export function tracingTo(endpoint: string, overrides: Partial<TracingSettings> = {}): TracingSettings {
  return {
    endpoint,
    serviceName: 'skein-test',
    resourceAttributes: { 'deployment.environment': 'test' },
    headers: {},
    protocol: 'http/protobuf',
    sampler: { name: 'parentbased_always_on', ratio: 1 },
    maxQueueSize: 2048,
    scheduledDelayMs: 20,
    maxExportBatchSize: 512,
    exportTimeoutMs: 5_000,
    compression: 'none',
    tls: {},
    ...overrides,
  };
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const protobuf: Buffer[] = [];
  let waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      // Every body as text too: protobuf carries its strings as UTF-8, so a secret would show.
      bodies.push(body.toString('utf8'));
      if ((req.headers['content-type'] ?? '').includes('protobuf')) {
        protobuf.push(body);
        spans.push(...decode(readTraceExport(body)));
      } else {
        spans.push(...decode(JSON.parse(body.toString('utf8'))));
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    bodies,
    protobuf,
    waitFor(test, timeoutMs = 50_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!test(spans)) return;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(spans);
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`the receiver has ${spans.length} spans, and not what the test waits for: ${spans.map((s) => s.name).join(', ')}`));
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const attributesOf = (list: KeyValue[] = []) => Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

function decode(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          name: span.name,
          kind: span.kind,
          start: BigInt(span.startTimeUnixNano),
          end: BigInt(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          status: { code: span.status?.code ?? 0, message: span.status?.message },
          resource,
        });
      }
    }
  }
  return out;
}
