import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { CONVENTIONAL_SLICING_ARGUMENTS } from './list-size-directive.js';

/** What one field of the schema costs, compiled once per schema: data that can be printed and tested. */
export interface FieldCost {
  /** The named type the field returns, where its selection is costed. */
  readonly returns: string;
  /** Paid once each time the field is resolved: an upstream call weighs UPSTREAM_CALL_WEIGHT. */
  readonly weight: number;
  /** Present when the field returns a list: how its size is read from the query. */
  readonly list?: {
    /** Arguments whose value is the number of items (from `@listSize`, else the conventional names the field has). */
    readonly slicingArguments: readonly string[];
    /** Arguments of list type, whose length is the number of items when no slicing argument is given (`ids`). */
    readonly listArguments: readonly string[];
    /** Items assumed when the query gives neither. */
    readonly assumedSize: number;
  };
}

/** The weight of one upstream call (a `@rest`/`@soap` field, a `@join`, one composite step). */
export const UPSTREAM_CALL_WEIGHT = 10;

const DIRECTIVES_THAT_CALL = new Set(['rest', 'soap', 'join']);

export interface CostModelOptions {
  /** Steps of each composite field, by `Query.name`: each step is an upstream call. */
  readonly compositeSteps?: ReadonlyMap<string, number>;
  /** Items a list field is assumed to hold when nothing says how many. */
  readonly defaultListSize: number;
}

/**
 * The cost of every field of a schema, read from its configuration: a field that calls an
 * upstream weighs UPSTREAM_CALL_WEIGHT (a composite that many times its steps), any other
 * field of object type 1, a leaf 0; a list multiplies the cost of what is selected in it
 * by its size, read from `@listSize`, a conventional slicing argument, the length of a
 * list argument, or the default. Fields are compiled on first use and kept.
 */
export class CostModel {
  readonly #schema: GraphQLSchema;
  readonly #options: CostModelOptions;
  readonly #fields = new Map<string, FieldCost>();

  constructor(schema: GraphQLSchema, options: CostModelOptions) {
    this.#schema = schema;
    this.#options = options;
  }

  get schema(): GraphQLSchema {
    return this.#schema;
  }

  /** The cost of `type.field`; undefined when the schema has no such field. */
  field(typeName: string, fieldName: string): FieldCost | undefined {
    const key = `${typeName}.${fieldName}`;
    let cost = this.#fields.get(key);
    if (cost) return cost;
    const type = this.#schema.getType(typeName);
    const field = type && 'getFields' in type ? (type.getFields()[fieldName] as GraphQLField<unknown, unknown> | undefined) : undefined;
    if (!field) return undefined;
    cost = compileField(key, field, this.#options);
    this.#fields.set(key, cost);
    return cost;
  }
}

function compileField(key: string, field: GraphQLField<unknown, unknown>, options: CostModelOptions): FieldCost {
  const directives = field.astNode?.directives ?? [];
  const steps = options.compositeSteps?.get(key);
  const calls = directives.some((d) => DIRECTIVES_THAT_CALL.has(d.name.value));
  const weight =
    steps !== undefined ? steps * UPSTREAM_CALL_WEIGHT : calls ? UPSTREAM_CALL_WEIGHT : isLeafType(getNamedType(field.type)) ? 0 : 1;
  const returns = getNamedType(field.type).name;
  if (!returnsList(field)) return { returns, weight };
  const hint = listSizeHint(directives);
  const argumentNames = field.args.map((a) => a.name);
  return {
    returns,
    weight,
    list: {
      slicingArguments: hint.slicingArguments ?? CONVENTIONAL_SLICING_ARGUMENTS.filter((name) => argumentNames.includes(name)),
      listArguments: field.args.filter((a) => isListType(getNullableType(a.type))).map((a) => a.name),
      assumedSize: hint.assumedSize ?? options.defaultListSize,
    },
  };
}

function returnsList(field: GraphQLField<unknown, unknown>): boolean {
  return isListType(getNullableType(field.type));
}

function listSizeHint(directives: readonly ConstDirectiveNode[]): { assumedSize?: number; slicingArguments?: string[] } {
  const node = directives.find((d) => d.name.value === 'listSize');
  if (!node) return {};
  const hint: { assumedSize?: number; slicingArguments?: string[] } = {};
  for (const argument of node.arguments ?? []) {
    const value = valueFromASTUntyped(argument.value);
    if (argument.name.value === 'assumedSize' && typeof value === 'number') hint.assumedSize = value;
    if (argument.name.value === 'slicingArguments' && Array.isArray(value)) hint.slicingArguments = value.map(String);
  }
  return hint;
}
