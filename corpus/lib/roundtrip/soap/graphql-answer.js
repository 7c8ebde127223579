// The GraphQL side of a round trip: the selection set that asks for every field the
// generated answer fills (and every field beside them, which must come back null or []),
// and the value-by-value comparison of the answer with what the service sent.
import { isDeepStrictEqual } from 'node:util';
import { getNamedType, getNullableType, isEnumType, isListType, isObjectType } from 'graphql';
import { wireNameOf } from '../../../../dist/sources/wire-names.js';

/** `{ a b { c } }` for a field type and the expected value; '' for a scalar or enum. */
export function selectionOf(type, expected) {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const objects = flatten(expected).filter((v) => v !== null && typeof v === 'object');
  const fields = named.getFields();
  const names = [...new Set(objects.flatMap((o) => Object.keys(o)))];
  if (names.length === 0) return '{ __typename }';
  const parts = names.map((name) => {
    const values = objects.map((o) => o[name]).filter((v) => v !== undefined);
    const inner = selectionOf(fields[name].type, values);
    return inner ? `${name} ${inner}` : name;
  });
  return `{ ${parts.join(' ')} }`;
}

function flatten(value) {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

/** Every difference between what was sent (expected) and the answer, as messages naming the path. */
export function compareAnswer(expected, actual, type, path, problems = []) {
  const nullable = getNullableType(type);
  if (expected === null || expected === undefined) {
    if (actual !== null) problems.push(`${path}: sent nothing (absent or xsi:nil), got ${show(actual)}`);
    return problems;
  }
  if (Array.isArray(expected) && isListType(nullable)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      problems.push(`${path}: sent ${expected.length} item(s), got ${show(actual)}`);
      return problems;
    }
    expected.forEach((item, i) => compareAnswer(item, actual[i], nullable.ofType, `${path}[${i}]`, problems));
    return problems;
  }
  const named = getNamedType(type);
  if (isObjectType(named)) {
    if (actual === null || typeof actual !== 'object') {
      problems.push(`${path}: sent an object, got ${show(actual)}`);
      return problems;
    }
    const fields = named.getFields();
    for (const [name, value] of Object.entries(expected)) compareAnswer(value, actual[name], fields[name].type, `${path}.${name}`, problems);
    return problems;
  }
  if (typeof expected === 'object' && !Array.isArray(expected) && 'enum' in expected) {
    const sent = expected.enum;
    if (isEnumType(named)) {
      const value = named.getValues().find((v) => v.name === actual);
      const wire = value && (wireNameOf(value) ?? value.name);
      if (wire !== sent) problems.push(`${path}: sent enumeration value "${sent}", got ${show(actual)}${value ? ` (wire "${wire}")` : ''}`);
    } else if (actual !== sent) {
      problems.push(`${path}: sent enumeration value "${sent}", got ${show(actual)} (type ${named.name})`);
    }
    return problems;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((item, i) => compareAnswer(item, actual[i], type, `${path}[${i}]`, problems));
    return problems;
  }
  if (!isDeepStrictEqual(expected, actual)) problems.push(`${path}: sent ${show(expected)}, got ${show(actual)} (type ${named.name})`);
  return problems;
}

function show(value) {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
