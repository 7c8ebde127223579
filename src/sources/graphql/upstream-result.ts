import type { GraphQLError } from 'graphql';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import type { DelegationPlan } from './delegation-plan.js';
import type { GraphQLAnswer, UpstreamGraphQLError } from './graphql-client.js';

/**
 * Marks an object that came from a GraphQL source: its values are keyed by the client's
 * response keys (aliases), and a field it lacks was left for another source to answer.
 */
export const ORIGIN = Symbol('skein.graphql.origin');

/**
 * Makes an upstream answer the gateway's: every object is marked with its source
 * (ORIGIN) and `__typename` values are turned into local type names.
 */
export function adopt(value: unknown, source: string, plan: DelegationPlan): void {
  if (value === null || typeof value !== 'object' || value instanceof Error) return;
  if (Array.isArray(value)) {
    for (const item of value) adopt(item, source, plan);
    return;
  }
  const object = value as Record<string | symbol, unknown>;
  object[ORIGIN] = source;
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (key === '__typename' && typeof item === 'string') object[key] = plan.localTypeName(item);
    else if (item !== null && typeof item === 'object') adopt(item, source, plan);
  }
}

/** An upstream's error, as the gateway reports it at the client's path. */
export function upstreamGraphQLError(error: UpstreamGraphQLError, source: string): GraphQLError {
  const upstreamCode = error.extensions?.code;
  return new UpstreamError(UpstreamErrorCode.GRAPHQL_ERROR, error.message, {
    source,
    ...(typeof upstreamCode === 'string' ? { upstreamCode } : {}),
  });
}

/**
 * Puts an error where the upstream said it happened, under `container[path[0]]…`: at the
 * first null (or missing) value along the path, which is where the client will see it,
 * since graphql-js reports an Error found as a field's value at that field's path.
 * Returns false when the path leads to a value that is there (nothing to put it on).
 */
export function placeError(container: unknown, path: readonly (string | number)[], error: GraphQLError): boolean {
  let current = container as Record<string | number, unknown> | null;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return false;
    const key = path[i];
    const value = current[key];
    if (value === null || value === undefined) {
      current[key] = error;
      return true;
    }
    if (value instanceof Error) return true; // one error per place is enough
    current = value as Record<string | number, unknown>;
  }
  return false;
}

/**
 * One aliased root field's part of an upstream answer (`f0` of a merged operation, or a
 * subscription's one event): the value adopted, with the errors under it placed at their
 * paths; when the value is null, the error that says why (its own, else one the upstream
 * put at no field's path among `aliases`), or null when the upstream gave none.
 */
export function rootFieldOfAnswer(answer: GraphQLAnswer, alias: string, aliases: readonly string[], source: string, plan: DelegationPlan): unknown {
  const data = answer.data;
  const value = data?.[alias];
  adopt(value, source, plan);
  const mine = answer.errors.filter((e) => e.path?.[0] === alias);
  if (value === null || value === undefined) {
    const reason = mine[0] ?? answer.errors.find((e) => !e.path || !aliases.includes(String(e.path[0])));
    return reason ? upstreamGraphQLError(reason, source) : null;
  }
  placeAll(data!, mine, source);
  return value;
}

/** Puts each upstream error that has a path where the client will see it (placeError). */
export function placeAll(data: Record<string, unknown>, errors: readonly UpstreamGraphQLError[], source: string): void {
  for (const error of errors) if (error.path) placeError(data, error.path, upstreamGraphQLError(error, source));
}
