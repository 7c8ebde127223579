// Compares Skein's answer with the mock's data as seen through the field's GraphQL types:
// each selected field read by its wire name, scalars as the scalar serializes them (int64 →
// Float, a number in a String field → its text, JSON as it is), enum values by their GraphQL
// names, unions by the member Skein resolved, and nothing below the selection's depth.
import { isDeepStrictEqual } from 'node:util';
import { getNullableType, isAbstractType, isEnumType, isListType, isNonNullType, isObjectType, isScalarType } from 'graphql';
import { wireName } from './wire.js';

/** The first difference between the mock's `data` and Skein's `actual`, as text, or undefined. */
export function answerDifference(schema, data, type, selection, actual, path = '') {
  if (data === null || data === undefined) {
    if (isNonNullType(type)) return `${path || 'the answer'}: the mock answers null, but the type ${type} is non-null`;
    return actual === null || actual === undefined ? undefined : `${path}: expected null, got ${show(actual)}`;
  }
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(data)) return `${path}: the mock answers ${show(data)}, but the type ${type} is a list`;
    if (!Array.isArray(actual) || actual.length !== data.length) return `${path}: expected a list of ${data.length}, got ${show(actual)}`;
    for (let i = 0; i < data.length; i++) {
      const problem = answerDifference(schema, data[i], nullable.ofType, selection, actual[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isEnumType(nullable)) {
    const value = nullable.getValues().find((v) => wireName(v) === data);
    if (!value) return `${path}: the mock answers ${show(data)}, which is not a value of ${nullable.name}`;
    return actual === value.name ? undefined : `${path}: expected ${value.name}, got ${show(actual)}`;
  }
  if (isScalarType(nullable)) {
    let expected;
    try {
      expected = nullable.serialize(data);
    } catch (error) {
      return `${path}: the mock answers ${show(data)}, which ${nullable.name} cannot hold (${error.message})`;
    }
    return isDeepStrictEqual(expected, actual) ? undefined : `${path}: expected ${show(expected)}, got ${show(actual)}`;
  }
  if (typeof data !== 'object' || Array.isArray(data)) return `${path}: the mock answers ${show(data)}, but ${nullable} is an object type`;
  if (!actual || typeof actual !== 'object') return `${path}: expected an object, got ${show(actual)}`;
  let objectType = nullable;
  let fields = selection.children;
  if (isAbstractType(nullable)) {
    objectType = schema.getType(actual.__typename);
    if (!objectType || !isObjectType(objectType) || !schema.isSubType(nullable, objectType)) {
      return `${path}: Skein resolved ${show(actual.__typename)}, not a member of ${nullable.name}`;
    }
    fields = [...fields, ...(selection.fragments.find((f) => f.typeName === objectType.name)?.children ?? [])];
  }
  for (const node of fields) {
    const here = `${path}.${node.alias}`;
    if (node.name === '__typename') {
      if (actual.__typename !== objectType.name) return `${here}: expected ${objectType.name}, got ${show(actual.__typename)}`;
      continue;
    }
    const problem = answerDifference(schema, data[node.wire], node.type, node, actual[node.alias], here);
    if (problem) return problem;
  }
  return undefined;
}

function show(value) {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
