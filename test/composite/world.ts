import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { startTestGateway, type Door, type TestGateway } from '../helpers/gateway.js';

/**
 * A small world of REST upstreams for composite tests: orders, users (with and without a
 * batch form), hotels, rooms, payroll and a bank, every answer delayed by `delayMs`.
 */
export interface World {
  readonly upstream: RecordingUpstream;
  readonly gateway: TestGateway;
  /** Requests the upstream received whose path starts with `prefix`. */
  calls(prefix: string): number;
  close(): Promise<void>;
}

export const WORLD_SDL = (url: string, options: { batch?: number } = {}) => /* GraphQL */ `
extend schema @source(name: "world", kind: REST, url: "${url}", timeoutMs: 5000)

type Order {
  id: ID!
  userId: ID
  hotelId: ID
  roomId: ID
  total: Float
  user: User @join(query: "user(id: $userId)")
  hotel: Hotel @join(query: "hotel(id: $hotelId)")
}
type User { id: ID! name: String age: Int }
type Hotel { id: ID! name: String stars: Int }
type Room { roomId: ID! type: String floor: Int hasWindow: Boolean }
type Amount { amount: Float! }
type Verification { status: String! }
type Statement { iban: String! }
type Warning { message: String! }
type Receipt { id: ID! step: Int }

type Query {
  order(id: ID!): Order @rest(source: "world", path: "/orders/{id}")
  orders(limit: Int!): [Order!]! @rest(source: "world", path: "/orders", query: [{ name: "limit", value: "{limit}" }])
  user(id: ID!): User @rest(source: "world", path: "/users/{id}")
    ${options.batch ? `@batch(query: "users(ids: $id)", key: "id", maxBatchSize: ${options.batch})` : ''}
  users(ids: [ID!]!): [User!]! @rest(source: "world", path: "/users", query: [{ name: "ids", value: "{ids}", explode: false }])
  hotel(id: ID!): Hotel @rest(source: "world", path: "/hotels/{id}")
  room(roomId: ID!): Room @rest(source: "world", path: "/rooms/{roomId}")
  gross(employeeId: ID!): Amount @rest(source: "world", path: "/payroll/{employeeId}/gross")
  insurance(gross: Float!): Amount @rest(source: "world", path: "/payroll/insurance", query: [{ name: "gross", value: "{gross}" }])
  net(gross: Float!, insurance: Float!): Amount
    @rest(source: "world", path: "/payroll/net", query: [{ name: "gross", value: "{gross}" }, { name: "insurance", value: "{insurance}" }])
  verification(customerId: ID!): Verification @rest(source: "world", path: "/bank/{customerId}/verification")
  statement(customerId: ID!): Statement @rest(source: "world", path: "/bank/{customerId}/statement")
  warning(customerId: ID!): Warning @rest(source: "world", path: "/bank/{customerId}/warning")
}

type Mutation {
  record(step: Int!, after: ID): Receipt @rest(source: "world", method: POST, path: "/journal", query: [{ name: "step", value: "{step}" }, { name: "after", value: "{after}" }])
}
`;

export const HOTEL_ORDER = /* GraphQL */ `
query hotelOrder($orderId: ID!, $userId: ID @internal, $hotelId: ID @internal, $roomId: ID @internal) {
  order(id: $orderId) {
    id
    userId @export(as: "userId")
    hotelId @export(as: "hotelId")
    roomId @export(as: "roomId")
  }
  user(id: $userId) { name age }
  hotel(id: $hotelId) { name stars }
  room(roomId: $roomId) { type floor hasWindow }
}
`;

export const SALARY = /* GraphQL */ `
query salary($employeeId: ID!, $gross: Float @internal, $insurance: Float @internal) {
  gross(employeeId: $employeeId) { amount @export(as: "gross") }
  insurance(gross: $gross) { amount @export(as: "insurance") }
  net(gross: $gross, insurance: $insurance) { amount }
}
`;

export const STATEMENT = /* GraphQL */ `
query customerStatement($customerId: ID!, $verified: Boolean! @internal) {
  verification(customerId: $customerId) { status @export(as: "verified", equals: "PASSED") }
  statement(customerId: $customerId) @include(if: $verified) { iban }
  warning(customerId: $customerId) @skip(if: $verified) { message }
}
`;

