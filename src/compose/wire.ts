import {
  coerceInputValue,
  getNamedType,
  isListType,
  isNonNullType,
  parseType,
  typeFromAST,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type TypeNode,
} from 'graphql';
import type { SchemaLocation } from '../errors/schema-error.js';
import { ComposeError } from './compose-error.js';
import type { RequestArgument, RequestInput, RequestStep } from './request-document.js';
import { fieldAt, resultFields, type ResultField } from './result-fields.js';

/** A step already matched, as another step sees it: what its result offers. */
export interface ProvidingStep {
  readonly key: string;
  /** Its root field's name: `getGrossSalary`. */
  readonly fieldName: string;
  readonly type: GraphQLOutputType;
}

/** Where an argument's value comes from. */
export type WireSource =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'field'; readonly step: string; readonly path: readonly string[]; readonly list: boolean }
  | { readonly kind: 'literal'; readonly value: unknown };

export interface WiredArgument {
  readonly name: string;
  readonly type: GraphQLInputType;
  readonly source: WireSource;
  /** Written in the request's args (else found by name and type). */
  readonly explicit: boolean;
}

export interface Wiring {
  readonly args: readonly WiredArgument[];
  readonly problems: readonly ComposeError[];
  /** Arguments filled from a single value where the argument is a list (coerced, a weaker fit). */
  readonly coerced: number;
}

export interface WireContext {
  readonly schema: GraphQLSchema;
  readonly inputs: readonly RequestInput[];
  /** The steps this one depends on through data, matched already. */
  readonly providers: readonly ProvidingStep[];
  /** Every matched step, for explicit `step.field` references. */
  readonly steps: ReadonlyMap<string, ProvidingStep>;
}

/** How well a name found fits an argument: 3 the same name, 2 qualified by its type (`userId` for `user(id:)`), 1 a bare `id` of the same type. */
type Fit = 0 | 1 | 2 | 3;

interface Offer {
  readonly source: WireSource;
  /** `$orderId`, `order.userId`, `orders[].userId` */
  readonly label: string;
  readonly names: readonly string[];
  readonly owner: string | undefined;
  readonly type: GraphQLNamedType | undefined;
  readonly list: boolean;
}

const VERB = /^(get|fetch|find|list|read|load|query|retrieve|lookup|calculate|compute)(?=[A-Z])/;

/**
 * Fills a step's arguments: those written in `args` as written (`$input`, `step.field`,
 * a step's whole scalar result, or a literal), and every other required argument from the
 * inputs and the results of the steps it depends on, by name and type: `user(id:)` ←
 * `order.userId`, `room(roomId:)` ← `order.roomId`, `users(ids:)` ← `orders[].userId`,
 * `getNetSalary(grossSalary:)` ← step `grossSalary`'s scalar result. Inputs are preferred
 * at an equal fit (they are known at once). What cannot be filled is a problem that names
 * the argument and the fields that were there.
 */
