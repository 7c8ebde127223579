import { classifyName } from '../../classify-operation.js';
import { fieldName, isValidGraphQLName, NameRegistry } from '../../naming.js';
import type { ApiOperation, ApiParameter, Note } from './api-description.js';
import type { ArgumentDefinition, RestParamDefinition, RootFieldDefinition } from './sdl-model.js';
import type { TypeMapper } from './type-mapper.js';

export interface RootFieldOptions extends RootSelection {
  /** Put before every field name (`gh` → `ghReposGet`), to keep two APIs apart. */
  readonly fieldPrefix?: string;
}

export interface RootSelection {
  /** Operations to put on Query whatever their method: operationId, field name or `METHOD /path`. */
  readonly query?: readonly string[];
  /** Operations to put on Mutation whatever their method. */
  readonly mutation?: readonly string[];
}

/** The argument that carries the request body. */
const BODY_ARGUMENT = 'input';

/**
 * Turns each operation into a root field with its `@rest` call.
 *
 * - Names come from the operationId (`repos/get-content` → `reposGetContent`), else from
 *   method and path (`GET /pets/{id}` → `getPetsById`). Names that need no change are
 *   claimed first, the others in document order, a taken name getting the lowest free
 *   number (`getPet2`): the same document always gives the same names.
 * - GET and HEAD go on Query; PUT, PATCH and DELETE on Mutation; a POST goes on Query when
 *   its name reads (`DescribeInstances`, `search`), else on Mutation. `selection` overrides
 *   all of these. A selector that names no operation is an error (a typo would otherwise
 *   go unnoticed).
 * - Path, query and header parameters become arguments (renamed where their name is not
 *   valid GraphQL; the `@rest` templates keep the wire name); the body is `input`.
 */
export function operationFields(
  operations: readonly ApiOperation[],
  types: TypeMapper,
  options: RootFieldOptions,
  notes: Note[],
): RootFieldDefinition[] {
  const names = fieldNamesOf(operations, options.fieldPrefix ?? '');
  const roots = rootsOf(operations, names, options);
  return operations.map((operation, i) => {
    const field = fieldOf(operation, names[i], roots[i].root, types, notes);
    return roots[i].classifiedBy ? { ...field, classifiedBy: roots[i].classifiedBy } : field;
  });
}

function fieldOf(
  operation: ApiOperation,
  name: string,
  root: 'Query' | 'Mutation',
  types: TypeMapper,
  notes: Note[],
): RootFieldDefinition {
  const where = `${operation.method} ${operation.path}`;
  const typeHint = [name];
  const argumentNames = new NameRegistry();
  const renamed = new Map<string, string>();
  // Valid parameter names are claimed first so that they keep their names.
  const ordered = [...operation.parameters].sort((a, b) => Number(isValidGraphQLName(b.name)) - Number(isValidGraphQLName(a.name)));
  for (const parameter of ordered) {
    renamed.set(`${parameter.in}:${parameter.name}`, argumentNames.claim(isValidGraphQLName(parameter.name) ? parameter.name : fieldName(parameter.name)));
  }

  const args: ArgumentDefinition[] = [];
  const query: RestParamDefinition[] = [];
  const headers: RestParamDefinition[] = [];
  const pathArguments = new Map<string, string>();
  for (const parameter of operation.parameters) {
    const argument = renamed.get(`${parameter.in}:${parameter.name}`)!;
    const mapped = types.input(parameter.schema, [...typeHint, parameter.name]);
    const required = parameter.required && !mapped.nullable;
    const defaultValue = parameter.in === 'path' ? undefined : types.literal(mapped, mapped.shape.defaultValue);
    args.push({
      name: argument,
      type: `${mapped.type}${required && defaultValue === undefined ? '!' : ''}`,
      description: parameter.description ?? mapped.shape.localDescription,
      defaultValue,
    });
    const template = `{${argument}}`;
    if (parameter.in === 'path') pathArguments.set(parameter.name, argument);
    else if (parameter.in === 'query') query.push({ name: parameter.name, value: template, explode: parameter.explode, style: parameter.style });
    else headers.push({ name: parameter.name, value: template, explode: true });
  }

  // `{petId}` in the path names the parameter; the template names its argument.
  const path = withoutDeclaredQuery(operation.path, operation.parameters, pathArguments).replace(/\{([^{}]+)\}/g, (_whole, wire: string) => {
    let argument = pathArguments.get(wire);
    if (!argument) {
      argument = argumentNames.claim(fieldName(wire));
      pathArguments.set(wire, argument);
      args.push({ name: argument, type: 'String!', description: undefined, defaultValue: undefined });
      notes.push({ where, message: `path parameter "${wire}" is not declared; it is imported as a String` });
    }
    return `{${argument}}`;
  });

  let body: string | undefined;
  if (operation.body) {
    body = argumentNames.claim(BODY_ARGUMENT);
    const mapped = types.input(operation.body.schema, typeHint);
    args.push({
      name: body,
      type: `${mapped.type}${operation.body.required && !mapped.nullable ? '!' : ''}`,
      description: operation.body.description,
      defaultValue: undefined,
    });
  }

  const result = operation.response?.schema === undefined ? undefined : types.output(operation.response.schema, [name, 'response']);
  return {
    root,
    name,
    description: describe(operation),
    deprecated: operation.deprecated,
    args,
    // Nullable, so a failed call is a null with an error, not a failure of the whole answer.
    type: result?.type ?? 'JSON',
    rest: {
      method: operation.method,
      path,
      query,
      headers,
      body,
      encoding: operation.body?.encoding ?? 'JSON',
    },
  };
}

