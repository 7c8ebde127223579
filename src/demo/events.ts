import type { SchemaFile, SchemaInput } from '../schema/index.js';

/** The subjects of the demo's event example. */
export const DEMO_SUBJECTS = { placed: 'demo.orders.placed', booked: 'demo.orders.booked' } as const;

/**
 * The demo's event example, added to the schema folder by `skein serve --demo`: an event
 * source on NATS (`bus`, nats://127.0.0.1:4222, or SKEIN_SOURCE_BUS_URL), a mutation that
 * places an order message, a subscription to what comes out, and `hotelOrderPlaced`: each
 * message on `demo.orders.placed` runs the `hotelOrder` composite for its `orderId`, and the
 * booking page's data is published to `demo.orders.booked`. Without a NATS server the rest of
 * the demo serves as ever; the source connects once one is there.
 */
export function withDemoEvents(input: SchemaInput): SchemaInput {
  const source: SchemaFile = {
    path: '<demo>/sources/bus.graphql',
    text: /* GraphQL */ `# The demo's message bus: NATS with JetStream on this machine.
extend schema @source(name: "bus", kind: NATS, url: "nats://127.0.0.1:4222", stream: "SKEIN_DEMO_ORDERS", streamSubjects: ["demo.orders.>"])

type Mutation {
  "Publishes {orderId} to ${DEMO_SUBJECTS.placed}, as a shop would; answers once JetStream stored it."
  placeOrderMessage(orderId: ID!): Boolean! @publish(source: "bus", subject: "${DEMO_SUBJECTS.placed}")
}

type Subscription {
  "What hotelOrderPlaced publishes for each order message: { data: { hotelOrder: … } }."
  ordersBooked: JSON @subscribe(source: "bus", subject: "${DEMO_SUBJECTS.booked}")
}
`,
  };
  const composite: SchemaFile = {
    path: '<demo>/composites/hotelOrderPlaced.graphql',
    text: /* GraphQL */ `# For each order placed on the bus, the booking page's data, published for the next system.
# @trigger(source: "bus", subject: "${DEMO_SUBJECTS.placed}")
# @publishTo(source: "bus", subject: "${DEMO_SUBJECTS.booked}")
query hotelOrderPlaced($orderId: ID!) {
  hotelOrder(orderId: $orderId) {
    order { id total }
    user { name }
    hotel { name stars }
    room { type floor }
  }
}
`,
  };
  return { ...input, sources: [...input.sources, source], composites: [...input.composites, composite] };
}
