import {
  getNamedType,
  getNullableType,
  isAbstractType,
  GraphQLError,
  isListType,
  isObjectType,
  type ArgumentNode,
  type GraphQLOutputType,
} from 'graphql';
import { SchemaError } from '../../errors/schema-error.js';
import type { HttpClient } from '../http/http-client.js';
import type { Operation, OperationDefinition, RequestContext } from '../protocol.js';
import { envRefusal } from '../env-access.js';
import { isJwtPath, parseTemplate, lookup, type Template } from '../template.js';
import { addCallerHeaders } from '../source-headers.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { inputToWire, type ToWire } from '../wire-names.js';
import type { RestDirectiveArgs, RestParam, RestParamStyle } from '../../generated/directives.js';

interface CompiledParam {
  readonly name: string;
  readonly template: Template;
  readonly explode: boolean;
  readonly style: RestParamStyle;
  /** GraphQL names → wire names, for an object-valued argument named alone (`{filter}`). */
  readonly toWire: ToWire | undefined;
}

/**
 * Compiles a `@rest` field into an Operation: templates are parsed and checked against
 * the field's arguments here, once, so a call only fills them in.
 */
export function compileRestOperation(definition: OperationDefinition<HttpClient>): Operation {
  const { field, parentType, source, client, node } = definition;
  const args = definition.directiveArgs as unknown as RestDirectiveArgs;
  const name = `${parentType}.${field.name}`;
  const argumentNames = new Set(field.args.map((arg) => arg.name));
  // {env.NAME} reads the environment, unless the field has an argument named env (an
  // OpenAPI parameter, as LaunchDarkly's): then {env…} is that argument, like any other.
  const readsEnvironment = (path: readonly string[]) => path[0] === 'env' && !argumentNames.has('env');
  const directiveNode = node.directives?.find((d) => d.name.value === 'rest');
  const where = (argument: string) =>
    directiveNode?.arguments?.find((a: ArgumentNode) => a.name.value === argument) ?? directiveNode ?? node;

  const template = (text: string, argument: string): Template => {
    let parsed: Template;
    try {
      parsed = parseTemplate(text);
    } catch (error) {
      throw new SchemaError(`@rest on ${name}: ${(error as Error).message}`, where(argument));
    }
    for (const path of parsed.placeholders) {
      if (readsEnvironment(path)) {
        const refused = path.length === 2 ? envRefusal(path[1]) : 'only {env.NAME} names an environment variable';
        if (refused) throw new SchemaError(`@rest on ${name}: ${argument} "${text}": ${refused}`, where(argument));
        continue;
      }
      if (isJwtPath(path)) continue;
      if (path[0] === 'jwt' && !argumentNames.has('jwt')) {
        throw new SchemaError(
          `@rest on ${name}: ${argument} "${text}" names {${path.join('.')}}; the verified token is read as {jwt.sub} or {jwt.claims.NAME}`,
          where(argument),
        );
      }
      if (!argumentNames.has(path[0])) {
        throw new SchemaError(
          `@rest on ${name}: ${argument} "${text}" names {${path.join('.')}}, but ${name} has no argument "${path[0]}"` +
            ` (it has: ${[...argumentNames].join(', ') || 'none'})`,
          where(argument),
        );
      }
    }
    return parsed;
  };
  const params = (list: readonly RestParam[] | null | undefined, argument: string): CompiledParam[] =>
    (list ?? []).map((param) => {
      const compiled = template(param.value, argument);
      const named = compiled.isSinglePlaceholder && compiled.placeholders[0].length === 1 ? field.args.find((arg) => arg.name === compiled.placeholders[0][0]) : undefined;
      return {
        name: param.name,
        template: compiled,
        explode: param.explode ?? true,
        style: param.style ?? 'FORM',
        toWire: named && inputToWire(named.type),
      };
    });

  // A fragment is never sent, and a query appended after one would not be either: AWS's
  // documents name operations `/#Action=DescribeCases` (the Action travels as a parameter).
  const pathText = args.path.split('#')[0];
  const path = template(pathText.startsWith('/') ? pathText : `/${pathText}`, 'path');
  const query = params(args.query, 'query');
  const headers = params(args.headers, 'headers');
  const bodyArgument = args.body ? field.args.find((arg) => arg.name === args.body) : undefined;
  if (args.body && !bodyArgument) {
    throw new SchemaError(`@rest on ${name}: body names argument "${args.body}", which ${name} does not have`, where('body'));
  }
  const bodyToWire: ToWire | undefined = bodyArgument && inputToWire(bodyArgument.type);
  const select = args.select ? args.select.split('.') : undefined;
  const baseUrl = (source.url ?? '').replace(/\/+$/, '');
  if (!baseUrl) {
    throw new SchemaError(`source "${source.name}" has no url, which @rest on ${name} needs`, source.location);
  }
  // Only templates naming {env.X} or {jwt.…} need a scope beyond the arguments; most do not.
  const templates = [path, ...[...query, ...headers].map((param) => param.template)];
  const usesEnv = templates.some((template) => template.placeholders.some(readsEnvironment));
  const usesJwt = !argumentNames.has('jwt') && templates.some((template) => template.placeholders.some(isJwtPath));
  const returnType = field.type;
  const idempotent = args.method === 'GET' || args.method === 'HEAD';

  return {
    name,
    source,
    idempotent,
    async call(values: Readonly<Record<string, unknown>>, context: RequestContext): Promise<unknown> {
      const scope =
        usesEnv || usesJwt ? { ...values, ...(usesEnv ? { env: process.env } : {}), ...(usesJwt ? { jwt: context.jwt } : {}) } : values;
      let url = baseUrl + (path.render(scope, encodePathValue) ?? '');
      const search = renderQuery(query, scope);
      if (search) url += (url.includes('?') ? '&' : '?') + search;

      const requestHeaders: Record<string, string> = { accept: 'application/json', ...source.headers };
      addCallerHeaders(source, context, requestHeaders);
      for (const header of headers) {
        const value = header.template.render(scope);
        if (value !== undefined) requestHeaders[header.name.toLowerCase()] = value;
      }

      let body: string | undefined;
      if (bodyArgument) {
        const raw = values[bodyArgument.name];
        const value = bodyToWire ? bodyToWire(raw) : raw;
        if (value !== undefined) {
          body = args.encoding === 'FORM' ? new URLSearchParams(formFields(value)).toString() : JSON.stringify(value);
          requestHeaders['content-type'] =
            args.encoding === 'FORM' ? 'application/x-www-form-urlencoded' : 'application/json';
        }
      }

      const answer = await client.send({
        method: args.method,
        url,
        headers: requestHeaders,
        body,
        label: name,
        signal: context.request?.signal,
        budget: context.budget,
        cache: context.callCache,
        trace: context.trace,
        idempotent,
      });
      if (answer.status < 200 || answer.status > 299) {
        throw new UpstreamError(
          UpstreamErrorCode.HTTP_ERROR,
          `Upstream "${source.name}" answered HTTP ${answer.status} to ${name}`,
          { source: source.name, status: answer.status, body: answer.body },
        );
      }
      if (answer.body.trim() === '') return null;
      let parsed: unknown;
      try {
        parsed = JSON.parse(answer.body);
      } catch (error) {
        throw new UpstreamError(
          UpstreamErrorCode.BAD_RESPONSE,
          `Upstream "${source.name}" answered ${name} with a body that is not JSON (${(error as Error).message})`,
          { source: source.name, status: answer.status, body: answer.body },
        );
      }
      const result = select ? lookup(parsed, select) : parsed;
      const problem = shapeProblem(result, returnType);
      if (problem) {
        throw new UpstreamError(
          UpstreamErrorCode.BAD_RESPONSE,
          `Upstream "${source.name}" answered ${name} with ${problem}`,
          { source: source.name, status: answer.status, body: answer.body },
        );
      }
      return result;
    },
  };
}

