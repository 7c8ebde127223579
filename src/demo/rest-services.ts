import { hotel, order, ORDER_COUNT, user, type User } from './data.js';
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
