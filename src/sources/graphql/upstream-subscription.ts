import { createClient as createSseClient, NetworkError } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { GraphQLError } from 'graphql';
import { MAX_PENDING_EVENTS, subscriberTooSlow } from '../events/event-stream.js';
import type { SourceConfig } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { responseProblem, type GraphQLAnswer, type GraphQLRequest } from './graphql-client.js';

/** How a GraphQL source's subscriptions travel: graphql-ws (`graphql-transport-ws`) or GraphQL over SSE. */
export type SubscriptionProtocol = 'WS' | 'SSE';

/** What one upstream subscription delivers: each result, then at most one error that ends it. */
export type UpstreamEvent = GraphQLAnswer | GraphQLError;

export interface UpstreamSubscriptionOptions {
  readonly source: SourceConfig;
  /** `ws(s)://` for WS, `http(s)://` for SSE. */
  readonly url: string;
  readonly protocol: SubscriptionProtocol;
  readonly request: GraphQLRequest;
  /** Sent as HTTP headers (the SSE request, the WebSocket handshake) and, for WS, as the connection_init payload. */
  readonly headers: Readonly<Record<string, string>>;
  /** Names the subscription in errors: `Subscription.reviewAdded`. */
  readonly label: string;
}

/**
 * Opens one subscription on a GraphQL upstream, over its own connection (a WebSocket, or
 * one SSE response in "distinct connections" mode), and resolves once the upstream took
 * the connection, so an upstream that is unreachable, refuses or does not answer within
 * the source's timeout rejects here with an UpstreamError naming the source. Afterwards
 * the iterator yields each result; an upstream that closes mid-stream, or sends what is
 * not a GraphQL result, yields one UpstreamError and ends; so does a client that falls
 * MAX_PENDING_EVENTS behind (SUBSCRIPTION_TOO_SLOW, as for event sources). Ending the iterator
 * (`return()`) ends the upstream subscription and closes its connection.
 */
