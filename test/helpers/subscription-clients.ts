import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/** One GraphQL subscription as a client reads it: its results in order, and how to stop. */
export interface SubscriptionReader {
  /** The next result; waits for it. */
  next(): Promise<{
    data?: any;
    errors?: Array<{ message: string; extensions?: Record<string, any> }>;
    /** graphql-ws: the operation was refused (its errors), or the socket failed. */
    failed?: any;
    /** The server completed the subscription. */
    complete?: boolean;
  }>;
  /** Results received and not read yet. */
  readonly buffered: number;
  close(): Promise<void>;
}

/**
 * A subscription over Server-Sent Events (GraphQL over SSE, "distinct connections" mode, as
 * yoga serves it): a POST with `accept: text/event-stream`, read as the events arrive.
 * Resolves once the response headers came, so the subscription is open on the gateway.
 */
export async function subscribeOverSse(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<SubscriptionReader & { status: number }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const queue: any[] = [];
  const waiting: ((value: any) => void)[] = [];
  const deliver = (value: any) => (waiting.length > 0 ? waiting.shift()!(value) : queue.push(value));
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (event === 'next' && data) deliver(JSON.parse(data));
          if (event === 'complete') deliver({ complete: true });
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: response.status,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
    get buffered() {
      return queue.length;
    },
    close: async () => abort.abort(),
  };
}

/** A subscription over graphql-ws (the `graphql-transport-ws` protocol) on the gateway's /graphql. */
export async function subscribeOverWebSocket(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  connectionParams: Record<string, unknown> = {},
): Promise<SubscriptionReader & { client: Client }> {
  const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams, retryAttempts: 0, lazy: false });
  const queue: any[] = [];
  const waiting: ((value: any) => void)[] = [];
  const deliver = (value: any) => (waiting.length > 0 ? waiting.shift()!(value) : queue.push(value));
  const iterator = client.iterate({ query, variables });
  void (async () => {
    try {
      for await (const result of iterator) deliver(result);
      deliver({ complete: true });
    } catch (error) {
      deliver({ failed: error });
    }
  })();
  return {
    client,
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve))),
    get buffered() {
      return queue.length;
    },
    close: async () => {
      await iterator.return?.();
      await client.dispose();
    },
  };
}
