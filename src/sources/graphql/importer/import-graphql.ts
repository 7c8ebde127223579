import {
  Kind,
  parse,
  print,
  specifiedScalarTypes,
  visit,
  type ConstDirectiveNode,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type NamedTypeNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type StringValueNode,
} from 'graphql';
import { SchemaError } from '../../../errors/schema-error.js';
import { fieldName } from '../../naming.js';
import { sourcesSDL } from '../../index.js';
import { loadUpstreamSDL, type LoadOptions } from './load-upstream-sdl.js';

export interface GraphQLImportOptions extends LoadOptions {
  /** An SDL file, or the API's http(s) URL (introspected, or asked `_service { sdl }`). */
  readonly location: string;
  readonly source: string;
  /** The endpoint written on `@source`; by default the URL imported from. */
  readonly url?: string;
  /** Put before every type and root field name (`Gh` → `GhRepository`, `ghRepository`); entity types keep theirs. */
  readonly prefix?: string;
  /** Upstream root fields to put on Query / Mutation whatever root they are on. */
  readonly queries?: readonly string[];
  readonly mutations?: readonly string[];
}

export interface GraphQLImport {
  readonly sdl: string;
  readonly federation: boolean;
  readonly via: string;
  readonly queries: number;
  readonly mutations: number;
  readonly subscriptions: number;
  readonly types: number;
  readonly entities: readonly string[];
  /** What was not imported, and why. */
  readonly leftOut: readonly { readonly name: string; readonly reason: string }[];
}

/** Types a subgraph's SDL carries for federation's own machinery. */
const FEDERATION_TYPES = /^(_Any|_Entity|_Service|FieldSet|_FieldSet|link__.*|federation__.*|join__.*|core__.*)$/;
/** Federation directives that say nothing Skein acts on: dropped. */
const DROPPED_DIRECTIVES = new Set(['shareable', 'extends', 'tag', 'link', 'composeDirective', 'override', 'inaccessible', 'provides', 'external', 'requires', 'key', 'interfaceObject', 'authenticated', 'requiresScopes', 'policy', 'cost', 'listSize', 'context', 'fromContext']);

/**
 * Turns a GraphQL API's schema into source SDL: each Query and Mutation field with
 * `@graphql(source:)`, the types as the API has them (renamed with --prefix, the upstream
 * name kept with `@wire`). A federation subgraph's `@key` types become `@entity` types,
 * written as the subgraph declares them, so other subgraphs' files declare the same type
 * with their own fields. Subscription fields are kept (forwarded as subscriptions);
 * `@requires` fields and `@interfaceObject` types are left out and listed.
 */
