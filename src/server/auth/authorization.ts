import {
  defaultFieldResolver,
  getDirectiveValues,
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  type ASTNode,
  type DirectiveNode,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { RequestContext, RequestIdentity } from '../../sources/index.js';

/** SDL of the authorization directives; configuration only, so the public schema drops them. */
export const authorizationDirectivesSDL = /* GraphQL */ `
"""
Only a request with a verified JWT may read this field (or any field returning this type,
or this composite); others get null and an UNAUTHENTICATED error at the field's path.
"""
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | QUERY | MUTATION

"""
Only a request whose JWT grants the scopes may read this field (or any field returning this
type, or this composite): one of the inner lists, all of its scopes (outer list OR, inner
AND). Scopes come from the token's \`scope\` claim (space-separated) or \`scp\` (a list).
Without a token: UNAUTHENTICATED; with one that lacks them: FORBIDDEN.
"""
directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | QUERY | MUTATION
`;

/** The directives a composite's operation may carry: they become directives of the composite's field. */
export const AUTHORIZATION_DIRECTIVES: ReadonlySet<string> = new Set(['authenticated', 'requiresScopes']);

/**
 * What a field requires, as alternatives: the field may be read when the token grants
 * every scope of at least one of them. `@authenticated` alone is one empty alternative
 * (any verified token). Data, so it can be printed and compared.
 */
export type ScopeAlternatives = readonly (readonly string[])[];

/** Every guarded field, by coordinate (`Query.order`, `Order.total`). Empty: nothing is guarded. */
export type AuthorizationMap = ReadonlyMap<string, ScopeAlternatives>;

/**
 * Reads `@authenticated` and `@requiresScopes` from a built schema: a field's own, and
 * those of the type it returns (Apollo's rule: a guarded type guards every field that
 * returns it). Several requirements on one field must all hold.
 */
export function compileAuthorization(schema: GraphQLSchema): AuthorizationMap {
  const authenticated = schema.getDirective('authenticated');
  const requiresScopes = schema.getDirective('requiresScopes');
  const map = new Map<string, ScopeAlternatives>();
  if (!authenticated || !requiresScopes) return map;
  const typeRules = new Map<string, ScopeAlternatives | undefined>();
  const ruleOfType = (type: GraphQLNamedType): ScopeAlternatives | undefined => {
    if (!typeRules.has(type.name)) {
      const nodes = [type.astNode, ...(type.extensionASTNodes ?? [])].filter((n): n is NonNullable<typeof n> => !!n);
      typeRules.set(type.name, ruleOf(nodes, authenticated, requiresScopes));
    }
    return typeRules.get(type.name);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      const own = ruleOf(field.astNode ? [field.astNode] : [], authenticated, requiresScopes);
      const returned = ruleOfType(getNamedType(field.type));
      const rule = own && returned ? both(own, returned) : (own ?? returned);
      if (rule) map.set(`${type.name}.${field.name}`, rule);
    }
  }
  return map;
}

/**
 * Wraps the resolver of every guarded field with its check, so it holds in every
 * execution over the schema: each door's, and each composite step's (a step that is not
 * allowed never calls its upstream). A subscription field's `subscribe` is wrapped too,
 * so a subscription that is not allowed is refused before its event source (a broker, an
 * upstream subscription) is subscribed. Unguarded fields are left as they are.
 */
export function guardFields(schema: GraphQLSchema, map: AuthorizationMap): void {
  for (const [coordinate, rule] of map) {
    const [typeName, fieldName] = coordinate.split('.');
    const type = schema.getType(typeName);
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const field = type.getFields()[fieldName] as GraphQLField<unknown, unknown>;
    field.resolve = guarded(coordinate, rule, field.resolve ?? defaultFieldResolver);
    if (field.subscribe) field.subscribe = guarded(coordinate, rule, field.subscribe);
  }
}

function guarded(coordinate: string, rule: ScopeAlternatives, resolver: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const refusal = refusalOf(coordinate, rule, (context as RequestContext | undefined)?.jwt);
    if (refusal) throw refusal;
    return resolver(source, args, context, info);
  };
}

/** Why a request may not read a field; undefined when it may. */
export function refusalOf(coordinate: string, rule: ScopeAlternatives, identity: RequestIdentity | undefined): GraphQLError | undefined {
  if (!identity) {
    return new GraphQLError(`${coordinate} needs an authenticated request: send a valid JWT as Authorization: Bearer`, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  if (rule.some((scopes) => scopes.every((scope) => identity.scopes.has(scope)))) return undefined;
  const needed = rule.map((scopes) => scopes.join(' and ')).join(', or ');
  return new GraphQLError(`${coordinate} needs the scope${rule.length === 1 && rule[0].length === 1 ? '' : 's'} ${needed}, which the token does not grant`, {
    extensions: { code: 'FORBIDDEN' },
  });
}

/** The requirement of some AST nodes' directives, all of them together; undefined without any. */
function ruleOf(
  nodes: readonly (ASTNode & { readonly directives?: readonly DirectiveNode[] })[],
  authenticated: GraphQLDirective,
  requiresScopes: GraphQLDirective,
): ScopeAlternatives | undefined {
  let rule: ScopeAlternatives | undefined;
  for (const node of nodes) {
    if (getDirectiveValues(authenticated, node)) rule = rule ? both(rule, [[]]) : [[]];
    const scopes = getDirectiveValues(requiresScopes, node)?.scopes as string[][] | undefined;
    if (scopes) rule = rule ? both(rule, scopes) : scopes;
  }
  return rule;
}

/** Two requirements that must both hold: every pairing of their alternatives. */
function both(a: ScopeAlternatives, b: ScopeAlternatives): ScopeAlternatives {
  return a.flatMap((left) => b.map((right) => [...new Set([...left, ...right])]));
}
