import {
  isObjectType,
  Kind,
  parse,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { wireNameOf } from '../wire-names.js';
import { entityFieldOwners } from './merge-entities.js';

/** An entity key of one subgraph: the field set, parsed. */
export interface EntityKey {
  readonly source: string;
  readonly fields: SelectionSetNode;
}

/**
 * What delegation needs to know about the whole graph, read from the schema's directives
 * once per schema: which subgraphs own which fields of entity types (`@entity`), the keys
 * to look entities up by, which fields are joins (and which parent fields they read), and
 * the upstream name of each type (`@wire` on a type, from an import with --prefix).
 */
export class DelegationPlan {
  /** `Type.field` → the subgraphs whose @entity declaration wrote it. */
  readonly #owners = new Map<string, ReadonlySet<string>>();
  /** Type → its keys, in declaration order. */
  readonly #keys = new Map<string, EntityKey[]>();
  /** `Type.field` → names of the parent's fields the join reads (wire names). */
  readonly #joinInputs = new Map<string, readonly string[]>();

  constructor(readonly schema: GraphQLSchema) {
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const node of [type.astNode, ...type.extensionASTNodes]) {
        for (const directive of node?.directives ?? []) {
          if (directive.name.value !== 'entity') continue;
          const source = stringArgument(directive.arguments, 'source');
          const key = stringArgument(directive.arguments, 'key');
          if (source === undefined || key === undefined) continue;
          let fields: SelectionSetNode;
          try {
            fields = parseFieldSet(key);
          } catch {
            continue; // reported when the graph is built (delegated-fields.ts)
          }
          const keys = this.#keys.get(type.name) ?? [];
          keys.push({ source, fields });
          this.#keys.set(type.name, keys);
        }
      }
      for (const field of Object.values(type.getFields())) {
        const sources = entityFieldOwners(field.astNode);
        if (sources) this.#owners.set(`${type.name}.${field.name}`, new Set(sources));
      }
      // Key fields belong to every subgraph that declares the key, even where the field was merged away.
      for (const key of this.#keys.get(type.name) ?? []) {
        for (const selection of key.fields.selections) {
          if (selection.kind !== Kind.FIELD) continue;
          const name = `${type.name}.${selection.name.value}`;
          this.#owners.set(name, new Set([...(this.#owners.get(name) ?? []), key.source]));
        }
      }
      for (const field of Object.values(type.getFields())) {
        const inputs = joinInputsOf(type, field);
        if (inputs) this.#joinInputs.set(`${type.name}.${field.name}`, inputs);
      }
    }
  }

  /** The subgraphs that resolve `type.field` (empty when the field is not an entity's subgraph field). */
  ownersOf(type: string, field: string): ReadonlySet<string> {
    return this.#owners.get(`${type}.${field}`) ?? NONE;
  }

  keysOf(type: string): readonly EntityKey[] {
    return this.#keys.get(type) ?? [];
  }

  /** The key by which `source` looks up `type`, if `type` is one of its entities. */
  keyFor(type: string, source: string): EntityKey | undefined {
    return this.#keys.get(type)?.find((key) => key.source === source);
  }

  /** The parent fields a `@join` field reads, or undefined when the field is not a join. */
  joinInputsOf(type: string, field: string): readonly string[] | undefined {
    return this.#joinInputs.get(`${type}.${field}`);
  }

  /** The name the upstream knows a type by. */
  upstreamTypeName(type: GraphQLNamedType | string): string {
    const named = typeof type === 'string' ? this.schema.getType(type) : type;
    return (named && wireNameOf(named)) ?? (typeof type === 'string' ? type : type.name);
  }

  /** The local name of an upstream type name, for `__typename` in answers. */
  localTypeName(upstream: string): string {
    return (this.#localNames ??= this.#readLocalNames()).get(upstream) ?? upstream;
  }

  #localNames: Map<string, string> | undefined;

  #readLocalNames(): Map<string, string> {
    const names = new Map<string, string>();
    for (const type of Object.values(this.schema.getTypeMap())) {
      const wire = wireNameOf(type);
      if (wire !== undefined) names.set(wire, type.name);
    }
    return names;
  }
}

const NONE: ReadonlySet<string> = new Set();

const plans = new WeakMap<GraphQLSchema, DelegationPlan>();

/** The plan of a schema, read once. Schemas are immutable once served. */
export function delegationPlanOf(schema: GraphQLSchema): DelegationPlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = new DelegationPlan(schema);
    plans.set(schema, plan);
  }
  return plan;
}

/** `"upc sku"`, `"id organization { id }"` → a selection set. */
export function parseFieldSet(fields: string): SelectionSetNode {
  const document = parse(`{${fields}}`, { noLocation: true });
  const operation = document.definitions[0];
  if (operation.kind !== Kind.OPERATION_DEFINITION) throw new Error(`not a field set: ${fields}`);
  return operation.selectionSet;
}

function stringArgument(args: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] | undefined, name: string): string | undefined {
  const argument = args?.find((a) => a.name.value === name);
  return argument?.value.kind === Kind.STRING ? String(argument.value.value) : undefined;
}

/**
 * The parent fields a `@join(query: "user(id: $userId)")` reads: each `$variable` that is
 * not the join field's own argument names a field of the parent (as joins/ reads it).
 */
function joinInputsOf(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string[] | undefined {
  const directive = field.astNode?.directives?.find((d) => d.name.value === 'join');
  if (!directive) return undefined;
  const text = stringArgument(directive.arguments, 'query');
  if (text === undefined) return [];
  const variables = new Set<string>();
  for (const match of text.matchAll(/\$([_A-Za-z][_0-9A-Za-z]*)/g)) variables.add(match[1]);
  const parentFields = parent.getFields();
  return [...variables]
    .filter((name) => !field.args.some((a) => a.name === name) && parentFields[name])
    .map((name) => wireNameOf(parentFields[name]) ?? name);
}