export function wireStep(step: RequestStep, field: GraphQLField<unknown, unknown>, context: WireContext): Wiring {
  const problems: ComposeError[] = [];
  const wired: WiredArgument[] = [];
  let coerced = 0;
  const owner = getNamedType(field.type).name;
  const offers = [...inputOffers(context), ...context.providers.flatMap(providerOffers)];

  for (const written of step.args) {
    const arg = field.args.find((a) => a.name === written.name);
    if (!arg) {
      problems.push(
        new ComposeError(
          'UNWIRED_ARGUMENT',
          `step ${step.key}: ${field.name} has no argument "${written.name}"; its arguments: ${field.args.map((a) => `${a.name}: ${a.type}`).join(', ') || 'none'}`,
          written.at,
        ),
      );
      continue;
    }
    const source = explicitSource(step, arg, written, context, problems);
    if (source) wired.push({ name: arg.name, type: arg.type, source, explicit: true });
  }

  for (const arg of field.args) {
    if (step.args.some((a) => a.name === arg.name)) continue;
    if (!isNonNullType(arg.type) || arg.defaultValue !== undefined) continue;
    const ranked = offers
      .map((offer) => ({ offer, fit: nameFit(arg, field.name, owner, offer), typeFit: typeFit(arg.type, offer) }))
      .filter((o) => o.fit > 0 && o.typeFit > 0);
    const best = Math.max(0, ...ranked.map((o) => o.fit * 2 + o.typeFit));
    const top = ranked.filter((o) => o.fit * 2 + o.typeFit === best);
    const chosen = top.length > 1 && top.some((o) => o.offer.source.kind === 'input') ? top.filter((o) => o.offer.source.kind === 'input') : top;
    if (chosen.length === 1) {
      wired.push({ name: arg.name, type: arg.type, source: chosen[0].offer.source, explicit: false });
      if (chosen[0].typeFit === 1) coerced++;
      continue;
    }
    const where = step.need?.at ?? step.api?.at ?? step.at;
    const how = `wire it in the request: \`args: { ${arg.name}: <step>.<field> }\` or \`{ ${arg.name}: $<input> }\``;
    if (chosen.length > 1) {
      problems.push(
        new ComposeError(
          'UNWIRED_ARGUMENT',
          `step ${step.key}: argument ${arg.name}: ${arg.type} of ${field.name} could come from ${chosen.map((o) => o.offer.label).join(' or ')}; ${how}`,
          where,
        ),
      );
    } else {
      const sameType = offers.filter((o) => typeFit(arg.type, o) > 0).map((o) => o.label);
      const from = context.providers.length ? `the results of ${context.providers.map((p) => p.key).join(', ')}` : 'no step (it depends on none)';
      problems.push(
        new ComposeError(
          'UNWIRED_ARGUMENT',
          `step ${step.key}: argument ${arg.name}: ${arg.type} of ${field.name} matches no input and no field of ${from} by name; ` +
            `candidates of its type: ${sameType.join(', ') || 'none'}; ${how}`,
          where,
        ),
      );
    }
  }
  const order = field.args.map((a) => a.name);
  wired.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  return { args: wired, problems, coerced };
}

/** `$orderId`, `order.userId`, `orders[].userId`, `gross` (a step's whole scalar result), or a literal. */
function explicitSource(
  step: RequestStep,
  arg: GraphQLArgument,
  written: RequestArgument,
  context: WireContext,
  problems: ComposeError[],
): WireSource | undefined {
  const fail = (message: string) => {
    problems.push(new ComposeError('UNWIRED_ARGUMENT', `step ${step.key}: argument ${arg.name}: ${message}`, written.at));
    return undefined;
  };
  const value = written.value;
  if (typeof value === 'string' && value.startsWith('$')) {
    const input = context.inputs.find((i) => i.name === value.slice(1));
    if (!input) return fail(`${value} is not an input; inputs: ${context.inputs.map((i) => `$${i.name}`).join(', ') || 'none'}`);
    const type = inputType(context.schema, input.type);
    if (type && !acceptsType(arg.type, type)) return fail(`input ${value} is ${input.type}, which ${arg.type} does not accept`);
    return { kind: 'input', name: input.name };
  }
  const reference = typeof value === 'string' ? /^([_A-Za-z]\w*)((?:\[\])?(?:\.[_A-Za-z]\w*(?:\[\])?)*)$/.exec(value) : null;
  const provider = reference ? context.steps.get(reference[1]) : undefined;
  if (reference && provider) {
    if (provider.key === step.key) return fail(`${value} is this step's own result`);
    const path = reference[2].split('.').filter(Boolean).map((p) => p.replace('[]', ''));
    const found = fieldAt(provider.type, path);
    if ('missing' in found) {
      return fail(`${provider.key}'s result (${String(provider.type)}) has no field "${found.missing}"; it has ${found.known.join(', ') || 'no fields'}`);
    }
    if (!isLeafTypeName(found.field.type) && path.length === 0) return fail(`${provider.key}'s result is an object; name a field of it: ${provider.key}.<field>`);
    if (typeFit(arg.type, { type: found.field.type, list: found.field.list }) === 0) {
      return fail(`${value} is ${found.field.list ? `[${found.field.type.name}]` : found.field.type.name}, which ${arg.type} does not accept`);
    }
    return { kind: 'field', step: provider.key, path, list: found.field.list };
  }
  try {
    coerceInputValue(value, arg.type);
  } catch (error) {
    return fail(`${JSON.stringify(value)} is not a ${arg.type}: ${(error as Error).message}`);
  }
  return { kind: 'literal', value };
}

