/** SDL of the directives a composite document uses; part of the served schema, so GraphiQL and codegen accept composites. */
export const compositeDirectivesSDL = /* GraphQL */ `
"""
In a composite: this field's value becomes the internal variable $as for the steps that use
it. Inside a list, the values form a list. With a test (equals, notEquals, in, greaterThan,
lessThan, isNull) the variable is the Boolean outcome instead, for @include and @skip.
"""
directive @export(
  as: String!
  equals: JSON
  notEquals: JSON
  in: [JSON!]
  greaterThan: Float
  lessThan: Float
  isNull: Boolean
) on FIELD

"""In a composite: this variable is filled by an @export of another step, never by the caller."""
directive @internal on VARIABLE_DEFINITION
`;