const user = (id: string) => ({ id, name: `User ${id}`, age: 20 + Number(id) });

export async function startWorld(
  options: {
    delayMs?: number;
    /** Declare users(ids:) as the batch form of user(id:), with this maxBatchSize. */
    batch?: number;
    composites?: Record<string, string>;
    /** Names of endpoints that answer 500 (order, user, hotel, room, …). */
    failing?: string[];
    /** Replaces an endpoint's answer. */
    answers?: Record<string, unknown>;
    /**
     * These endpoints answer only once `inFlight` requests are in flight at once (or 2 s
     * have passed): calls made in parallel meet, and `upstream.maxInFlight()` proves it.
     */
    meet?: { endpoints: readonly string[]; inFlight: number };
    /** The door of /graphql the gateway serves through. */
    via?: Door;
  } = {},
): Promise<World> {
  const delayMs = options.delayMs ?? 0;
  const failing = new Set(options.failing ?? []);
  const upstream = await startRecordingUpstream();
  const answers = options.answers ?? {};
  const meet = options.meet;
  const reply = (body: unknown, name: string) => {
    const holdUntil = meet?.endpoints.includes(name) ? upstream.inFlightReaches(meet.inFlight) : undefined;
    return failing.has(name)
      ? { status: 500, body: `${name} is down`, delayMs, holdUntil }
      : { json: name in answers ? answers[name] : body, delayMs, holdUntil };
  };
  upstream.on('GET /orders/*', (r) => {
    const n = Number(r.path.split('/')[2]);
    return reply({ id: String(n), userId: String((n % 10) + 1), hotelId: String((n % 3) + 1), roomId: String(10 * n + 1), total: n * 10 }, 'order');
  });
  // Order i belongs to user (i mod 10) + 1, except that every 25th belongs to user 99, whom the batch endpoint does not know.
  upstream.on('GET /orders', (r) => {
    const limit = Number(r.query.get('limit'));
    return reply(
      Array.from({ length: limit }, (_, i) => ({ id: String(i + 1), userId: (i + 1) % 25 === 0 ? '99' : String((i % 10) + 1) })),
      'orders',
    );
  });
  upstream.on('GET /users/*', (r) => reply(user(r.path.split('/')[2]), 'user'));
  // The batch endpoint answers in reverse order and leaves out ids above 10.
  upstream.on('GET /users', (r) =>
    reply((r.query.get('ids') ?? '').split(',').filter((id) => Number(id) <= 10).reverse().map(user), 'users'),
  );
  upstream.on('GET /hotels/*', (r) => reply({ id: r.path.split('/')[2], name: `Hotel ${r.path.split('/')[2]}`, stars: 4 }, 'hotel'));
  upstream.on('GET /rooms/*', (r) => reply({ roomId: r.path.split('/')[2], type: 'SUITE', floor: 3, hasWindow: true }, 'room'));
  upstream.on('GET /payroll/*/gross', () => reply({ amount: 5000 }, 'gross'));
  upstream.on('GET /payroll/insurance', (r) => reply({ amount: Number(r.query.get('gross')) * 0.11 }, 'insurance'));
  upstream.on('GET /payroll/net', (r) => reply({ amount: Number(r.query.get('gross')) - Number(r.query.get('insurance')) }, 'net'));
  upstream.on('GET /bank/*/verification', (r) => reply({ status: r.path.split('/')[2] === '3' ? 'FAILED' : 'PASSED' }, 'verification'));
  upstream.on('GET /bank/*/statement', () => reply({ iban: 'PT50 0002' }, 'statement'));
  upstream.on('GET /bank/*/warning', () => reply({ message: 'identity not verified' }, 'warning'));
  upstream.on('POST /journal', (r) => reply({ id: `r${r.query.get('step')}`, step: Number(r.query.get('step')) }, 'record'));

  const gateway = await startTestGateway({
    sources: { 'world.graphql': WORLD_SDL(upstream.url, { batch: options.batch }) },
    composites: options.composites ?? {},
  }, {}, { via: options.via });
  return {
    upstream,
    gateway,
    calls: (prefix) => upstream.received.filter((r) => r.path.startsWith(prefix)).length,
    close: async () => {
      await gateway.close();
      await upstream.close();
    },
  };
}
