import { SchemaError, SchemaErrors } from '../../../errors/schema-error.js';
import { pointerOf, resolvePointer, segmentsOf } from './json-pointer.js';
import type { LoadedDocument } from './load-document.js';

/**
 * `$ref` handling. The importer keeps local references as they are and follows them
 * itself (a reference to `#/components/schemas/Pet` is what names the type `Pet`, and
 * it is what makes recursive schemas finite); only references into other documents are
 * left to the OpenAPI library, which bundles them in.
 */

/** What a walk over every `$ref` of a document found. */
export interface ReferenceCheck {
  /** `$ref`s into other files or URLs (`common.yaml#/Pet`), in document order. */
  readonly external: readonly { readonly ref: string; readonly at: readonly string[] }[];
}

const MAX_REPORTED = 20;

/**
 * Checks that every local `$ref` names something in the document. Throws a SchemaError
 * (several: SchemaErrors) at the position of each dangling `$ref`.
 */
export function checkReferences(document: LoadedDocument): ReferenceCheck {
  const dangling: SchemaError[] = [];
  const external: { ref: string; at: string[] }[] = [];
  let count = 0;
  const path: string[] = [];
  const visit = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        path.push(String(i));
        visit(node[i]);
        path.pop();
      }
      return;
    }
    const ref = (node as Record<string, unknown>).$ref;
    if (typeof ref === 'string' && !isExampleValue(path)) {
      const segments = segmentsOf(ref);
      if (!segments) {
        external.push({ ref, at: [...path] });
      } else {
        const resolution = resolvePointer(document.value, segments);
        if (!resolution.found && count++ < MAX_REPORTED) {
          const at = [...path, '$ref'];
          const where = resolution.parent.length === 0 ? 'the document' : pointerOf(resolution.parent);
          dangling.push(
            new SchemaError(
              `$ref "${ref}" at ${pointerOf(path)} points to nothing: ${where} has no "${resolution.missing}"`,
              document.locate(at) ?? { file: document.name, line: 1, column: 1 },
            ),
          );
        }
      }
    }
    for (const key of Object.keys(node)) {
      path.push(key);
      visit((node as Record<string, unknown>)[key]);
      path.pop();
    }
  };
  visit(document.value);
  if (count > MAX_REPORTED) {
    dangling.push(new SchemaError(`… and ${count - MAX_REPORTED} more dangling $refs in ${document.name}`));
  }
  if (dangling.length === 1) throw dangling[0];
  if (dangling.length > 1) throw new SchemaErrors(dangling);
  return { external };
}

/** A value reached by following local `$ref`s, and the name the last reference gave it. */
export interface Followed {
  readonly value: unknown;
  /** `Pet` for `#/components/schemas/Pet` or `#/definitions/Pet`; undefined when no $ref was followed. */
  readonly refName: string | undefined;
  /** True when the last reference points at a named schema (components/schemas, definitions). */
  readonly isComponent: boolean;
  /** The objects passed on the way, outermost first (their annotations override the target's). */
  readonly wrappers: readonly Record<string, unknown>[];
}

/** Follows `$ref` chains; a loop of references ends in an empty schema rather than hanging. */
export function follow(document: unknown, node: unknown): Followed {
  let value = node;
  let refName: string | undefined;
  let isComponent = false;
  const wrappers: Record<string, unknown>[] = [];
  for (let hops = 0; hops < 64; hops++) {
    if (value === null || typeof value !== 'object') return { value, refName, isComponent, wrappers };
    const ref = (value as Record<string, unknown>).$ref;
    if (typeof ref !== 'string') return { value, refName, isComponent, wrappers };
    const segments = segmentsOf(ref);
    if (!segments) break;
    const resolution = resolvePointer(document, segments);
    if (!resolution.found) break;
    wrappers.push(value as Record<string, unknown>);
    refName = segments[segments.length - 1];
    isComponent =
      segments.length === 3 && segments[0] === 'components' && segments[1] === 'schemas'
        ? true
        : segments.length === 2 && segments[0] === 'definitions';
    value = resolution.value;
  }
  // A loop of references, or one that cannot be followed (checkReferences reports those).
  return { value: {}, refName, isComponent, wrappers };
}

/**
 * Example, default, const and enum values are data: a `$ref` key inside them is not a
 * reference. (Entries of an `examples` map may be references; their `value` is data.)
 */
function isExampleValue(path: readonly string[]): boolean {
  return path.some((segment, i) => {
    if (isSchemaContainer(path, i)) return false;
    if (segment === 'example' || segment === 'default' || segment === 'const' || segment === 'enum') return true;
    if (segment === 'value' && path[i - 2] === 'examples') return true;
    return segment === 'examples' && /^\d+$/.test(path[i + 1] ?? '');
  });
}

// `properties/example` is a property named "example", not an example value.
function isSchemaContainer(path: readonly string[], index: number): boolean {
  const parent = path[index - 1];
  return parent === 'properties' || parent === 'patternProperties' || parent === 'schemas' || parent === 'definitions';
}
