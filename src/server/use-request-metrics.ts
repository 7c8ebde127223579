import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from './metrics.js';

/**
 * Counts every GraphQL result by outcome for /metrics: ok, partial (data with errors),
 * failed (errors and null data) or rejected (errors and no data at all: the request
 * was refused before it ran). Batched requests count each operation.
 */
export function useRequestMetrics(metrics: GatewayMetrics): Plugin {
  return {
    onResultProcess({ result }) {
      if (Array.isArray(result)) for (const one of result) countResult(metrics, one as ExecutionResult);
      else if (!(Symbol.asyncIterator in (result as object))) countResult(metrics, result as ExecutionResult);
    },
  };
}

/** Counts one result by outcome; the fast lane counts through here too. */
export function countResult(metrics: GatewayMetrics, result: ExecutionResult): void {
  if (!result.errors || result.errors.length === 0) metrics.count('ok');
  else if (!('data' in result) || result.data === undefined) metrics.count('rejected');
  else if (result.data === null) metrics.count('failed');
  else metrics.count('partial');
}