export async function importGraphQL(options: GraphQLImportOptions): Promise<GraphQLImport> {
  const upstream = await loadUpstreamSDL(options.location, options);
  let document: DocumentNode;
  try {
    document = parse(upstream.sdl);
  } catch (error) {
    throw new SchemaError(`${upstream.via}: the SDL does not parse: ${(error as Error).message}`);
  }
  const url = options.url ?? (/^https?:\/\//i.test(options.location) ? options.location : undefined);
  return convert(document, upstream.federation, upstream.via, url, options);
}

function convert(document: DocumentNode, federation: boolean, via: string, url: string | undefined, options: GraphQLImportOptions): GraphQLImport {
  const leftOut: { name: string; reason: string }[] = [];
  const roots = rootNames(document);
  const skeinTypes = skeinTypeNames();
  const builtins = new Set(specifiedScalarTypes.map((t) => t.name));
  const prefix = options.prefix ?? '';

  // Object types and their extensions (federation v1 writes `extend type User @key`) become one declaration each.
  const types = new Map<string, DefinitionNode>();
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    if (definition.kind === Kind.DIRECTIVE_DEFINITION || FEDERATION_TYPES.test(name) || builtins.has(name)) continue;
    if (definition.kind === Kind.SCALAR_TYPE_DEFINITION && skeinTypes.has(name)) continue; // the gateway's own JSON, Long…
    const earlier = types.get(name);
    if (earlier && 'fields' in earlier && 'fields' in definition) {
      types.set(name, { ...earlier, fields: [...(earlier.fields ?? []), ...(definition.fields ?? [])], directives: [...(earlier.directives ?? []), ...(definition.directives ?? [])] } as DefinitionNode);
    } else {
      types.set(name, asDefinition(definition));
    }
  }
  const entities = [...types.values()].filter((t) => keysOf(t).length > 0).map((t) => (t as ObjectTypeDefinitionNode).name.value);
  for (const [name, type] of types) {
    if (directivesOf(type).some((d) => d.name.value === 'interfaceObject')) {
      types.delete(name);
      leftOut.push({ name, reason: '@interfaceObject is not supported: Skein cannot resolve an interface entity across subgraphs' });
    }
  }
  const local = (name: string) => {
    if (!types.has(name) || roots.has(name) || (federation && entities.includes(name)) || prefix === '') {
      return skeinTypes.has(name) && types.has(name) && !roots.has(name) ? `${typeNameOf(options.source)}${name}` : name;
    }
    return `${prefix}${name}`;
  };

  const queryFields: string[] = [];
  const mutationFields: string[] = [];
  const subscriptionFields: string[] = [];
  const out: string[] = [];
  let typeCount = 0;
  for (const [name, type] of types) {
    if (roots.has(name)) {
      const root = roots.get(name)!;
      for (const field of fieldsOf(type)) {
        const upstreamName = field.name.value;
        if (upstreamName.startsWith('_')) continue; // _entities, _service
        // A subscription stays one: --query and --mutation move reads and writes, not streams.
        const moved: 'query' | 'mutation' | 'subscription' =
          root === 'subscription' ? root : options.queries?.includes(upstreamName) ? 'query' : options.mutations?.includes(upstreamName) ? 'mutation' : root;
        const localName = prefix ? fieldName(`${prefix} ${upstreamName}`) : upstreamName;
        const args = [`source: ${JSON.stringify(options.source)}`];
        if (localName !== upstreamName) args.push(`field: ${JSON.stringify(upstreamName)}`);
        if (moved !== root) args.push(`operation: ${root.toUpperCase()}`);
        const printed = printField({ ...renamed(field, local), name: { kind: Kind.NAME, value: localName }, directives: [] }) + ` @graphql(${args.join(', ')})`;
        (moved === 'query' ? queryFields : moved === 'mutation' ? mutationFields : subscriptionFields).push(printed);
      }
      continue;
    }
    typeCount++;
    const localName = local(name);
    const keys = keysOf(type);
    let fields = fieldsOf(type);
    if (fields.length > 0) {
      const keyFields = new Set(keys.flatMap((key) => key.split(/[\s{}]+/).filter(Boolean)));
      fields = fields.filter((field) => {
        const directives = (field.directives ?? []).map((d) => d.name.value);
        const where = `${name}.${field.name.value}`;
        if (directives.includes('inaccessible')) return false;
        if (directives.includes('requires')) {
          leftOut.push({ name: where, reason: '@requires is not supported: it needs fields of another subgraph before this one can answer' });
          return false;
        }
        // An @external field is another subgraph's, except where this one needs it as its key.
        return !directives.includes('external') || keyFields.has(field.name.value);
      });
    }
    const directives: string[] = [];
    if (localName !== name) directives.push(`@wire(name: ${JSON.stringify(name)})`);
    if (federation) for (const key of keys) directives.push(`@entity(source: ${JSON.stringify(options.source)}, key: ${JSON.stringify(key)})`);
    const withFields = type.kind === Kind.OBJECT_TYPE_DEFINITION || type.kind === Kind.INTERFACE_TYPE_DEFINITION ? ({ ...type, fields } as DefinitionNode) : type;
    const cleaned = visit(renamed(withFields, local), {
      Directive(node) {
        return DROPPED_DIRECTIVES.has(node.name.value) ? null : undefined;
      },
    }) as DefinitionNode;
    const added = directiveNodes(directives);
    out.push(print({ ...cleaned, name: { kind: Kind.NAME, value: localName }, directives: [...directivesOf(cleaned), ...added] } as DefinitionNode));
  }

  const lines = [
    `# Imported by \`skein import graphql\` from ${via === 'introspection' || via === '_service { sdl }' ? `${options.location} (${via})` : via}.`,
    '# Edit freely; importing again overwrites this file.',
  ];
  if (leftOut.length > 0) {
    lines.push('#', '# Left out:');
    for (const item of leftOut) lines.push(`#   ${item.name}: ${item.reason}`);
  }
  const sourceArgs = [`name: ${JSON.stringify(options.source)}`, 'kind: GRAPHQL', ...(url ? [`url: ${JSON.stringify(url)}`] : []), ...(federation ? ['federation: true'] : [])];
  lines.push(`extend schema @source(${sourceArgs.join(', ')})`, '');
  lines.push(...out.map((text) => `${text}\n`));
  if (queryFields.length > 0) lines.push(`extend type Query {\n${queryFields.map(indent).join('\n')}\n}\n`);
  if (mutationFields.length > 0) lines.push(`extend type Mutation {\n${mutationFields.map(indent).join('\n')}\n}\n`);
  if (subscriptionFields.length > 0) lines.push(`extend type Subscription {\n${subscriptionFields.map(indent).join('\n')}\n}\n`);
  return {
    sdl: lines.join('\n'),
    federation,
    via,
    queries: queryFields.length,
    mutations: mutationFields.length,
    subscriptions: subscriptionFields.length,
    types: typeCount,
    entities,
    leftOut,
  };
}

