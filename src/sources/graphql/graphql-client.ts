import { HttpClient, type HttpAnswer } from '../http/http-client.js';
import { addCallerHeaders } from '../source-headers.js';
import type { RequestContext, SourceConfig } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';

/** One GraphQL-over-HTTP request. */
export interface GraphQLRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

/** An error as a GraphQL upstream reports it (the spec's shape; everything optional but the message). */
export interface UpstreamGraphQLError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A spec-shaped answer: `data` (possibly null) and the errors, each checked to have a message. */
export interface GraphQLAnswer {
  readonly data: Record<string, unknown> | null;
  readonly errors: readonly UpstreamGraphQLError[];
}

/**
 * Sends GraphQL operations to one source over the shared HTTP transport, so timeouts,
 * retries (queries only), the circuit breaker, concurrency limits and the request's
 * budget apply as for REST and SOAP. An answer that is not a GraphQL response (not JSON,
 * or neither `data` nor `errors`) is an UPSTREAM_BAD_RESPONSE naming the source.
 */
export class GraphQLClient {
  readonly http: HttpClient;
  readonly #source: SourceConfig;
  readonly #url: string;
  /** Query operations on the wire, by body and forwarded headers: an identical one shares the answer. */
  readonly #inFlight = new Map<string, Promise<HttpAnswer>>();

  constructor(source: SourceConfig) {
    if (!source.url) throw new Error(`source "${source.name}" has no url, which a GRAPHQL source needs (its GraphQL endpoint)`);
    this.#source = source;
    this.#url = source.url;
    this.http = new HttpClient(source);
  }

  get source(): SourceConfig {
    return this.#source;
  }

  /** Sends one operation; `label` names it in errors (`Query.product`, `Product.reviews`). */
  async send(request: GraphQLRequest, label: string, context: RequestContext, idempotent: boolean): Promise<GraphQLAnswer> {
    const source = this.#source;
    const headers = addCallerHeaders(source, context, {
      accept: 'application/graphql-response+json, application/json;q=0.9',
      'content-type': 'application/json',
      ...source.headers,
    });
    const body = JSON.stringify(request);
    const send = () =>
      this.http.send({ method: 'POST', url: this.#url, headers, body, label, signal: context.request?.signal, budget: context.budget, idempotent });
    const answer = idempotent ? await this.#shared(`${JSON.stringify(headers)}\n${body}`, send) : await send();
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch (error) {
      if (answer.status < 200 || answer.status > 299) {
        throw new UpstreamError(UpstreamErrorCode.HTTP_ERROR, `Upstream "${source.name}" answered HTTP ${answer.status} to ${label}`, {
          source: source.name,
          status: answer.status,
          body: answer.body,
        });
      }
      throw new UpstreamError(
        UpstreamErrorCode.BAD_RESPONSE,
        `Upstream "${source.name}" answered ${label} with a body that is not JSON (${(error as Error).message}); a GraphQL response was expected`,
        { source: source.name, status: answer.status, body: answer.body },
      );
    }
    const problem = responseProblem(parsed);
    if (problem) {
      throw new UpstreamError(
        answer.status >= 200 && answer.status <= 299 ? UpstreamErrorCode.BAD_RESPONSE : UpstreamErrorCode.HTTP_ERROR,
        `Upstream "${source.name}" answered ${label} (HTTP ${answer.status}) with JSON that is not a GraphQL response: ${problem}`,
        { source: source.name, status: answer.status, body: answer.body },
      );
    }
    const response = parsed as { data?: Record<string, unknown> | null; errors?: UpstreamGraphQLError[] };
    return { data: response.data ?? null, errors: response.errors ?? [] };
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /**
   * In-flight deduplication of queries: while an identical operation (same document,
   * variables and forwarded headers) is on the wire for any request, a second one waits
   * for its answer instead of sending again, as Hive Gateway does. Each caller parses the
   * shared text itself, so no two requests share objects. A caller whose shared call
   * failed sends its own (the failure may be the first caller's: its client went away,
   * its request ran out of time), so sharing never adds an error.
   */
  async #shared(key: string, send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
    const pending = this.#inFlight.get(key);
    if (pending) {
      try {
        return await pending;
      } catch {
        return send();
      }
    }
    const call = send();
    this.#inFlight.set(key, call);
    try {
      return await call;
    } finally {
      this.#inFlight.delete(key);
    }
  }
}

/** What makes a parsed body not a GraphQL response (the spec: an object with `data` and/or a non-empty `errors` list). */
export function responseProblem(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return `expected an object with "data" or "errors", got ${Array.isArray(body) ? 'a list' : body === null ? 'null' : `a ${typeof body}`}`;
  }
  const { data, errors } = body as Record<string, unknown>;
  if (data === undefined && errors === undefined) {
    const keys = Object.keys(body).slice(0, 5).map((k) => `"${k}"`).join(', ');
    return `expected "data" or "errors", got ${keys ? `only ${keys}` : 'an empty object'}`;
  }
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return '"data" is not an object';
  if (errors !== undefined) {
    if (!Array.isArray(errors)) return '"errors" is not a list';
    if (errors.some((e) => e === null || typeof e !== 'object' || typeof (e as { message?: unknown }).message !== 'string')) {
      return 'an entry of "errors" has no "message"';
    }
  }
  return undefined;
}
