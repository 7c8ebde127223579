import { hotel, order, ORDER_COUNT, statement, user, verification, type User } from './data.js';
import { startJsonServer, type JsonRoute, type RunningServer } from './json-server.js';

/** The demo's REST services, each its own upstream as it would be in an organisation. */
export const restServices: Record<string, readonly JsonRoute[]> = {
  orders: [
    {
      method: 'GET',
      pattern: /^\/orders\/([^/]+)$/,
      handle: ({ params }) => found(order(Number(params[0])), `order ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/orders$/,
      handle: ({ url }) => {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), ORDER_COUNT);
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const orders = [];
        for (let n = offset + 1; n <= Math.min(offset + limit, ORDER_COUNT); n++) orders.push(order(n));
        return { body: orders };
      },
    },
  ],
  users: [
    {
      method: 'GET',
      pattern: /^\/users\/([^/]+)$/,
      handle: ({ params }) => found(user(Number(params[0])), `user ${params[0]}`),
    },
    {
      // The batch form: GET /users?ids=1,2,3. Answers in its own order (by id,
      // descending) and leaves unknown ids out, as real batch endpoints do.
      method: 'GET',
      pattern: /^\/users$/,
      handle: ({ url }) => {
        const ids = url.searchParams.getAll('ids').flatMap((value) => value.split(','));
        const users = ids.map((id) => user(Number(id))).filter((u): u is User => u !== undefined);
        return { body: users.sort((a, b) => Number(b.id) - Number(a.id)) };
      },
    },
  ],
  hotels: [
    {
      method: 'GET',
      pattern: /^\/hotels\/([^/]+)$/,
      handle: ({ params }) => found(hotel(Number(params[0])), `hotel ${params[0]}`),
    },
  ],
  bank: [
    {
      method: 'GET',
      pattern: /^\/customers\/([^/]+)\/verification$/,
      handle: ({ params }) => found(verification(Number(params[0])), `customer ${params[0]}`),
    },
    {
      method: 'GET',
      pattern: /^\/customers\/([^/]+)\/statement$/,
      handle: ({ params }) => found(statement(Number(params[0])), `customer ${params[0]}`),
    },
    {
      // Composes a warning for a customer; nothing is stored.
      method: 'GET',
      pattern: /^\/customers\/([^/]+)\/warning$/,
      handle: ({ params, url }) => ({
        body: {
          customerId: params[0],
          level: 'HIGH',
          message: `Customer ${params[0]}: ${url.searchParams.get('reason') ?? 'review needed'}. Statement withheld.`,
        },
      }),
    },
  ],
};

export async function startRestServices(delayMs: () => number): Promise<Record<string, RunningServer>> {
  const entries = await Promise.all(
    Object.entries(restServices).map(async ([name, routes]) => [name, await startJsonServer(routes, delayMs)] as const),
  );
  return Object.fromEntries(entries);
}

function found<T>(value: T | undefined, what: string) {
  return value === undefined ? { status: 404, body: { error: `${what} not found` } } : { body: value };
}
