import { Kind, parse, Source, type ConstDirectiveNode, type DocumentNode, type GraphQLError } from 'graphql';
import { SchemaError } from '../errors/schema-error.js';
import { RegistryError } from './errors.js';
import { countFields, countSteps } from './limits.js';

/** Paths the registry's texts carry in messages and plans: stable, without a version. */
export const sourcePath = (name: string) => `registry/sources/${name}.graphql`;
export const compositePath = (name: string) => `registry/composites/${name}.graphql`;

/** What a source SDL declares about itself in its one `@source`. */
export interface SourceHeader {
  readonly name: string;
  readonly kind: string;
  /** The `wsdl:` argument, when it is not an http(s) URL: a file, which must be uploaded with the SDL. */
  readonly wsdlFile: string | undefined;
  /** Object, interface and input fields the SDL declares (see limits.ts). */
  readonly fields: number;
}

/**
 * Reads the `@source(name:, kind:)` of a source SDL. A registered source is one SDL text
 * declaring exactly one source, so a source can be replaced and removed as a whole.
 */
export function readSourceHeader(sdl: string, file = '<source SDL>'): SourceHeader {
  const document = parseOrReject(sdl, file);
  const declared: ConstDirectiveNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.SCHEMA_DEFINITION || definition.kind === Kind.SCHEMA_EXTENSION) {
      declared.push(...(definition.directives ?? []).filter((d) => d.name.value === 'source'));
    }
  }
  if (declared.length === 0) {
    throw new RegistryError(
      'BAD_INPUT',
      `${file} declares no \`extend schema @source(…)\`: in the registry every SDL file belongs to one source, and is replaced and removed with it. ` +
        'Put these definitions (joins between sources, say) in the file of a source they extend.',
    );
  }
  if (declared.length > 1) {
    throw new RegistryError(
      'BAD_INPUT',
      `${file} declares ${declared.length} sources; in the registry each SDL file declares exactly one, so split it into one file per source`,
    );
  }
  const argument = (name: string) => declared[0].arguments?.find((a) => a.name.value === name)?.value;
  const name = argument('name');
  const kind = argument('kind');
  if (name?.kind !== Kind.STRING) throw new RegistryError('BAD_INPUT', `@source in ${file} needs name: "…" as a string`);
  const wsdl = argument('wsdl');
  // Anything but an http(s) URL is a file of the upload (an absolute path or a file: URL is then simply not among them).
  const wsdlFile = wsdl?.kind === Kind.STRING && !/^https?:\/\//i.test(wsdl.value) ? wsdl.value : undefined;
  return { name: name.value, kind: kind?.kind === Kind.ENUM ? kind.value : 'REST', wsdlFile, fields: countFields(document) };
}

/** The name and kind of a composite document's one operation. */
export interface CompositeHeader {
  readonly name: string;
  readonly operation: 'query' | 'mutation';
  /** Root fields of the operation: the steps of its plan (see limits.ts). */
  readonly steps: number;
}

/** Reads the operation name a composite is known by. The full check is the schema build. */
export function readCompositeHeader(text: string, file = '<composite document>'): CompositeHeader {
  const document = parseOrReject(text, file);
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) {
    throw new RegistryError('BAD_INPUT', `a composite document holds exactly one named operation (and its fragments); ${file} has ${operations.length}`);
  }
  const operation = operations[0];
  if (!operation.name) throw new RegistryError('BAD_INPUT', `the composite in ${file} needs a name: \`query hotelOrder(...) { ... }\``);
  if (operation.operation === 'subscription') throw new RegistryError('BAD_INPUT', `composite ${operation.name.value}: subscriptions cannot be composed`);
  return { name: operation.name.value, operation: operation.operation, steps: countSteps(document, operation) };
}

function parseOrReject(text: string, file: string): DocumentNode {
  try {
    return parse(new Source(text, file));
  } catch (error) {
    const located = SchemaError.fromGraphQLError(error as GraphQLError, file);
    throw new RegistryError('BAD_INPUT', `${file} is not valid GraphQL: ${located.format()}`, [located.format()]);
  }
}
