import { pointerOf } from './json-pointer.js';
import { follow } from './references.js';
import { asArray, asObject, text, type Json } from './json-values.js';
import type { RestParamStyle } from '../../../generated/directives.js';

/**
 * Swagger 2.0, OpenAPI 3.0 and 3.1 say the same things in different places. This module
 * reads each into one version-neutral list of operations, so the mapping to GraphQL is
 * written once. Schemas are passed on raw (with their `$ref`s): the type mapper follows
 * them, because a reference is what gives a type its name.
 */

export type SpecVersion = '2.0' | '3.0' | '3.1';
export type RestMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type ParameterLocation = 'path' | 'query' | 'header';

export interface ApiDescription {
  readonly specVersion: SpecVersion;
  readonly title: string;
  readonly version: string;
  /** From `servers` (3.x) or `schemes`/`host`/`basePath` (2.0); may be relative or absent. */
  readonly serverUrl: string | undefined;
  readonly operations: readonly ApiOperation[];
  readonly securitySchemes: readonly SecurityScheme[];
  /** Names of the schemas under components/schemas (3.x) or definitions (2.0), by object. */
  readonly componentSchemas: ReadonlyMap<object, string>;
  /** Operations that cannot be imported, with the reason. */
  readonly skipped: readonly Note[];
  /** Things imported with a caveat. */
  readonly notes: readonly Note[];
  /** What the document gets wrong and the reader repaired or left out, at its JSON path. */
  readonly repairs: readonly Repair[];
}

/** A part of a document that is not valid OpenAPI, and what was made of it. */
export interface Repair {
  readonly at: readonly string[];
  readonly message: string;
}

/** A remark about one operation (or the document), for the import summary. */
export interface Note {
  /** `POST /pet/{petId}/uploadImage`, or the document's name. */
  readonly where: string;
  readonly message: string;
}

export interface ApiOperation {
  readonly method: RestMethod;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  /** `#/paths/~1pet/post`. */
  readonly pointer: string;
  readonly parameters: readonly ApiParameter[];
  readonly body: ApiBody | undefined;
  /** The success answer; undefined when the operation documents none. */
  readonly response: ApiResponse | undefined;
}

/** OpenAPI 3's query parameter styles, as `@rest` names them. */
const QUERY_STYLES: Readonly<Record<string, RestParamStyle>> = {
  form: 'FORM',
  deepObject: 'DEEP_OBJECT',
  spaceDelimited: 'SPACE_DELIMITED',
  pipeDelimited: 'PIPE_DELIMITED',
};

export interface ApiParameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  /** A schema (raw). Swagger 2.0 parameters are their own schema. */
  readonly schema: unknown;
  /** For a list in the query: repeat the parameter (true) or join its items (false). */
  readonly explode: boolean;
  /** How a list or object in the query is written. */
  readonly style: RestParamStyle;
}

export interface ApiBody {
  readonly schema: unknown;
  readonly required: boolean;
  readonly description: string | undefined;
  readonly mediaType: string;
  readonly encoding: 'JSON' | 'FORM';
}

export interface ApiResponse {
  /** `200`, `2XX` or `default`. */
  readonly status: string;
  readonly description: string | undefined;
  /** Undefined when the answer has no body, or one without a schema. */
  readonly schema: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const SUPPORTED = new Set<string>(['get', 'head', 'post', 'put', 'patch', 'delete']);
// OpenAPI: header parameters with these names are ignored (the media types and security say it).
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
/** Where a parameter can be (3.x and 2.0); one elsewhere, or without a name, is left out. */
export const PARAMETER_PLACES: ReadonlySet<string> = new Set(['path', 'query', 'header', 'cookie', 'body', 'formData']);

/** Reads a parsed (and validated) Swagger 2.0 / OpenAPI 3.x document. */
export function readApiDescription(document: Record<string, unknown>): ApiDescription {
  const specVersion = specVersionOf(document);
  const reader = new DescriptionReader(document, specVersion);
  return reader.read();
}

/** `2.0`, `3.0` or `3.1`; throws an Error saying what the document claims to be instead. */
export function specVersionOf(document: Record<string, unknown>): SpecVersion {
  const { swagger, openapi } = document;
  if (swagger !== undefined) {
    if (String(swagger) === '2.0') return '2.0';
    throw new Error(`the document says swagger: ${JSON.stringify(swagger)}; expected "2.0" (or an OpenAPI 3.x document)`);
  }
  if (typeof openapi === 'string' && /^3\.0(\.|$)/.test(openapi)) return '3.0';
  if (typeof openapi === 'string' && /^3\.1(\.|$)/.test(openapi)) return '3.1';
  throw new Error(
    openapi === undefined
      ? `not an OpenAPI document: expected a top-level "openapi: 3.x" or "swagger: 2.0", found ${describeKeys(document)}`
      : `the document says openapi: ${JSON.stringify(openapi)}; expected 3.0.x or 3.1.x (or swagger: 2.0)`,
  );
}


function describeKeys(document: Json): string {
  const keys = Object.keys(document);
  return keys.length === 0 ? 'an empty object' : `keys ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}`;
}

class DescriptionReader {
  readonly #skipped: Note[] = [];
  readonly #notes: Note[] = [];
  readonly #repairs: Repair[] = [];

