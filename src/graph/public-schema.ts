import {
  getNamedType,
  GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedDirective,
  isUnionType,
  Kind,
  parse,
  type GraphQLDirective,
  type GraphQLNamedType,
} from 'graphql';
import { compositeDirectivesSDL } from '../composite/index.js';

/**
 * The directives a frontend's documents may use besides GraphQL's own: those of
 * composites (`@export`, `@internal`), so a composite validates in stock tools.
 */
const DOCUMENT_DIRECTIVES: ReadonlySet<string> = new Set(
  parse(compositeDirectivesSDL).definitions.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])),
);

/**
 * The schema a frontend sees: the built one without Skein's configuration directives
 * (`@source`, `@rest`, `@soap`, `@join`, `@batch`, `@wire`, …) and without the types only
 * their arguments use (`SourceKind`, `SourceHeader`, `RestParam`, …). Those describe how
 * the gateway calls its upstreams, which is no business of a client's codegen.
 *
 * It shares every type object with `schema`, so the resolvers bound there, `extensions`
 * and AST nodes (the catalog and the registry read applied directives from them) stay as
 * they are; only the schema's lists of directives and types differ. Build it after
 * everything that reads the configuration directives through the schema has run.
 */
export function publicSchemaOf(schema: GraphQLSchema): GraphQLSchema {
  const config = schema.toConfig();
  const kept = (directive: GraphQLDirective) => isSpecifiedDirective(directive) || DOCUMENT_DIRECTIVES.has(directive.name);
  const configurationOnly = typesOnlyUsedBy(schema, config.directives.filter((d) => !kept(d)), config.directives.filter(kept));
  return new GraphQLSchema({
    ...config,
    directives: config.directives.filter(kept),
    types: config.types.filter((type) => !configurationOnly.has(type.name)),
  });
}

/**
 * Names of the types reachable from the arguments of `dropped` directives and from
 * nothing else: not from any other type of the schema, nor from the `kept` directives.
 */
function typesOnlyUsedBy(
  schema: GraphQLSchema,
  dropped: readonly GraphQLDirective[],
  kept: readonly GraphQLDirective[],
): Set<string> {
  const candidates = reachableFrom(dropped.flatMap((d) => d.args.map((arg) => getNamedType(arg.type))));
  const others = Object.values(schema.getTypeMap()).filter((type) => !candidates.has(type.name) && !isIntrospectionType(type));
  const usedElsewhere = reachableFrom([...others, ...kept.flatMap((d) => d.args.map((arg) => getNamedType(arg.type)))]);
  return new Set([...candidates].filter((name) => !usedElsewhere.has(name)));
}

/** Names of the given types and of every type their fields, arguments and members refer to. */
function reachableFrom(start: readonly GraphQLNamedType[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...start];
  for (let type = pending.pop(); type; type = pending.pop()) {
    if (seen.has(type.name)) continue;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      pending.push(...type.getInterfaces());
      for (const field of Object.values(type.getFields())) {
        pending.push(getNamedType(field.type), ...field.args.map((arg) => getNamedType(arg.type)));
      }
    } else if (isUnionType(type)) {
      pending.push(...type.getTypes());
    } else if (isInputObjectType(type)) {
      pending.push(...Object.values(type.getFields()).map((field) => getNamedType(field.type)));
    }
  }
  return seen;
}
