// Argument values for a root field, generated from the operation's parameter and body
// schemas by openapi-sampler (so they satisfy the document, formats and patterns included)
// and written as GraphQL values of the field's argument types (wire names and enum values
// mapped back to their GraphQL names).
import {
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import OpenAPISampler from 'openapi-sampler';
import { requestMedia } from './media.js';
import { wireName } from './wire.js';

/**
 * { variables, sent: { path, query, header, body }, missing } for a field bound by `rest`
 * (its @rest arguments) to `operation` (dereferenced, with its path item's parameters).
 * `sent` lists the wire names given a value; `missing` the required arguments the harness
 * could not fill; `unsatisfied` the generated values their own schema refuses.
 */
export function argumentValues(field, rest, operation, originalOperation, document, satisfies) {
  const variables = {};
  const sent = { path: [], query: [], header: [], body: false };
  const missing = [];
  const unsatisfied = [];
  const generate = (schema, what) => {
    const value = sample(schema, document, true);
    const verdict = satisfies(schema, value);
    if (verdict !== true) unsatisfied.push(`${what} ${JSON.stringify(value)?.slice(0, 80)}: ${verdict}`);
    return value;
  };
  const argumentOf = parameterArguments(rest, operation.path);
  for (const parameter of operation.parameters ?? []) {
    if (!parameter || !['path', 'query', 'header'].includes(parameter.in)) continue;
    const argName = argumentOf(parameter);
    const arg = argName && field.args.find((a) => a.name === argName);
    if (!arg) continue;
    const schema = parameter.schema ?? Object.values(parameter.content ?? {})[0]?.schema ?? { type: 'string' };
    const value = graphqlValue(generate(schema, `${parameter.in} parameter ${parameter.name}`), arg.type);
    // null (a schema that allows anything samples as null) is not sent, so not given either.
    if (value === undefined || value === null) continue;
    // Skein refuses "." and ".." as path values on purpose (they would walk the upstream's paths).
    if (parameter.in === 'path' && (value === '.' || value === '..')) {
      unsatisfied.push(`path parameter ${parameter.name} "${value}": Skein refuses it by design`);
      continue;
    }
    variables[arg.name] = value;
    sent[parameter.in].push(...(parameter.in === 'query' ? queryNames(parameter, value) : [parameter.name]));
  }
  if (rest.body) {
    const arg = field.args.find((a) => a.name === rest.body);
    const body = resolveLocal(document, originalOperation?.requestBody) ?? operation.requestBody;
    const media = body?.content && requestMedia(body.content);
    const schema = media && body.content[media].schema;
    if (arg && schema) {
      // Sampled from the schema with its $refs (the sampler names recursion), checked
      // against the dereferenced one.
      const raw = sample(schema, document, true);
      const verdict = satisfies(operation.requestBody?.content?.[media]?.schema, raw);
      if (verdict !== true) unsatisfied.push(`body ${JSON.stringify(raw)?.slice(0, 80)}: ${verdict}`);
      const value = graphqlValue(raw, arg.type);
      if (value !== undefined) {
        variables[arg.name] = value;
        sent.body = true;
      }
    }
  }
  for (const arg of field.args) {
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined || arg.name in variables) continue;
    // An argument no parameter declares (the importer adds one for a path placeholder the
    // document forgot to declare): any value of its type.
    const value = anyValueOf(arg.type);
    if (value === undefined) missing.push(arg.name);
    else variables[arg.name] = value;
  }
  return { variables, sent, missing, unsatisfied };
}

/**
 * Which argument fills a parameter: a query parameter or header whose @rest value is one
 * placeholder, `{arg}`; a path parameter by its place among the path's placeholders.
 */
function parameterArguments(rest, documentPath) {
  const placeholders = (template) => [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  const restPlaceholders = placeholders(rest.path);
  const documentPlaceholders = placeholders(documentPath);
  const single = (value) => /^\{([^}.]+)\}$/.exec(value ?? '')?.[1];
  return (parameter) => {
    if (parameter.in === 'path') {
      const index = documentPlaceholders.indexOf(parameter.name);
      return index >= 0 && restPlaceholders.length === documentPlaceholders.length ? restPlaceholders[index] : undefined;
    }
    const list = parameter.in === 'query' ? rest.query : rest.headers;
    const match = (list ?? []).find((p) =>
      parameter.in === 'header' ? p.name.toLowerCase() === parameter.name.toLowerCase() : p.name === parameter.name,
    );
    return single(match?.value);
  };
}

function sample(schema, document, forRequest) {
  return OpenAPISampler.sample(schema, { skipReadOnly: forRequest, skipWriteOnly: !forRequest, enablePatterns: true, quiet: true }, document);
}

/** A `$ref`'d request body or parameter, followed to what it names. */
export function resolveLocal(document, value) {
  let current = value;
  for (let hops = 0; current && typeof current === 'object' && typeof current.$ref === 'string' && hops < 10; hops++) {
    if (!current.$ref.startsWith('#/')) return undefined;
    current = current.$ref
      .slice(2)
      .split('/')
      .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, key) => node?.[key], document);
  }
  return current;
}

function anyValueOf(type) {
  const named = getNullableType(type);
  if (isEnumType(named)) return named.getValues()[0]?.name;
  if (!isScalarType(named)) return undefined;
  return { String: 'string', ID: 'id', Int: 0, Float: 0, Boolean: true }[named.name];
}

/** A sampled JSON value as a value of a GraphQL input type, or undefined when it cannot be one. */
export function graphqlValue(value, type) {
  if (value === undefined) return undefined;
  if (value === null) return isNonNullType(type) ? undefined : null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = (Array.isArray(value) ? value : [value]).map((item) => graphqlValue(item, nullable.ofType));
    return items.includes(undefined) ? undefined : items;
  }
  if (isEnumType(nullable)) {
    return nullable.getValues().find((v) => wireName(v) === String(value))?.name;
  }
  if (isInputObjectType(nullable)) {
    if (typeof value !== 'object' || Array.isArray(value)) return undefined;
    const out = {};
    for (const field of Object.values(nullable.getFields())) {
      const item = graphqlValue(value[wireName(field)], field.type);
      if (item !== undefined) out[field.name] = item;
      else if (isNonNullType(field.type) && field.defaultValue === undefined) return undefined;
    }
    return out;
  }
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'String':
      case 'ID':
        return typeof value === 'object' ? undefined : String(value);
      case 'Int':
        return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? value : undefined;
      case 'Float':
        return typeof value === 'number' ? value : undefined;
      case 'Boolean':
        return typeof value === 'boolean' ? value : undefined;
      default:
        return value;
    }
  }
  return undefined;
}

/**
 * The names a query parameter's value shows up under, by its style: an object's
 * properties (form, exploded), `name[…]` (deepObject, written `name[`), or the name
 * itself; an empty object shows up under none.
 */
function queryNames(parameter, value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [parameter.name];
  const given = (item) => item !== null && item !== undefined && !(Array.isArray(item) && item.length === 0);
  const keys = Object.keys(value).filter((key) => given(value[key]));
  if (keys.length === 0) return [];
  const style = parameter.style ?? 'form';
  if (style === 'deepObject') return [`${parameter.name}[`];
  if (style === 'form' && parameter.explode !== false) return keys;
  return [parameter.name];
}
