import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { OTLPExporterError, type ExportResponse, type IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import { errors as undiciErrors, Pool } from 'undici';
import type { CollectorTls } from './tracing-settings.js';

const gzip = promisify(gzipCallback);

/** How an export reaches the collector: its URL, headers, compression, TLS material. */
export interface OtlpHttpTarget {
  readonly url: string;
  /** Sent with every export, the content type among them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compression: 'gzip' | 'none';
  readonly tls: CollectorTls;
}

/** Retries as the SDK's own transport makes them: five attempts, 1 s growing by half each time (at most 5 s), ±20 % jitter. */
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
/** The collector's answer is read up to this much; a longer one is a failure (the SDK's bound). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Statuses the OTLP specification says to retry. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * The OTLP/HTTP transport of protobuf exports: POSTs through undici, the client every
 * upstream call already goes through, on a keep-alive pool of its own. Retries are its
 * own (the SDK's exporter retries only in its node:http transport): a retryable status or
 * a failed connection is tried again after a backoff (or the collector's `Retry-After`)
 * while the export's time lasts; then the export fails, and the exporter reports it.
 *
 * Why not the SDK's node:http transport: its requests and responses run through Node's
 * http and stream functions that the gateway's own server path runs for every request, and
 * with them every request was served slower (~6 % of a traced request's CPU, `bench/ab.js`),
 * most likely because those functions, having seen a second kind of object, are then
 * optimised for both.
 */
export class OtlpHttpTransport implements IExporterTransport {
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #compression: 'gzip' | 'none';
  readonly #pool: Pool;

  constructor(target: OtlpHttpTarget) {
    this.#url = new URL(target.url);
    this.#compression = target.compression;
    this.#headers = {
      ...target.headers,
      'user-agent': 'skein (OTLP/HTTP)',
      ...(target.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
    };
    this.#pool = new Pool(this.#url.origin, { connections: 2, maxResponseSize: MAX_RESPONSE_BYTES, connect: { ...target.tls } });
  }

  async send(data: Uint8Array, timeoutMillis: number): Promise<ExportResponse> {
    const deadline = Date.now() + timeoutMillis;
    const body = this.#compression === 'gzip' ? await gzip(data) : data;
    for (let attempt = 1; ; attempt++) {
      const response = await this.#attempt(body, deadline - Date.now());
      if (response.status !== 'retryable' || attempt === MAX_ATTEMPTS) return response;
      const wait = response.retryInMillis ?? backoff(attempt);
      if (Date.now() + wait >= deadline) return response;
      await sleep(wait, undefined, { ref: false });
    }
  }

  shutdown(): void {
    void this.#pool.close();
  }

  async #attempt(body: Uint8Array, timeoutMs: number): Promise<ExportResponse> {
    if (timeoutMs <= 0) return { status: 'retryable', error: new Error('the export timed out') };
    try {
      const response = await this.#pool.request({
        path: this.#url.pathname + this.#url.search,
        method: 'POST',
        headers: this.#headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = Buffer.from(await response.body.arrayBuffer());
      const status = response.statusCode;
      if (status >= 200 && status <= 299) return { status: 'success', data: answer };
      if (RETRYABLE.has(status)) return { status: 'retryable', retryInMillis: retryAfterMs(response.headers['retry-after']), error: new OTLPExporterError(`HTTP ${status}`, status) };
      return { status: 'failure', error: new OTLPExporterError(`HTTP ${status}`, status, answer.toString('utf8', 0, 512)) };
    } catch (error) {
      if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
        return { status: 'failure', error: new Error(`the collector's answer is longer than ${MAX_RESPONSE_BYTES} bytes`) };
      }
      // Refused, reset, timed out: the collector may be back for the next attempt.
      return { status: 'retryable', error: error instanceof Error ? withCause(error) : new Error(String(error)) };
    }
  }
}

function backoff(attempt: number): number {
  const base = Math.min(FIRST_BACKOFF_MS * 1.5 ** (attempt - 1), MAX_BACKOFF_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** undici's "fetch failed"-style messages hide the reason in `cause` (ECONNREFUSED, …): say it. */
function withCause(error: Error): Error {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return reason && !error.message.includes(reason) ? new Error(`${error.message} (${reason})`) : error;
}
