/** The SDL a schema author writes to bind fields and types to a GraphQL upstream. */
export const graphqlDirectiveSDL = /* GraphQL */ `
"""The root type an upstream field is on."""
enum UpstreamOperation { QUERY MUTATION }

"""How a GraphQL source's Subscription fields are forwarded to it."""
enum SubscriptionProtocol {
  "graphql-ws (the graphql-transport-ws WebSocket protocol)."
  WS
  "GraphQL over Server-Sent Events, one response per subscription (distinct connections mode, as graphql-yoga serves it)."
  SSE
}

"""
Resolves a Query or Mutation field by forwarding the client's selection under it to a root
field of a GraphQL source: only what was asked, with its arguments, variables and aliases.
On a Subscription field, the selection is forwarded as a subscription (see subscriptionUrl and
subscriptionProtocol on @source) and each event the upstream sends is one result.
"""
directive @graphql(
  "Name of an @source of kind GRAPHQL."
  source: String!
  "The upstream's root field, when this field is named differently (an import with --prefix)."
  field: String
  "The upstream root the field is on, when it was moved (an import with --query or --mutation); by default the same as here. Not on Subscription fields."
  operation: UpstreamOperation
) on FIELD_DEFINITION

"""
This type is an entity of a federation subgraph (its @key): the source resolves it from its key
fields through _entities. The fields written beside this directive come from that subgraph; a
type may be declared in several subgraphs' files, each with its own @entity.
"""
directive @entity(
  "Name of an @source of kind GRAPHQL with federation: true."
  source: String!
  """The key's field set, as in @key(fields:): "id", "upc sku", "id organization { id }"."""
  key: String!
) repeatable on OBJECT
`;

export const graphqlSourceArguments = `"GRAPHQL: the source is an Apollo Federation subgraph; its @entity types are resolved through _entities."
  federation: Boolean = false
  "GRAPHQL: where Subscription fields are forwarded: a ws(s):// URL for WS, http(s):// for SSE. By default the url (its ws:// form for WS)."
  subscriptionUrl: String
  "GRAPHQL: how Subscription fields are forwarded: WS (graphql-ws, the default) or SSE."
  subscriptionProtocol: SubscriptionProtocol = WS`;
