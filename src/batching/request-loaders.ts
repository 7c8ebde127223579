import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { Operation, RequestContext } from '../sources/index.js';
import { keyOf, type BatchForm } from './batch-directive.js';

/**
 * The upstream calls of one request, through DataLoader: one loader per (operation,
 * arguments other than the key). Identical calls are made once; an operation with a
 * batch form turns N lookups into ceil(N / maxBatchSize) calls. Root fields, joins and
 * composite steps all load through here, so they share this per-request cache. A batch
 * of one key calls the single operation: the same one call, with that operation's own
 * answer (a 404 or a SOAP Fault rather than a key left out).
 */
export class RequestLoaders {
  readonly #loaders = new Map<string, DataLoader<unknown, unknown, string>>();
  readonly #batchForms: ReadonlyMap<string, BatchForm>;
  readonly #context: RequestContext;

  constructor(batchForms: ReadonlyMap<string, BatchForm>, context: RequestContext) {
    this.#batchForms = batchForms;
    this.#context = context;
  }

  /** The result of calling `operation` with `args`, shared with identical calls. */
  load(operation: Operation, args: Readonly<Record<string, unknown>>, info?: GraphQLResolveInfo): Promise<unknown> {
    // A mutation is not repeatable: two identical mutations are two calls. A delegating
    // operation's answer depends on the selection too; it merges and shares calls itself.
    if (!operation.idempotent || operation.delegates) return operation.call(args, this.#context, info);
    const form = this.#batchForms.get(operation.name);
    if (form) {
      const { [form.keyArgument]: key, ...rest } = args;
      if (key === undefined || key === null) return operation.call(args, this.#context);
      return this.#loader(`${operation.name} ${JSON.stringify(rest)}`, () => this.#batchLoader(operation, form, rest)).load(key);
    }
    return this.#loader(operation.name, () => this.#singleLoader(operation)).load(args);
  }

  #loader(id: string, create: () => DataLoader<unknown, unknown, string>): DataLoader<unknown, unknown, string> {
    let loader = this.#loaders.get(id);
    if (!loader) {
      loader = create();
      this.#loaders.set(id, loader);
    }
    return loader;
  }

  #singleLoader(operation: Operation): DataLoader<unknown, unknown, string> {
    const context = this.#context;
    return new DataLoader(
      (calls: readonly unknown[]) =>
        Promise.all(
          calls.map((args) =>
            operation.call(args as Record<string, unknown>, context).catch(asError),
          ),
        ),
      { cacheKeyFn: (args) => JSON.stringify(args) },
    );
  }

  #batchLoader(operation: Operation, form: BatchForm, rest: Readonly<Record<string, unknown>>): DataLoader<unknown, unknown, string> {
    const context = this.#context;
    return new DataLoader(
      async (keys: readonly unknown[]) => {
        // One key is one call either way: the single operation's, with its own answer (a 404, a fault).
        if (keys.length === 1) return [await operation.call({ ...rest, [form.keyArgument]: keys[0] }, context).catch(asError)];
        const args = form.call.argumentsFor({ ...rest, [form.keyArgument]: keys });
        const items = await form.batchOperation.call(args, context);
        const byKey = new Map<string, unknown>();
        for (const item of Array.isArray(items) ? items : []) {
          const key = keyOf(item, form.keyPath);
          if (key !== undefined && !byKey.has(key)) byKey.set(key, item);
        }
        // A key the upstream did not return is null for that lookup, not an error for all.
        return keys.map((key) => byKey.get(String(key)) ?? null);
      },
      { maxBatchSize: form.maxBatchSize, cacheKeyFn: (key) => String(key) },
    );
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
