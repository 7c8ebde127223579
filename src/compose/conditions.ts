import { isEnumType, isLeafType, type GraphQLOutputType } from 'graphql';
import type { ExportTest } from '../composite/index.js';
import type { SchemaLocation } from '../errors/schema-error.js';
import { ComposeError } from './compose-error.js';
import { fieldAt } from './result-fields.js';

/** A condition of the table, ready to become an `@export` test and an `@include`/`@skip`. */
export interface CompiledCondition {
  /** The tested field, from the step's value down. */
  readonly path: readonly string[];
  readonly test: ExportTest;
  /** Words for a variable name: `status equals PASSED`. */
  readonly words: readonly string[];
}

const CONDITION = /^\s*([_A-Za-z]\w*(?:\.[_A-Za-z]\w*)*)\s*(==|!=|>|<|\bin\b|\bis\s+not\s+null\b|\bis\s+null\b)\s*(.*?)\s*$/i;

/**
 * Reads `status == PASSED`, `status != FAILED`, `level in [HIGH, CRITICAL]`, `balance > 0`,
 * `balance < 100`, `closedAt is null` (and `is not null`) against the result type of the
 * step it tests, into the tests `@export` has (equals, notEquals, in, greaterThan,
 * lessThan, isNull). A field the step does not return is an error listing those it has.
 */
export function compileCondition(text: string, on: { key: string; type: GraphQLOutputType }, at: SchemaLocation): CompiledCondition {
  const parsed = CONDITION.exec(text);
  if (!parsed) {
    throw new ComposeError(
      'BAD_CONDITION',
      `"${text}" is not a condition; write <field> == <value>, !=, in [a, b], > <number>, < <number>, is null or is not null`,
      at,
    );
  }
  const [, pathText, rawOperator, rawValue] = parsed;
  const operator = rawOperator.toLowerCase().replace(/\s+/g, ' ');
  const path = pathText.split('.');
  const found = fieldAt(on.type, path);
  if ('missing' in found) {
    throw new ComposeError(
      'UNKNOWN_FIELD',
      `condition "${text}": step ${on.key} returns no field "${found.missing}"; it has ${found.known.join(', ') || 'no fields (its result is a scalar)'}`,
      at,
    );
  }
  const type = found.field.type;
  if (!isLeafType(type)) throw new ComposeError('BAD_CONDITION', `condition "${text}": ${pathText} is an object (${type.name}); test one of its fields`, at);
  if (found.field.list) throw new ComposeError('BAD_CONDITION', `condition "${text}": ${pathText} lies in a list; a condition tests one value`, at);

  const literal = (raw: string): unknown => {
    const value = readLiteral(raw);
    if (isEnumType(type) && !type.getValues().some((v) => v.name === value)) {
      throw new ComposeError('BAD_CONDITION', `condition "${text}": ${type.name} has no value ${JSON.stringify(value)}; it has ${type.getValues().map((v) => v.name).join(', ')}`, at);
    }
    return value;
  };
  const number = (raw: string): number => {
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) throw new ComposeError('BAD_CONDITION', `condition "${text}": ${operator} compares with a number, not "${raw}"`, at);
    return value;
  };
  const noValue = () => {
    if (rawValue) throw new ComposeError('BAD_CONDITION', `condition "${text}": nothing follows "${operator}"`, at);
  };
  const needValue = () => {
    if (!rawValue) throw new ComposeError('BAD_CONDITION', `condition "${text}": "${operator}" needs a value after it`, at);
  };
  switch (operator) {
    case '==':
      needValue();
      return { path, test: { equals: literal(rawValue) }, words: [...path, 'is', String(readLiteral(rawValue))] };
    case '!=':
      needValue();
      return { path, test: { notEquals: literal(rawValue) }, words: [...path, 'not', String(readLiteral(rawValue))] };
    case 'in': {
      const list = /^\[(.*)\]$/.exec(rawValue);
      if (!list) throw new ComposeError('BAD_CONDITION', `condition "${text}": in takes a list: in [A, B]`, at);
      const values = list[1].split(',').map((v) => v.trim()).filter(Boolean).map(literal);
      return { path, test: { in: values }, words: [...path, 'in', ...values.map(String)] };
    }
    case '>':
      return { path, test: { greaterThan: number(rawValue) }, words: [...path, 'over', rawValue] };
    case '<':
      return { path, test: { lessThan: number(rawValue) }, words: [...path, 'under', rawValue] };
    case 'is null':
      noValue();
      return { path, test: { isNull: true }, words: [...path, 'missing'] };
    default:
      noValue();
      return { path, test: { isNull: false }, words: [...path, 'present'] };
  }
}

/** `"text"` or `'text'` a string, numbers and true/false/null as themselves, a bare word as itself (an enum value). */
function readLiteral(raw: string): unknown {
  const quoted = /^(["'])(.*)\1$/.exec(raw);
  if (quoted) return quoted[2];
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (raw === 'null') return null;
  if (raw !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}