export async function openUpstreamSubscription(options: UpstreamSubscriptionOptions): Promise<AsyncIterableIterator<UpstreamEvent>> {
  const { source, label } = options;
  const pending: UpstreamEvent[] = [];
  let wake: (() => void) | undefined;
  let close: () => void = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ended = false;
  let opened = false;
  let settleOpen!: (error?: GraphQLError) => void;
  const opening = new Promise<void>((resolve, reject) => {
    settleOpen = (error) => (error ? reject(error) : resolve());
  });
  const markOpen = () => {
    if (opened) return;
    opened = true;
    clearTimeout(timer);
    settleOpen();
  };
  const end = (error?: GraphQLError) => {
    if (ended) return;
    if (!opened) {
      clearTimeout(timer);
      opened = true;
      ended = true;
      close();
      settleOpen(error ?? new UpstreamError(UpstreamErrorCode.BAD_RESPONSE, `Upstream "${source.name}" ended ${label} before it started`, { source: source.name }));
      return;
    }
    if (error) pending.push(error);
    ended = true;
    close();
    wake?.();
  };
  const sink = {
    next(value: unknown) {
      if (ended) return;
      markOpen();
      const problem = responseProblem(value);
      if (problem) {
        end(new UpstreamError(UpstreamErrorCode.BAD_RESPONSE, `Upstream "${source.name}" sent ${label} an event that is not a GraphQL result: ${problem}`, { source: source.name }));
        return;
      }
      if (pending.length >= MAX_PENDING_EVENTS) {
        // A client that does not read must not make the gateway's memory grow: it is ended, as for event sources.
        end(subscriberTooSlow(`source "${source.name}" (${label})`, source.name));
        return;
      }
      const result = value as { data?: Record<string, unknown> | null; errors?: GraphQLAnswer['errors'] };
      pending.push({ data: result.data ?? null, errors: result.errors ?? [] });
      wake?.();
    },
    error(error: unknown) {
      end(failure(source, label, options.protocol, error, opened));
    },
    complete() {
      markOpen();
      end();
    },
  };
  close = options.protocol === 'WS' ? subscribeOverWs(options, sink, markOpen) : subscribeOverSse(options, sink, markOpen);
  timer = setTimeout(() => {
    if (!opened) {
      end(new UpstreamError(UpstreamErrorCode.TIMEOUT, `Upstream "${source.name}" did not take ${label} within ${source.timeoutMs} ms`, { source: source.name }));
    }
  }, source.timeoutMs);
  timer.unref?.();
  if (ended) clearTimeout(timer);
  await opening;

  const iterator: AsyncIterableIterator<UpstreamEvent> = {
    async next() {
      for (;;) {
        if (pending.length > 0) return { value: pending.shift()!, done: false };
        if (ended) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    async return() {
      pending.length = 0;
      end();
      return { value: undefined, done: true };
    },
    async throw(error) {
      pending.length = 0;
      end();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

interface Sink {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** One graphql-ws client (one socket) for one subscription; the headers go on the handshake and in connection_init. */
function subscribeOverWs(options: UpstreamSubscriptionOptions, sink: Sink, connected: () => void): () => void {
  const headers = { ...options.headers };
  class HandshakeHeaders extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  const client = createWsClient({
    url: options.url,
    webSocketImpl: HandshakeHeaders,
    connectionParams: headers,
    lazy: true,
    retryAttempts: 0,
    on: { connected },
  });
  const unsubscribe = client.subscribe(
    { query: options.request.query, variables: options.request.variables as Record<string, unknown>, operationName: options.request.operationName },
    sink,
  );
  return () => {
    unsubscribe();
    void client.dispose();
  };
}

/** One SSE response for one subscription (what graphql-yoga serves), the headers on the request. */
function subscribeOverSse(options: UpstreamSubscriptionOptions, sink: Sink, connected: () => void): () => void {
  const client = createSseClient({ url: options.url, headers: { ...options.headers }, retryAttempts: 0 });
  const unsubscribe = client.subscribe(
    { query: options.request.query, variables: options.request.variables as Record<string, unknown>, operationName: options.request.operationName },
    sink,
    { connected },
  );
  return () => {
    unsubscribe();
    client.dispose();
  };
}

/** What the transport reported, as an UpstreamError that names the source and says what happened. */
function failure(source: SourceConfig, label: string, protocol: SubscriptionProtocol, error: unknown, opened: boolean): UpstreamError {
  const details = { source: source.name };
  // graphql-ws: the upstream refused the operation with an `error` message (its GraphQL errors).
  if (Array.isArray(error)) {
    const first = error[0] as { message?: unknown; extensions?: { code?: unknown } } | undefined;
    const code = first?.extensions?.code;
    return new UpstreamError(
      UpstreamErrorCode.GRAPHQL_ERROR,
      `Upstream "${source.name}" refused ${label}: ${error.map((e) => String((e as { message?: unknown }).message)).join('; ')}`,
      { ...details, ...(typeof code === 'string' ? { upstreamCode: code } : {}) },
    );
  }
  if (error instanceof NetworkError) {
    const status = error.response?.status;
    if (status !== undefined) {
      return new UpstreamError(UpstreamErrorCode.HTTP_ERROR, `Upstream "${source.name}" answered HTTP ${status} to ${label} over SSE`, { ...details, status });
    }
    return opened
      ? new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" closed ${label} mid-stream (SSE): ${reasonOf(error.cause ?? error)}`, details)
      : new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" could not be reached for ${label} (SSE): ${reasonOf(error.cause ?? error)}`, details);
  }
  // graphql-ws: a CloseEvent ({ code, reason }) when the socket closed, an ErrorEvent when it could not open.
  if (error && typeof error === 'object' && 'code' in error && typeof (error as { code: unknown }).code === 'number') {
    const { code, reason } = error as { code: number; reason?: string };
    const why = `WebSocket closed with code ${code}${reason ? ` (${reason})` : ''}`;
    return opened
      ? new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" closed ${label} mid-stream: ${why}`, details)
      : new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" refused ${label}: ${why}`, details);
  }
  const what = protocol === 'WS' ? 'WebSocket' : 'SSE';
  return opened
    ? new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" failed ${label} mid-stream (${what}): ${reasonOf(error)}`, details)
    : new UpstreamError(UpstreamErrorCode.UNREACHABLE, `Upstream "${source.name}" could not be reached for ${label} (${what}): ${reasonOf(error)}`, details);
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message;
  }
  if (error && typeof error === 'object' && 'message' in error && typeof (error as { message: unknown }).message === 'string') {
    return (error as { message: string }).message || 'connection failed';
  }
  return String(error);
}
