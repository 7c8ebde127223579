import { Agent, request, errors as undiciErrors } from 'undici';
import type { SourceConfig } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';

export interface HttpCall {
  readonly method: string;
  /** Absolute URL; built from the source's base URL, never from client input alone. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Names the call in error messages, e.g. `Query.order`. */
  readonly label: string;
  readonly signal?: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

const DEFAULT_MAX_RESPONSE_BYTES = 50 * 1024 * 1024;

/**
 * The HTTP transport of one source: a keep-alive connection pool (undici) and the
 * source's timeout, with every transport failure turned into an UpstreamError. REST
 * and SOAP both send through it, so failures look the same whatever the protocol.
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #source: SourceConfig;

  constructor(source: SourceConfig) {
    this.#source = source;
    const maxResponseBytes = Number(source.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.#agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: Number(source.options.maxConnections ?? 256),
      pipelining: 1,
      maxResponseSize: maxResponseBytes,
    });
  }

  /** Sends one call and reads the whole body. Non-2xx answers are returned, not thrown. */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const timeout = AbortSignal.timeout(this.#source.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    try {
      const response = await request(call.url, {
        dispatcher: this.#agent,
        method: call.method as 'GET',
        headers: call.headers,
        body: call.body,
        signal,
      });
      const body = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      throw this.#transportError(error, call, timeout.aborted);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  #transportError(error: unknown, call: HttpCall, timedOut: boolean): UpstreamError {
    const source = this.#source.name;
    if (timedOut || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return new UpstreamError(
        UpstreamErrorCode.TIMEOUT,
        `Upstream "${source}" did not answer ${call.label} within ${this.#source.timeoutMs} ms`,
        { source },
      );
    }
    if (error instanceof undiciErrors.ResponseExceededMaxSizeError) {
      return new UpstreamError(
        UpstreamErrorCode.RESPONSE_TOO_LARGE,
        `Upstream "${source}" answered ${call.label} with a body larger than the source allows`,
        { source },
      );
    }
    const code = (error as { code?: string; cause?: { code?: string } }).code ??
      (error as { cause?: { code?: string } }).cause?.code;
    const reason = code ?? (error instanceof Error ? error.name : 'unknown error');
    return new UpstreamError(
      UpstreamErrorCode.UNREACHABLE,
      `Upstream "${source}" could not be reached for ${call.label} (${reason})`,
      { source, reason },
    );
  }
}
