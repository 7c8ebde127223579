import { GraphQLError } from 'graphql';
import type { EventBroker } from './event-broker.js';
import { decodeJsonMessage, MalformedMessage } from './message-json.js';

/** How many events may wait for a slow subscriber before its subscription is ended. */
export const MAX_PENDING_EVENTS = 1_000;

/** The error that ends a subscription whose client fell MAX_PENDING_EVENTS behind `what` (a subject, an upstream subscription). */
export function subscriberTooSlow(what: string, source: string): GraphQLError {
  return new GraphQLError(
    `This subscription fell ${MAX_PENDING_EVENTS} events behind ${what} and was ended; read events faster, or subscribe with a narrower filter`,
    { extensions: { code: 'SUBSCRIPTION_TOO_SLOW', source } },
  );
}

/**
 * The messages on `subject` as an async iterator of decoded events, for one GraphQL
 * subscription: `accept` says which decoded messages it wants (a malformed one is always
 * passed on, so the subscriber hears of it). Ending the iterator (`return()`, as graphql-js
 * does when the client goes away), or `signal` aborting, closes the broker subscription.
 * A subscriber that falls MAX_PENDING_EVENTS behind is ended with SUBSCRIPTION_TOO_SLOW
 * rather than let the gateway's memory grow.
 */
export async function eventStream(
  broker: EventBroker,
  subject: string,
  accept: (event: unknown) => boolean,
  signal?: AbortSignal,
): Promise<AsyncIterableIterator<unknown>> {
  const pending: unknown[] = [];
  let wake: (() => void) | undefined;
  let failure: GraphQLError | undefined;
  let done = false;
  const subscription = await broker.subscribe(subject, async (message) => {
    if (done) return;
    const event = decodeJsonMessage(message);
    if (!(event instanceof MalformedMessage) && !accept(event)) return;
    if (pending.length >= MAX_PENDING_EVENTS) {
      failure = subscriberTooSlow(`"${subject}"`, broker.source);
      void finish();
    } else {
      pending.push(event);
    }
    wake?.();
  });
  const finish = async () => {
    if (done) return;
    done = true;
    signal?.removeEventListener('abort', onAbort);
    wake?.();
    await subscription.close();
  };
  const onAbort = () => void finish();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) await finish();

  const iterator: AsyncIterableIterator<unknown> = {
    async next() {
      for (;;) {
        if (pending.length > 0 && !failure) return { value: pending.shift(), done: false };
        if (failure) {
          const error = failure;
          failure = undefined;
          pending.length = 0;
          throw error;
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    async return() {
      await finish();
      return { value: undefined, done: true };
    },
    async throw(error) {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
