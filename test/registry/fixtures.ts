import { readFileSync } from 'node:fs';
import { loadSchemaFolder } from '../../src/schema/index.js';

/** The demo schema folder's texts. */
export const demoSchema = () => loadSchemaFolder('schema');

export const demoSource = (name: string) => readFileSync(`schema/sources/${name}.graphql`, 'utf8');

/** A second composite over the demo sources: an order, then its user and hotel in parallel. */
export const HOTEL_ORDER = `# An order with who booked it and where.
query hotelOrder($orderId: ID!, $userId: ID @internal, $hotelId: ID @internal) {
  order(id: $orderId) {
    id
    total
    userId @export(as: "userId")
    hotelId @export(as: "hotelId")
  }
  user(id: $userId) { name age }
  hotel(id: $hotelId) { name stars }
}
`;

export const CUSTOMER_STATEMENT = readFileSync('schema/composites/customerStatement.graphql', 'utf8');