function fieldNamesOf(operations: readonly ApiOperation[], prefix: string): string[] {
  const candidates = operations.map((operation) =>
    fieldName(`${prefix} ${operation.operationId ?? nameFromPath(operation)}`),
  );
  const registry = new NameRegistry();
  const names: string[] = new Array(operations.length);
  // An operationId that is a field name as it stands is claimed first, so `getUser` keeps its
  // name and `get-user` becomes `getUser2`, whatever their order.
  operations.forEach((operation, i) => {
    const id = operation.operationId;
    if (id !== undefined && fieldName(id) === id) names[i] = registry.claim(candidates[i]);
  });
  operations.forEach((_operation, i) => {
    names[i] ??= registry.claim(candidates[i]);
  });
  return names;
}

/** `GET /pets/{petId}/photos` → `get pets by petId photos` (→ `getPetsByPetIdPhotos`). */
function nameFromPath(operation: ApiOperation): string {
  const words = operation.path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/^\{(.+)\}$/, 'by $1'));
  return [operation.method.toLowerCase(), ...words].join(' ');
}

function rootsOf(
  operations: readonly ApiOperation[],
  names: readonly string[],
  selection: RootSelection,
): { root: 'Query' | 'Mutation'; classifiedBy?: { operation: string; reason: string } }[] {
  const matches = (selector: string, i: number): boolean => {
    const operation = operations[i];
    const [method, ...rest] = selector.trim().split(/\s+/);
    if (rest.length > 0) return method.toUpperCase() === operation.method && rest.join(' ') === operation.path;
    return selector === operation.operationId || selector === names[i];
  };
  const chosen = (selectors: readonly string[] | undefined, option: string): Set<number> => {
    const picked = new Set<number>();
    for (const selector of selectors ?? []) {
      const found = operations.map((_o, i) => i).filter((i) => matches(selector, i));
      if (found.length === 0) {
        throw new Error(
          `${option} names "${selector}", which is no operation of this document; ` +
            'name an operation by its operationId, its field name or "METHOD /path"',
        );
      }
      for (const i of found) picked.add(i);
    }
    return picked;
  };
  const asQuery = chosen(selection.query, '--query');
  const asMutation = chosen(selection.mutation, '--mutation');
  const both = [...asQuery].find((i) => asMutation.has(i));
  if (both !== undefined) throw new Error(`operation "${names[both]}" is named by both --query and --mutation`);
  return operations.map((operation, i) => {
    if (asQuery.has(i)) return { root: 'Query' };
    if (asMutation.has(i)) return { root: 'Mutation' };
    if (operation.method === 'GET' || operation.method === 'HEAD') return { root: 'Query' };
    if (operation.method !== 'POST') return { root: 'Mutation' };
    // POST carries queries too big for a URL, and whole APIs (AWS, Adyen) send every call
    // with it: the name says whether it reads. A POST whose name says nothing creates, as REST has it.
    const nameClass = classifyName(postName(operation));
    if (nameClass.kind !== 'read') return { root: 'Mutation' };
    return { root: 'Query', classifiedBy: { operation: operation.operationId ?? `POST ${operation.path}`, reason: nameClass.word } };
  });
}

/**
 * What a POST is called: its operationId, else its path's last segment that is not a
 * parameter (`/v2/search` → `search`). A leading "post" only repeats the method
 * (`POST_DescribeInstances`, `post-payments`), so it is dropped.
 */
function postName(operation: ApiOperation): string {
  const segments = operation.path.split('/').filter((segment) => segment && !/^\{.*\}$/.test(segment));
  const name = operation.operationId ?? segments.at(-1) ?? '';
  return name.replace(/^(?:post|Post|POST)(?![a-z])[\W_]*(?=.)/, '');
}

function describe(operation: ApiOperation): string | undefined {
  const { summary, description } = operation;
  if (summary && description && !description.startsWith(summary)) return `${summary}\n\n${description}`;
  return description ?? summary;
}

/**
 * A path key with a query part whose placeholder names a declared query parameter
 * (`/search/articles?query={query}` declaring `query` in: query) loses that pair: the
 * parameter sends it, with its style and only when given, rather than the value going twice.
 */
function withoutDeclaredQuery(path: string, parameters: readonly ApiParameter[], pathArguments: ReadonlyMap<string, string>): string {
  const at = path.indexOf('?');
  if (at === -1) return path;
  const declared = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
  const kept = path
    .slice(at + 1)
    .split('&')
    .filter((pair) => {
      const placeholder = /^[^=]*=\{([^{}]+)\}$/.exec(pair)?.[1];
      return !(placeholder && declared.has(placeholder) && !pathArguments.has(placeholder));
    });
  return kept.length > 0 ? `${path.slice(0, at)}?${kept.join('&')}` : path.slice(0, at);
}
