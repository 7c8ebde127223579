import { Kind, parse, Source, type DocumentNode } from 'graphql';
import { SchemaError } from '../errors/schema-error.js';
import { protocols, type SourceConfig } from '../sources/index.js';
import { skeinVersion } from '../version.js';

/**
 * The field every graph has on Query, whatever its sources declare: the gateway itself.
 * A GraphQL schema needs at least one Query field, and a folder whose only source is all
 * writes (a SOAP service of commands, an OpenAPI document of POSTs) has none of its own;
 * this one makes such a graph valid and gives a frontend something to ask a gateway.
 *
 * The leading underscore keeps it apart from the user's API: the importers derive field
 * names from words and never start one with `_`, so an imported document cannot take it;
 * a hand-written `Query._skein` (or a type of the names below) is refused at its place.
 */
export const BUILTIN_QUERY_FIELD = '_skein';

/** The types `_skein` returns; named `Skein…` so they read as the gateway's own in GraphiQL and codegen. */
const BUILTIN_TYPES = ['SkeinGateway', 'SkeinSource', 'SkeinSourceKind'] as const;

/** What `{ _skein { … } }` answers. */
export interface GatewayInfo {
  readonly version: string;
  readonly sources: readonly { readonly name: string; readonly kind: string }[];
}

/** SDL of the built-in field and its types, appended after the source files so their own Query fields come first. */
export function builtinQueryDocument(): DocumentNode {
  const kinds = [...protocols.keys()].join(' ');
  const sdl = `
"""The gateway serving this graph. Built into every Skein graph; no upstream is called."""
type SkeinGateway {
  "The version of Skein serving the graph, as \`skein --version\` prints it."
  version: String!
  "Every source the graph calls, sorted by name."
  sources: [SkeinSource!]!
}

"""One upstream API the gateway calls."""
type SkeinSource {
  "The source's name, as its schema file declares it."
  name: String!
  "The protocol the gateway speaks to it."
  kind: SkeinSourceKind!
}

"""The protocols Skein speaks to upstreams."""
enum SkeinSourceKind { ${kinds} }

extend type Query {
  """The gateway itself: its version and the sources it serves. Built in; it calls no upstream."""
  ${BUILTIN_QUERY_FIELD}: SkeinGateway!
}
`;
  return parse(new Source(sdl, '<skein built-in Query field>'));
}

/** The answer of `_skein` for a graph of these sources; the same for every request. */
export function gatewayInfo(sources: ReadonlyMap<string, SourceConfig>): GatewayInfo {
  return {
    version: skeinVersion(),
    sources: [...sources.values()]
      .map((source) => ({ name: source.name, kind: source.kind }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/**
 * A source file that declares `Query._skein` or a type named like the built-in ones
 * would clash with them; graphql-js would report the clash at the built-in definition,
 * which the author never wrote, so it is reported here, at the author's own.
 */
export function builtinNameErrors(document: DocumentNode): SchemaError[] {
  const errors: SchemaError[] = [];
  const reserved: ReadonlySet<string> = new Set(BUILTIN_TYPES);
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name) continue;
    const name = definition.name.value;
    if (definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    if (reserved.has(name)) {
      errors.push(
        new SchemaError(
          `type ${name} is the gateway's own (Query.${BUILTIN_QUERY_FIELD} returns it); rename this type (\`skein import … --prefix\` renames a whole imported document)`,
          definition.name,
        ),
      );
    }
    if (name === 'Query' && 'fields' in definition) {
      for (const field of definition.fields ?? []) {
        if (field.name.value !== BUILTIN_QUERY_FIELD) continue;
        errors.push(
          new SchemaError(
            `Query.${BUILTIN_QUERY_FIELD} is the gateway's built-in field (its version and sources); rename this field`,
            field.name,
          ),
        );
      }
    }
  }
  return errors;
}