  constructor(
    private readonly document: Json,
    private readonly version: SpecVersion,
  ) {}

  read(): ApiDescription {
    const info = asObject(this.document.info);
    return {
      specVersion: this.version,
      title: typeof info.title === 'string' ? info.title : '',
      version: typeof info.version === 'string' ? info.version : '',
      serverUrl: this.version === '2.0' ? this.#swaggerServer() : this.#openApiServer(asObject(this.document).servers),
      operations: this.#operations(),
      securitySchemes: this.#securitySchemes(),
      componentSchemas: this.#componentSchemas(),
      skipped: this.#skipped,
      notes: this.#notes,
      repairs: this.#repairs,
    };
  }

  #operations(): ApiOperation[] {
    const operations: ApiOperation[] = [];
    for (const [path, rawItem] of Object.entries(asObject(this.document.paths))) {
      // Paths start with "/"; other keys are extensions (`x-…`) or mistakes the validator names.
      if (!path.startsWith('/')) continue;
      const item = asObject(this.#deref(rawItem));
      for (const method of METHODS) {
        const operation = item[method];
        if (operation === undefined) continue;
        const where = `${method.toUpperCase()} ${path}`;
        if (!SUPPORTED.has(method)) {
          this.#skipped.push({ where, message: `${method.toUpperCase()} is not a method @rest can call` });
          continue;
        }
        const read = this.#operation(path, method, asObject(operation), item, where);
        if (read) operations.push(read);
      }
    }
    return operations;
  }

