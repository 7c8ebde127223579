import { extendSchema, parse, Source, type DocumentNode, type GraphQLSchema } from 'graphql';
import { SchemaError, SchemaErrors, schemaErrorsOf, throwIfAny } from '../../errors/schema-error.js';
import type { SchemaFile } from '../../schema/index.js';
import { NameRegistry } from '../../sources/index.js';
import type { CompiledComposite } from './compile-composite.js';
import { compileComposite } from './compile-composite.js';

export interface CompiledComposites {
  /** The input schema extended with a field (and result types) per composite. */
  readonly schema: GraphQLSchema;
  readonly composites: readonly CompiledComposite[];
}

/**
 * Compiles every composite and adds it to the schema. A composite may use another, so
 * they are added in rounds: each round adds those that are valid against the schema so
 * far. What is left when no round makes progress is reported with its own errors.
 */
export function compileComposites(files: readonly SchemaFile[], base: GraphQLSchema): CompiledComposites {
  const errors: SchemaError[] = [];
  let pending: { file: SchemaFile; document: DocumentNode }[] = [];
  for (const file of files) {
    try {
      pending.push({ file, document: parse(new Source(file.text, file.path)) });
    } catch (error) {
      errors.push(SchemaError.fromGraphQLError(error as never, file.path));
    }
  }
  throwIfAny(errors);

  let schema = base;
  const names = new NameRegistry(Object.keys(base.getTypeMap()));
  const compiled: CompiledComposite[] = [];
  const seen = new Map<string, string>();
  while (pending.length > 0) {
    const round: CompiledComposite[] = [];
    const failed: { entry: (typeof pending)[number]; errors: SchemaError[] }[] = [];
    for (const entry of pending) {
      try {
        round.push(compileComposite(entry.file.path, entry.file.text, entry.document, schema, names));
      } catch (error) {
        failed.push({ entry, errors: schemaErrorsOf(error) });
      }
    }
    for (const composite of round) {
      const earlier = seen.get(composite.plan.name);
      if (earlier) throw new SchemaError(`composite ${composite.plan.name} is defined twice, in ${earlier} and ${composite.plan.file}`);
      seen.set(composite.plan.name, composite.plan.file);
    }
    if (round.length === 0) throw new SchemaErrors(failed.flatMap((f) => f.errors));
    schema = extendSchema(schema, parse(round.map((c) => c.sdl).join('\n')), { assumeValidSDL: true });
    compiled.push(...round);
    pending = failed.map((f) => f.entry);
  }
  return { schema, composites: compiled };
}
