/** The SDL a schema author writes to bind a field to a REST endpoint. */
export const restDirectiveSDL = /* GraphQL */ `
"""HTTP methods a @rest field can call."""
enum HttpMethod { GET HEAD POST PUT PATCH DELETE }

"""How the body argument of a @rest field is encoded."""
enum RestBodyEncoding {
  "application/json"
  JSON
  "application/x-www-form-urlencoded"
  FORM
}

"""How a query parameter carries a list or an object (OpenAPI's parameter styles)."""
enum RestParamStyle {
  "ids=1&ids=2 (explode) or ids=1,2; an object's properties as parameters (role=admin&active=true) or filter=role,admin,active,true"
  FORM
  "filter[role]=admin&filter[active]=true"
  DEEP_OBJECT
  "ids=1%202"
  SPACE_DELIMITED
  "ids=1|2"
  PIPE_DELIMITED
  "The value as JSON text, as OpenAPI's parameters with content application/json are written."
  JSON
}

"""A query parameter or header of a REST call."""
input RestParam {
  "Name on the wire."
  name: String!
  """A template: "{status}" takes an argument, "Bearer {token}" mixes in text, "json" is a constant. Omitted when every placeholder is null."""
  value: String!
  "For a list value: true repeats the parameter (ids=1&ids=2), false joins with commas (ids=1,2)."
  explode: Boolean = true
  "How a list or object value is written in the query (headers are always simple)."
  style: RestParamStyle = FORM
}

"""Resolves a Query or Mutation field by calling a REST endpoint of a source."""
directive @rest(
  "Name of an @source of kind REST."
  source: String!
  method: HttpMethod = GET
  """Path after the source's URL; {arg} or {arg.field} placeholders are filled from arguments, URL-encoded."""
  path: String!
  query: [RestParam!]
  headers: [RestParam!]
  "Name of the argument sent as the request body."
  body: String
  encoding: RestBodyEncoding = JSON
  """Dotted path of the part of the JSON answer to return, such as "data.items"."""
  select: String
) on FIELD_DEFINITION
`;