function isLeafTypeName(type: GraphQLNamedType): boolean {
  return !('getFields' in type);
}

function inputOffers(context: WireContext): Offer[] {
  return context.inputs.map((input) => {
    const type = inputType(context.schema, input.type);
    return {
      source: { kind: 'input', name: input.name },
      label: `$${input.name}`,
      names: [input.name],
      owner: undefined,
      type: type ? getNamedType(type) : undefined,
      list: type ? isListType(isNonNullType(type) ? type.ofType : type) : false,
    };
  });
}

function providerOffers(provider: ProvidingStep): Offer[] {
  return resultFields(provider.type).map((field: ResultField) => {
    const whole = field.path.length === 0;
    const label = whole ? provider.key : `${provider.key}.${field.path.join('.')}`;
    return {
      source: { kind: 'field', step: provider.key, path: field.path, list: field.list },
      label: field.list && !whole ? label.replace(`${provider.key}.`, `${provider.key}[].`) : label,
      names: whole ? [provider.key, provider.fieldName.replace(VERB, '')] : [field.path[field.path.length - 1]],
      owner: field.owner,
      type: field.type,
      list: field.list,
    };
  });
}

/** Singular of a list argument's name: `ids` → `id`, `roomIds` → `roomId`. */
function singular(name: string): string {
  return name.endsWith('ies') ? `${name.slice(0, -3)}y` : name.endsWith('s') ? name.slice(0, -1) : name;
}

function nameFit(arg: GraphQLArgument, fieldName: string, resultType: string, offer: Offer): Fit {
  const lower = (s: string) => s.toLowerCase();
  const argNames = new Set([arg.name, singular(arg.name)].map(lower));
  const offered = offer.names.map(lower);
  const generic = (name: string) => name === 'id';
  let fit: Fit = 0;
  for (const a of argNames) {
    for (const o of offered) {
      if (a === o && (!generic(a) || offer.owner === undefined)) fit = 3;
      // user(id:) ← userId; order.id ← orderId for items(orderId:)
      const qualifiers = [fieldName, singular(fieldName), resultType].map(lower);
      if (fit < 2 && (qualifiers.some((q) => q + a === o) || (offer.owner && lower(offer.owner) + o === a))) fit = 2;
      if (fit < 1 && a === o && offer.owner && qualifiers.includes(lower(offer.owner))) fit = 1;
    }
  }
  return fit;
}

/** 2: the same type and shape; 1: a single value passed where a list is wanted; 0: does not fit. */
function typeFit(argType: GraphQLInputType, offer: { type: GraphQLNamedType | undefined; list: boolean }): 0 | 1 | 2 {
  if (!offer.type) return 0;
  const inner = isNonNullType(argType) ? argType.ofType : argType;
  const argList = isListType(inner);
  const named = getNamedType(argType);
  const sameNamed =
    named.name === offer.type.name || (named.name === 'ID' && ['String', 'Int'].includes(offer.type.name)) || (named.name === 'Float' && offer.type.name === 'Int');
  if (!sameNamed) return 0;
  if (argList === offer.list) return 2;
  return argList ? 1 : 0;
}

function acceptsType(argType: GraphQLInputType, given: GraphQLInputType): boolean {
  const givenInner = isNonNullType(given) ? given.ofType : given;
  return typeFit(argType, { type: getNamedType(given), list: isListType(givenInner) }) > 0;
}

function inputType(schema: GraphQLSchema, text: string): GraphQLInputType | undefined {
  return typeFromAST(schema, parseType(text) as TypeNode) as GraphQLInputType | undefined;
}

/** An input's type that the served schema does not have. */
export function unknownInputTypes(schema: GraphQLSchema, inputs: readonly RequestInput[]): ComposeError[] {
  return inputs
    .filter((input) => !inputType(schema, input.type))
    .map((input) => new ComposeError('BAD_REQUEST', `input ${input.name}: the served graph has no input type ${getBaseName(input.type)}`, input.at as SchemaLocation));
}

function getBaseName(text: string): string {
  return text.replace(/[[\]!\s]/g, '');
}
