import { mapAsyncIterator } from '@graphql-tools/utils';
import { createSourceEventStream, execute, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { GatewayPlugin, SubscriptionEventHooks } from './gateway-plugin.js';

type Subscribe = typeof subscribe;

/**
 * graphql-js's `subscribe`, with each event executed in a context of its own: a copy of the
 * subscription's, extended by the plugins' `onSubscriptionEvent` hooks, which then hear
 * the event's result. graphql-js runs every event in the one context the subscription was
 * made with, so whatever that context holds for one request (its budget of upstream
 * calls and time, its span) would be spent by the subscription's first events and then
 * refuse every later one. With no plugin hooking events, graphql-js's own `subscribe`.
 */
export function subscribeWithEventHooks(plugins: readonly GatewayPlugin[]): Subscribe {
  const hooks = plugins.flatMap((plugin) => (plugin.onSubscriptionEvent ? [plugin.onSubscriptionEvent] : []));
  if (hooks.length === 0) return subscribe;

  const executeEvent = async (args: ExecutionArgs, event: unknown): Promise<ExecutionResult> => {
    const context = (args.contextValue ?? {}) as Record<string, unknown>;
    const eventContext: Record<string, unknown> = { ...context };
    const heard: SubscriptionEventHooks[] = [];
    for (const hook of hooks) {
      const given = hook(context);
      if (!given) continue;
      Object.assign(eventContext, given.extendContext);
      if (given.onEventDone) heard.push(given);
    }
    const result = await execute({ ...args, rootValue: event, contextValue: eventContext });
    for (const given of heard) given.onEventDone?.(result);
    return result;
  };

  return async (args) => {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    return mapAsyncIterator(stream, (event) => executeEvent(args, event)) as AsyncGenerator<ExecutionResult>;
  };
}