  #operation(path: string, method: string, operation: Json, item: Json, where: string): ApiOperation | undefined {
    const pointer = pointerOf(['paths', path, method]);
    const declared = [
      ...asArray(item.parameters).map((p, index) => ({ p, at: ['paths', path, 'parameters', String(index)] })),
      ...asArray(operation.parameters).map((p, index) => ({ p, at: ['paths', path, method, 'parameters', String(index)] })),
    ];
    // An operation's parameter replaces the path item's of the same name and place.
    const byKey = new Map<string, Json>();
    for (const { p, at } of declared) {
      const parameter = asObject(this.#deref(p));
      if (typeof parameter.name !== 'string' || parameter.name === '' || !PARAMETER_PLACES.has(String(parameter.in))) {
        const problem = typeof parameter.name !== 'string' || parameter.name === '' ? 'has no name' : `is "in: ${String(parameter.in)}"`;
        this.#repairs.push({ at, message: `${where}: a parameter ${problem}, so it is left out (give it a name and in: path, query, header, cookie or body)` });
        continue;
      }
      byKey.set(`${parameter.in}:${parameter.name}`, parameter);
    }
    // A path template naming a parameter the operation does not declare still needs a value to call.
    const queryPart = path.split('?')[1] ?? '';
    for (const [, name] of path.matchAll(/\{([^{}]+)\}/g)) {
      if (byKey.has(`path:${name}`)) continue;
      // `/search?query={query}` with a declared query parameter `query`: the parameter sends
      // it (operation-fields.ts drops the pair from the path).
      if (byKey.has(`query:${name}`) && queryPart.includes(`{${name}}`)) {
        this.#repairs.push({
          at: ['paths', path, method],
          message: `${where}: the path names {${name}} in its query string, and the operation declares it as a query parameter; the parameter sends it, once`,
        });
        continue;
      }
      // Swagger 2.0 parameters carry their type themselves; 3.x ones in a schema.
      const type = this.version === '2.0' ? { type: 'string' } : { schema: { type: 'string' } };
      byKey.set(`path:${name}`, { name, in: 'path', required: true, ...type });
      this.#repairs.push({
        at: ['paths', path, method],
        message: `${where}: the path names {${name}}, but the operation declares no such parameter; imported as a required String argument (declare it with in: path to give it a type)`,
      });
    }

    const parameters: ApiParameter[] = [];
    const formFields: Json[] = [];
    let body: ApiBody | undefined;
    for (const parameter of byKey.values()) {
      const name = String(parameter.name);
      switch (parameter.in) {
        case 'path':
        case 'query':
        case 'header':
          if (parameter.in === 'header' && IGNORED_HEADERS.has(name.toLowerCase())) continue;
          parameters.push(this.#parameter(parameter, where));
          break;
        case 'cookie':
          this.#notes.push({ where, message: `cookie parameter "${name}" is left out: @rest does not send cookies` });
          break;
        case 'body':
          body = {
            schema: parameter.schema,
            required: parameter.required === true,
            description: text(parameter.description),
            mediaType: 'application/json',
            encoding: 'JSON',
          };
          break;
        case 'formData':
          formFields.push(parameter);
          break;
      }
    }
    if (formFields.length > 0) {
      const consumes = asArray(operation.consumes ?? this.document.consumes).map(String);
      if (formFields.some((field) => field.type === 'file') || (consumes.length > 0 && !consumes.includes('application/x-www-form-urlencoded'))) {
        this.#skipped.push({ where, message: 'its body is multipart/form-data (a file upload), which @rest cannot send' });
        return undefined;
      }
      body = {
        schema: {
          type: 'object',
          properties: Object.fromEntries(formFields.map((field) => [String(field.name), swaggerParameterSchema(field)])),
          required: formFields.filter((field) => field.required === true).map((field) => String(field.name)),
        },
        required: formFields.some((field) => field.required === true),
        description: undefined,
        mediaType: 'application/x-www-form-urlencoded',
        encoding: 'FORM',
      };
    }
    if (this.version !== '2.0' && operation.requestBody !== undefined) {
      const requestBody = asObject(this.#deref(operation.requestBody));
      const media = pickMedia(asObject(requestBody.content), 'request');
      if (!media) {
        const types = Object.keys(asObject(requestBody.content)).join(', ') || 'no media type';
        this.#skipped.push({ where, message: `its body is ${types}, which @rest cannot send (it sends JSON or form fields)` });
        return undefined;
      }
      body = {
        schema: asObject(media.value).schema,
        required: requestBody.required === true,
        description: text(requestBody.description),
        mediaType: media.type,
        encoding: media.type === 'application/x-www-form-urlencoded' ? 'FORM' : 'JSON',
      };
    }
    const servers = operation.servers ?? item.servers;
    if (this.version !== '2.0' && Array.isArray(servers) && servers.length > 0) {
      this.#notes.push({ where, message: `it names its own server (${this.#openApiServer(servers)}); it is called on the source's URL` });
    }
    return {
      method: method.toUpperCase() as RestMethod,
      path,
      operationId: typeof operation.operationId === 'string' && operation.operationId !== '' ? operation.operationId : undefined,
      summary: text(operation.summary),
      description: text(operation.description),
      deprecated: operation.deprecated === true,
      pointer,
      parameters,
      body,
      response: this.#response(asObject(operation.responses), operation, where),
    };
  }

  #parameter(parameter: Json, where: string): ApiParameter {
    const location = parameter.in as ParameterLocation;
    let schema: unknown;
    let explode: boolean;
    let style: RestParamStyle = 'FORM';
    if (this.version === '2.0') {
      schema = swaggerParameterSchema(parameter);
      const format = parameter.collectionFormat ?? 'csv';
      explode = format === 'multi' || parameter.type !== 'array';
      if (format === 'ssv') style = 'SPACE_DELIMITED';
      else if (format === 'pipes') style = 'PIPE_DELIMITED';
      else if (format !== 'multi' && format !== 'csv' && parameter.type === 'array') {
        this.#notes.push({ where, message: `list parameter "${parameter.name}" wants ${format} joining; @rest joins lists with commas` });
      }
    } else {
      const content = parameter.content ? pickMedia(asObject(parameter.content), 'parameter') : undefined;
      schema = content ? asObject(content.value).schema : parameter.schema;
      const written = parameter.style ?? (location === 'query' ? 'form' : 'simple');
      explode = typeof parameter.explode === 'boolean' ? parameter.explode : written === 'form';
      const known = location === 'query' ? QUERY_STYLES[String(written)] : written === 'simple' ? 'FORM' : undefined;
      // A parameter with content is written in its media type: JSON text for JSON media.
      if (content && isJsonMedia(content.type) && location === 'query') style = 'JSON';
      else if (known) style = known;
      else this.#notes.push({ where, message: `parameter "${parameter.name}" has style ${written}; @rest sends it in ${location === 'query' ? 'form' : 'simple'} style` });
    }
    return {
      name: String(parameter.name),
      in: location,
      required: location === 'path' || parameter.required === true,
      description: text(parameter.description),
      deprecated: parameter.deprecated === true,
      schema,
      explode,
      style,
    };
  }

  #response(responses: Json, operation: Json, where: string): ApiResponse | undefined {
    const status = successStatus(Object.keys(responses));
    if (status === undefined) return undefined;
    const response = asObject(this.#deref(responses[status]));
    const description = text(response.description);
    if (this.version === '2.0') {
      const produces = asArray(operation.produces ?? this.document.produces).map(String);
      if (response.schema !== undefined && produces.length > 0 && !produces.some(isJsonMedia)) {
        this.#notes.push({ where, message: `it answers ${produces.join(', ')}; @rest reads JSON answers only` });
      }
      return { status, description, schema: response.schema };
    }
    const content = asObject(response.content);
    if (Object.keys(content).length === 0) return { status, description, schema: undefined };
    const media = pickMedia(content, 'response');
    if (!media || !isJsonMedia(media.type)) {
      this.#notes.push({ where, message: `it answers ${Object.keys(content).join(', ')}; @rest reads JSON answers only` });
    }
    return { status, description, schema: media ? asObject(media.value).schema : undefined };
  }

  #swaggerServer(): string | undefined {
    const host = typeof this.document.host === 'string' ? this.document.host : undefined;
    const basePath = typeof this.document.basePath === 'string' ? this.document.basePath : '';
    if (!host) return basePath || undefined;
    const schemes = asArray(this.document.schemes).map(String);
    const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? 'https');
    return `${scheme}://${host}${basePath}`;
  }

  #openApiServer(servers: unknown): string | undefined {
    const server = asObject(asArray(servers)[0]);
    if (typeof server.url !== 'string') return undefined;
    const variables = asObject(server.variables);
    // Server variables take their default: `https://{region}.api.example.com` → the default region.
    return server.url.replace(/\{([^{}]+)\}/g, (whole, variable: string) => {
      const value = asObject(variables[variable]).default;
      return value === undefined ? whole : String(value);
    });
  }

  #securitySchemes(): SecurityScheme[] {
    const schemes = this.version === '2.0'
      ? asObject(this.document.securityDefinitions)
      : asObject(asObject(this.document.components).securitySchemes);
    return Object.entries(schemes).map(([name, raw]) => {
      const scheme = asObject(this.#deref(raw));
      return {
        name,
        type: String(scheme.type),
        in: typeof scheme.in === 'string' ? scheme.in : undefined,
        parameterName: typeof scheme.name === 'string' ? scheme.name : undefined,
        scheme: typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : undefined,
      };
    });
  }

  #componentSchemas(): Map<object, string> {
    const schemas = this.version === '2.0'
      ? asObject(this.document.definitions)
      : asObject(asObject(this.document.components).schemas);
    const names = new Map<object, string>();
    for (const [name, schema] of Object.entries(schemas)) {
      if (schema !== null && typeof schema === 'object' && !names.has(schema)) names.set(schema, name);
    }
    return names;
  }

  #deref(node: unknown): unknown {
    return follow(this.document, node).value;
  }
}

