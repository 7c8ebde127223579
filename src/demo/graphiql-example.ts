/** GraphiQL's first tab when `skein serve --demo` runs: the demo's composites and joins at work. */
export const DEMO_GRAPHIQL_EXAMPLE = /* GraphQL */ `# Skein demo. hotelOrder is a composite (schema/composites/hotelOrder.graphql): the order
# first, then its user and hotel (REST) and its room (SOAP), all three at once.
# Add the header {"Skein-Expose-Plan": "true"} below to see when each step started and ended.
{
  hotelOrder(orderId: "1") {
    order { id total }
    user { name age gender }
    hotel { name stars address }
    room { type floor hasWindow }
  }
  # Joins across sources, batched per request: one call for the users, one for the rooms.
  orders(limit: 5) {
    id
    user { name }
    hotel { name }
    room { type }
  }
  # A branch on data: the statement only if identity verification passed (try customer 3).
  customerStatement(customerId: "1") {
    verification { status }
    statement { iban balance }
    warning { message }
  }
}
`;
