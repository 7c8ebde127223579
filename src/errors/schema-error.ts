import { getLocation, type ASTNode, type GraphQLError, type Location } from 'graphql';

/** Where in a schema file something was written. `line` and `column` are 1-based. */
export interface SchemaLocation {
  file: string;
  line: number;
  column: number;
}

/**
 * An error in what a schema author wrote: SDL, a directive's arguments, a composite
 * document, an imported OpenAPI or WSDL file. It always says where, so the CLI can
 * print `file:line:column: message` and an editor can jump there.
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly location: SchemaLocation | undefined;

  constructor(message: string, location?: SchemaLocation | ASTNode | Location) {
    super(message);
    this.location = toSchemaLocation(location);
  }

  /** `file:line:column: message`, or just the message when the place is unknown. */
  format(): string {
    const at = this.location;
    return at ? `${at.file}:${at.line}:${at.column}: ${this.message}` : this.message;
  }

  /** Wraps a graphql-js error (parse, validation) so that it keeps its position. */
  static fromGraphQLError(error: GraphQLError, fallbackFile?: string): SchemaError {
    const node = error.nodes?.[0];
    if (node?.loc) return new SchemaError(error.message, node.loc);
    const source = error.source;
    const position = error.locations?.[0];
    if (position) {
      return new SchemaError(error.message, {
        file: source?.name ?? fallbackFile ?? '<schema>',
        line: position.line,
        column: position.column,
      });
    }
    return new SchemaError(error.message, fallbackFile ? { file: fallbackFile, line: 1, column: 1 } : undefined);
  }
}

/** Several schema errors found together, reported in one go rather than one per run. */
export class SchemaErrors extends Error {
  override readonly name = 'SchemaErrors';

  constructor(readonly errors: readonly SchemaError[]) {
    super(errors.map((error) => error.format()).join('\n'));
  }
}

/** Throws the collected errors, if any. */
export function throwIfAny(errors: readonly SchemaError[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new SchemaErrors(errors);
}

/** Flattens whatever a build threw into a list of located errors. */
export function schemaErrorsOf(error: unknown): SchemaError[] {
  if (error instanceof SchemaErrors) return [...error.errors];
  if (error instanceof SchemaError) return [error];
  throw error;
}

function toSchemaLocation(at: SchemaLocation | ASTNode | Location | undefined): SchemaLocation | undefined {
  if (!at) return undefined;
  if ('file' in at) return at;
  const loc: Location | undefined = 'kind' in at ? at.loc : at;
  if (!loc) return undefined;
  const { line, column } = getLocation(loc.source, loc.start);
  return { file: loc.source.name, line, column };
}