/** A way of authenticating that the document declares (applied by the schema author, not by the import). */
export interface SecurityScheme {
  readonly name: string;
  /** `apiKey`, `http`, `oauth2`, `openIdConnect`, `basic` (2.0), `mutualTLS`. */
  readonly type: string;
  /** For an apiKey: `header`, `query` or `cookie`. */
  readonly in: string | undefined;
  /** For an apiKey: the header or parameter name. */
  readonly parameterName: string | undefined;
  /** For http: `bearer`, `basic`. */
  readonly scheme: string | undefined;
}

/** A Swagger 2.0 non-body parameter carries its schema keywords itself. */
function swaggerParameterSchema(parameter: Json): Json {
  const { name: _name, in: _in, required: _required, collectionFormat: _format, allowEmptyValue: _empty, ...schema } = parameter;
  if (schema.type === 'file') schema.type = 'string';
  return schema;
}

/** The documented success: the lowest 2xx, then `2XX`, then `default`. */
function successStatus(statuses: readonly string[]): string | undefined {
  const exact = statuses.filter((s) => /^2\d\d$/.test(s)).sort();
  if (exact.length > 0) return exact[0];
  return statuses.find((s) => s.toUpperCase() === '2XX') ?? (statuses.includes('default') ? 'default' : undefined);
}

/**
 * The media type the gateway speaks: JSON (application/json, `+json`, `*\/*`); for a
 * request body, form fields next. Undefined when a request body offers neither.
 */
function pickMedia(content: Json, purpose: 'request' | 'response' | 'parameter'): { type: string; value: unknown } | undefined {
  const types = Object.keys(content);
  const json = types.find((t) => isJsonMedia(t));
  const form = types.find((t) => t.split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded');
  const chosen = json ?? form ?? (purpose === 'request' ? undefined : types[0]);
  return chosen === undefined ? undefined : { type: chosen === form ? 'application/x-www-form-urlencoded' : chosen, value: content[chosen] };
}

function isJsonMedia(type: string): boolean {
  const bare = type.split(';')[0].trim().toLowerCase();
  return bare === 'application/json' || bare.endsWith('+json') || bare === '*/*' || bare === 'application/*' || bare.endsWith('/json');
}
