import { readFileSync } from 'node:fs';
import { loadSchemaFolder, type SchemaInput } from '../../src/schema/index.js';

/**
 * The registry tests' schema folder: four REST sources the demo upstreams answer
 * (bank, hotels, orders, users) and the customerStatement composite. A copy, so the
 * tests do not move when the demo's own schema/ grows.
 */
export const TEST_SCHEMA = 'test/registry/schema';

export const testSchema = (): SchemaInput => loadSchemaFolder(TEST_SCHEMA);

export const demoSource = (name: string) => readFileSync(`${TEST_SCHEMA}/sources/${name}.graphql`, 'utf8');

export const CUSTOMER_STATEMENT = readFileSync(`${TEST_SCHEMA}/composites/customerStatement.graphql`, 'utf8');

/** A composite the tests add: an order, then its user and hotel in parallel. */
export const ORDER_SUMMARY = `# An order with who booked it and where.
query orderSummary($orderId: ID!, $userId: ID @internal, $hotelId: ID @internal) {
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