/**
 * A path value, percent-encoded. `.` and `..` are refused: URL parsers resolve them even
 * when encoded (`%2e%2e`), so they would let a client walk the upstream's paths; the
 * schema author fixes the path, a client only fills in values.
 */
function encodePathValue(value: string): string {
  if (value === '.' || value === '..') {
    throw new GraphQLError(`A path value may not be "${value}": it would change which upstream path is called`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return encodeURIComponent(value);
}

function renderQuery(params: readonly CompiledParam[], scope: Readonly<Record<string, unknown>>): string {
  const search = new URLSearchParams();
  for (const param of params) {
    const value = param.template.isSinglePlaceholder ? param.template.valueOf(scope) : param.template.render(scope);
    if (value === undefined || value === null) continue;
    appendParam(search, param, param.toWire ? param.toWire(value) : value);
  }
  return search.toString();
}

/** A list's items joined, as the non-exploding styles write them. */
const DELIMITERS: Record<RestParamStyle, string> = { FORM: ',', DEEP_OBJECT: ',', SPACE_DELIMITED: ' ', PIPE_DELIMITED: '|', JSON: ',' };

/**
 * One query parameter in its OpenAPI style. A list repeats the parameter (explode) or
 * joins its items; an object becomes its properties (form, explode: `role=admin`), a
 * list of names and values (form: `filter=role,admin`), or nested keys (deepObject:
 * `filter[role]=admin`). What no style defines (an object inside a list, or inside a
 * form property) goes as JSON text, never as "[object Object]".
 */
function appendParam(search: URLSearchParams, param: CompiledParam, value: unknown): void {
  if (param.style === 'JSON') {
    search.append(param.name, typeof value === 'string' ? value : JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    if (param.explode) for (const item of value) search.append(param.name, queryText(item));
    else search.append(param.name, value.map(queryText).join(DELIMITERS[param.style]));
    return;
  }
  if (!isObject(value)) {
    search.append(param.name, queryText(value));
    return;
  }
  if (param.style === 'DEEP_OBJECT') {
    appendDeep(search, param.name, value);
    return;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
  if (param.explode) {
    for (const [key, item] of entries) {
      if (Array.isArray(item)) for (const member of item) search.append(key, queryText(member));
      else search.append(key, queryText(item));
    }
  } else {
    search.append(param.name, entries.flatMap(([key, item]) => [key, queryText(item)]).join(DELIMITERS[param.style]));
  }
}

/** `filter[role]=admin`, nesting further for nested objects, repeating for lists. */
function appendDeep(search: URLSearchParams, prefix: string, value: Record<string, unknown>): void {
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue;
    const name = `${prefix}[${key}]`;
    if (isObject(item)) appendDeep(search, name, item);
    else if (Array.isArray(item)) for (const member of item) search.append(name, queryText(member));
    else search.append(name, String(item));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function queryText(item: unknown): string {
  return item !== null && typeof item === 'object' ? JSON.stringify(item) : String(item);
}

/**
 * Form fields as OpenAPI's default for form bodies has them (style form, explode): a list
 * repeats its field (`Types=a&Types=b`), an object is JSON text.
 */
function formFields(value: unknown): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  const text = (item: unknown) => (typeof item === 'object' ? JSON.stringify(item) : String(item));
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined || item === null) continue;
      if (Array.isArray(item)) for (const member of item) fields.push([key, text(member)]);
      else fields.push([key, text(item)]);
    }
  }
  return fields;
}

/** A cheap check of the top of an answer against the field's type, so a wrong shape is named. */
function shapeProblem(value: unknown, type: GraphQLOutputType): string | undefined {
  if (value === null || value === undefined) return undefined;
  const nullable = getNullableType(type);
  if (isListType(nullable)) return Array.isArray(value) ? undefined : `${describe(value)} where a list was expected`;
  const named = getNamedType(nullable);
  if (isObjectType(named) || isAbstractType(named)) {
    return typeof value === 'object' && !Array.isArray(value)
      ? undefined
      : `${describe(value)} where an object (${named.name}) was expected`;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
