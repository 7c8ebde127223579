import type { GraphQLResolveInfo } from 'graphql';

/**
 * What a request's loaders (their batches and their cache of answers) belong to: the
 * request's context, except under a subscription, whose every event is executed with the
 * same context: there each event (graphql-js passes it as the root value) gets its own, so
 * a join or an entity field under the second event is fetched again rather than answered
 * from the first event's cache.
 */
export function loaderScope(context: unknown, info: GraphQLResolveInfo | undefined): object | undefined {
  const event = info?.operation.operation === 'subscription' ? info.rootValue : undefined;
  if (event !== null && typeof event === 'object') return event;
  return context !== null && typeof context === 'object' ? context : undefined;
}
