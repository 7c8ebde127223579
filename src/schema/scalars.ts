import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/** `JSON`: any JSON value, passed through as is (the importers use it for free-form data). */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});
