import { getDirectiveValues, type ASTNode, type DirectiveNode, type GraphQLDirective } from 'graphql';

/**
 * SDL of `@cacheControl`, as Apollo Server and Router users write it: on a field, on a
 * type (every field returning it), and on a composite's operation (`query hotelOrder(…)
 * @cacheControl(maxAge: 60)`), where it becomes the hint of the composite's field.
 * Configuration only: the public schema drops it.
 */
export const cacheControlDirectiveSDL = /* GraphQL */ `
"""
How long an answer that reads this field (or any field returning this type, or this
composite) may be served from the gateway's cache, and to whom. The answer's maxAge is the
least of every field it reads; a root field or a field returning an object without a hint
counts as 0 (not cacheable), a scalar field inherits its parent's. One PRIVATE field makes
the whole answer PRIVATE: cached per JWT subject, never shared.
"""
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | QUERY

"""Who may be served a cached answer: anyone (PUBLIC), or only the JWT subject it was made for (PRIVATE)."""
enum CacheControlScope { PUBLIC PRIVATE }
`;

export const CACHE_CONTROL_DIRECTIVE = 'cacheControl';

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** One `@cacheControl` as written: every part optional. Data, so it can be printed and compared. */
export interface CacheHint {
  readonly maxAge?: number;
  readonly scope?: CacheScope;
  readonly inheritMaxAge?: true;
}

/**
 * The hint of some AST nodes (a type and its extensions, or a field), the last one
 * written winning part by part; undefined without any.
 */
export function cacheHintOf(nodes: readonly (ASTNode & { readonly directives?: readonly DirectiveNode[] })[], directive: GraphQLDirective): CacheHint | undefined {
  let hint: { maxAge?: number; scope?: CacheScope; inheritMaxAge?: true } | undefined;
  for (const node of nodes) {
    const values = getDirectiveValues(directive, node) as { maxAge?: number | null; scope?: CacheScope | null; inheritMaxAge?: boolean | null } | undefined;
    if (!values) continue;
    hint ??= {};
    if (typeof values.maxAge === 'number') hint.maxAge = values.maxAge;
    if (values.scope) hint.scope = values.scope;
    if (values.inheritMaxAge) hint.inheritMaxAge = true;
  }
  return hint;
}