/** The root types by name: `schema { query: … }` if written, else Query, Mutation, Subscription. */
function rootNames(document: DocumentNode): Map<string, 'query' | 'mutation' | 'subscription'> {
  const roots = new Map<string, 'query' | 'mutation' | 'subscription'>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      for (const operation of definition.operationTypes ?? []) roots.set(operation.type.name.value, operation.operation as 'query');
    }
  }
  if (roots.size === 0) {
    roots.set('Query', 'query');
    roots.set('Mutation', 'mutation');
    roots.set('Subscription', 'subscription');
  }
  return roots;
}

/** Names Skein's own SDL declares (JSON, SourceKind, …): an upstream type of that name is renamed. */
function skeinTypeNames(): Set<string> {
  const names = new Set<string>();
  for (const definition of parse(sourcesSDL()).definitions) if ('name' in definition && definition.name) names.add(definition.name.value);
  return names;
}

function typeNameOf(source: string): string {
  return source.replace(/(^|[^A-Za-z0-9])([a-z])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
}

function asDefinition(definition: DefinitionNode): DefinitionNode {
  const kinds: Partial<Record<string, string>> = {
    [Kind.OBJECT_TYPE_EXTENSION]: Kind.OBJECT_TYPE_DEFINITION,
    [Kind.INTERFACE_TYPE_EXTENSION]: Kind.INTERFACE_TYPE_DEFINITION,
    [Kind.UNION_TYPE_EXTENSION]: Kind.UNION_TYPE_DEFINITION,
    [Kind.ENUM_TYPE_EXTENSION]: Kind.ENUM_TYPE_DEFINITION,
    [Kind.INPUT_OBJECT_TYPE_EXTENSION]: Kind.INPUT_OBJECT_TYPE_DEFINITION,
    [Kind.SCALAR_TYPE_EXTENSION]: Kind.SCALAR_TYPE_DEFINITION,
  };
  const kind = kinds[definition.kind];
  return kind ? ({ ...definition, kind } as DefinitionNode) : definition;
}

function directivesOf(definition: DefinitionNode): readonly ConstDirectiveNode[] {
  return ('directives' in definition ? (definition.directives as readonly ConstDirectiveNode[] | undefined) : undefined) ?? [];
}

/**
 * The field sets of a type's `@key`s. A `resolvable: false` key counts too: the type is this
 * subgraph's reference to another subgraph's entity (usually the key alone), and as an
 * `@entity` it composes with the owner's declaration, which answers its other fields; as a
 * plain type it would clash with it.
 */
function keysOf(definition: DefinitionNode): string[] {
  if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) return [];
  return directivesOf(definition)
    .filter((d) => d.name.value === 'key')
    .map((d) => (d.arguments ?? []).find((a) => a.name.value === 'fields')?.value)
    .filter((v): v is StringValueNode => v?.kind === Kind.STRING)
    .map((v) => v.value);
}

function fieldsOf(definition: DefinitionNode): readonly FieldDefinitionNode[] {
  return definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION
    ? ((definition as ObjectTypeDefinitionNode | ObjectTypeExtensionNode).fields ?? [])
    : [];
}

/** References to the upstream's types, in local names. */
function renamed<T extends DefinitionNode | FieldDefinitionNode>(node: T, local: (name: string) => string): T {
  return visit(node, {
    NamedType(named: NamedTypeNode) {
      const name = local(named.name.value);
      return name === named.name.value ? undefined : { ...named, name: { ...named.name, value: name } };
    },
  }) as T;
}

function printField(field: FieldDefinitionNode): string {
  // print() of a type with one field gives `type X {\n  field…\n}`; take the field's text.
  const text = print({ kind: Kind.OBJECT_TYPE_DEFINITION, name: { kind: Kind.NAME, value: 'X' }, fields: [field] });
  return text.slice(text.indexOf('{') + 1, text.lastIndexOf('}')).trim().replace(/\n  /g, '\n');
}

/** Directives written as text (`@wire(name: "X")`), as nodes. */
function directiveNodes(directives: readonly string[]): readonly ConstDirectiveNode[] {
  if (directives.length === 0) return [];
  const scalar = parse(`scalar X ${directives.join(' ')}`, { noLocation: true }).definitions[0];
  return directivesOf(scalar);
}

function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}
