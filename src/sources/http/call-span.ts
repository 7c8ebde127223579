import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { SEMCONV, type TraceScope } from '../../observe/index.js';
import type { SourceConfig } from '../protocol.js';
import { isCredentialHeader, redactSecrets } from './secrets.js';
import type { SourceGuard } from './source-guard.js';

/** Skein's own attributes of an upstream call span (beside the HTTP semantic conventions). */
export const UPSTREAM_ATTRIBUTES = {
  source: 'skein.source',
  sourceKind: 'skein.source.kind',
  operation: 'skein.operation',
  attempts: 'skein.upstream.attempts',
  breaker: 'skein.upstream.breaker_state',
} as const;

/**
 * The CLIENT span of one upstream call (REST or SOAP), retries included: it carries the
 * source, the operation, the method, the URL without credentials, the final status, how
 * many attempts it took and the breaker's state when it ended; its context travels to the
 * upstream as `traceparent`. Only a traced request makes one.
 */
export class CallSpan {
  readonly #span: Span;
  readonly #context: Context;
  #attempts = 0;

  constructor(
    readonly scope: TraceScope,
    source: SourceConfig,
    call: { readonly method: string; readonly url: string; readonly label: string },
  ) {
    const url = safeUrl(call.url);
    const attributes: Attributes = {
      [SEMCONV.httpRequestMethod]: call.method,
      [SEMCONV.urlFull]: url.text,
      [UPSTREAM_ATTRIBUTES.source]: source.name,
      [UPSTREAM_ATTRIBUTES.sourceKind]: source.kind,
      [UPSTREAM_ATTRIBUTES.operation]: call.label,
    };
    if (url.host) {
      attributes[SEMCONV.serverAddress] = url.host;
      attributes[SEMCONV.serverPort] = url.port;
    }
    const { span, context } = scope.start(`${call.method} ${call.label}`, { kind: SpanKind.CLIENT, attributes });
    this.#span = span;
    this.#context = context;
  }

  /** The call's headers with `traceparent` (and `tracestate`) added. */
  headers(headers: Readonly<Record<string, string>>): Record<string, string> {
    return this.scope.headersUnder(this.#context, headers);
  }

  /** One attempt leaves (the first, or a retry). */
  attempt(): void {
    this.#attempts++;
  }

  /** The call ended with an answer (any status: a 4xx is the upstream's answer, a 5xx its failure). */
  answered(status: number, guard: SourceGuard): void {
    this.#span.setAttribute(SEMCONV.httpResponseStatusCode, status);
    if (status >= 400) {
      this.#span.setAttribute(SEMCONV.errorType, String(status));
      this.#span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${status}` });
    }
    this.#end(guard);
  }

  /** The call ended without an answer: refused by a policy, unreachable, timed out, cancelled. */
  failed(error: unknown, guard: SourceGuard): void {
    const code = (error as { extensions?: { code?: unknown } } | undefined)?.extensions?.code;
    this.#span.setAttribute(SEMCONV.errorType, typeof code === 'string' ? code : 'UNEXPECTED');
    // Skein's own message (source, operation, reason), with any registered secret redacted.
    const message = error instanceof Error ? redactSecrets(error.message) : 'the call failed';
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message });
    this.#end(guard);
  }

  #end(guard: SourceGuard): void {
    this.#span.setAttribute(UPSTREAM_ATTRIBUTES.attempts, this.#attempts);
    if (this.#attempts > 1) this.#span.setAttribute(SEMCONV.httpRequestResendCount, this.#attempts - 1);
    // Only news: a closed breaker is the normal state (and /metrics has it per source).
    if (guard.breakerState !== 'closed') this.#span.setAttribute(UPSTREAM_ATTRIBUTES.breaker, guard.breakerState);
    this.#span.end();
  }
}

/**
 * A URL as a span may show it: no user or password, credential-like query parameters
 * (`api_key`, `token`, …) replaced, and any registered secret redacted. The common case
 * (no query, no user) is not parsed again: a call's URL is built by Skein from the
 * source's base URL, and only the origin is read, once per origin.
 */
export function safeUrl(raw: string): { readonly text: string; readonly host?: string; readonly port?: number } {
  if (!raw.includes('?') && !raw.includes('@')) {
    const server = serverOf(raw);
    return server ? { text: redactSecrets(raw), host: server.host, port: server.port } : { text: redactSecrets(raw) };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { text: redactSecrets(raw.split('?')[0]) };
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) if (isCredentialParameter(name)) url.searchParams.set(name, 'REDACTED');
  return { text: redactSecrets(url.toString()), host: url.hostname, port: portOf(url) };
}

/** Host and port by origin (`http://host:port`), null for one that does not parse: as many entries as sources, bounded all the same. */
const servers = new Map<string, { readonly host: string; readonly port: number } | null>();

function serverOf(raw: string): { readonly host: string; readonly port: number } | undefined {
  const slash = raw.indexOf('/', raw.indexOf('//') + 2);
  const origin = slash < 0 ? raw : raw.slice(0, slash);
  const known = servers.get(origin);
  if (known !== undefined) return known ?? undefined;
  let server: { host: string; port: number } | null;
  try {
    const url = new URL(origin);
    server = { host: url.hostname, port: portOf(url) };
  } catch {
    server = null;
  }
  if (servers.size >= 1_000) servers.clear();
  servers.set(origin, server);
  return server ?? undefined;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

/** Query parameters upstreams commonly take credentials in: `api_key`, `access_token`, `sig`, `client_secret`, … */
function isCredentialParameter(name: string): boolean {
  return isCredentialHeader(name) || /key|sig|auth|pass|credential|session/i.test(name);
}
