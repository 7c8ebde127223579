import { readFile } from 'node:fs/promises';
import { buildClientSchema, getIntrospectionQuery, printSchema, type IntrospectionQuery } from 'graphql';
import { request } from 'undici';
import { SchemaError } from '../../../errors/schema-error.js';

/** The upstream's SDL and what it is. */
export interface UpstreamSDL {
  readonly sdl: string;
  /** Read from `_service { sdl }`, or a file that uses federation's directives. */
  readonly federation: boolean;
  /** Where it came from, for the summary: `_service { sdl }`, `introspection`, a file name. */
  readonly via: string;
}

export interface LoadOptions {
  /** Sent with the introspection request (an API that wants a token even for that). */
  readonly headers?: Readonly<Record<string, string>>;
  /** true: it must be a subgraph; false: never ask `_service`; undefined: detect. */
  readonly federation?: boolean;
  readonly timeoutMs?: number;
  /** The SDL itself (an upload to the admin API): nothing is read, `location` only names it. */
  readonly text?: string;
}

const FEDERATION_DIRECTIVES = /@key\b|specs\.apollo\.dev\/federation|@extends\b/;

/**
 * Reads an upstream's schema: from an SDL file, or from a URL, where a federation
 * subgraph answers `_service { sdl }` (its own SDL, with @key and the other federation
 * directives introspection would lose) and any other GraphQL API is introspected. An API
 * with introspection turned off is told apart from one that cannot be reached, and the
 * error says to import an SDL file instead.
 */
export async function loadUpstreamSDL(location: string, options: LoadOptions = {}): Promise<UpstreamSDL> {
  if (options.text !== undefined) return { sdl: options.text, federation: options.federation ?? FEDERATION_DIRECTIVES.test(options.text), via: location };
  if (!/^https?:\/\//i.test(location)) {
    let sdl: string;
    try {
      sdl = await readFile(location, 'utf8');
    } catch (error) {
      throw new SchemaError(`${location} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give an SDL file or the API's http(s) URL`);
    }
    return { sdl, federation: options.federation ?? FEDERATION_DIRECTIVES.test(sdl), via: location };
  }
  if (options.federation !== false) {
    const service = await post(location, '{ _service { sdl } }', options);
    const sdl = (service.body as { data?: { _service?: { sdl?: unknown } } } | undefined)?.data?._service?.sdl;
    if (typeof sdl === 'string') return { sdl, federation: true, via: '_service { sdl }' };
    if (options.federation === true) {
      throw new SchemaError(
        `${location} is not a federation subgraph: it does not answer _service { sdl } (${service.problem ?? firstError(service.body) ?? 'no SDL in the answer'}); import it without --federation as a plain GraphQL API`,
      );
    }
  }
  const introspection = await post(location, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), options);
  const data = (introspection.body as { data?: IntrospectionQuery } | undefined)?.data;
  if (!data?.__schema) {
    const said = introspection.problem ?? firstError(introspection.body) ?? 'no __schema in the answer';
    throw new SchemaError(
      `${location} does not answer the introspection query (it said: ${said}). Introspection may be turned off there: ` +
        `export the API's SDL and import the file instead, with the endpoint for the gateway: skein import graphql schema.graphql --source <name> --url ${location}`,
    );
  }
  let schema;
  try {
    schema = buildClientSchema(data);
  } catch (error) {
    throw new SchemaError(`${location} answered introspection with a schema that does not build: ${(error as Error).message}`);
  }
  return { sdl: printSchema(schema), federation: false, via: 'introspection' };
}

async function post(url: string, query: string, options: LoadOptions): Promise<{ body?: unknown; problem?: string }> {
  let response;
  try {
    response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...options.headers },
      body: JSON.stringify({ query }),
      headersTimeout: options.timeoutMs ?? 30_000,
      bodyTimeout: options.timeoutMs ?? 30_000,
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new SchemaError(`${url} could not be reached (${code})`);
  }
  const text = await response.body.text();
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { problem: `HTTP ${response.statusCode} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}` };
  }
}

function firstError(body: unknown): string | undefined {
  const errors = (body as { errors?: { message?: unknown }[] } | undefined)?.errors;
  const message = Array.isArray(errors) ? errors[0]?.message : undefined;
  return typeof message === 'string' ? JSON.stringify(message) : undefined;
}
