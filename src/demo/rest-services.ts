import { hotel, order, ORDER_COUNT, statement, user, USER_COUNT, userUpdatedAt, verification, type User } from './data.js';
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
      // What changed since a time, oldest first, paged: GET /user-changes?since=&offset=&limit= (what a sync job reads).
      method: 'GET',
      pattern: /^\/user-changes$/,
      handle: ({ url }) => {
        const since = url.searchParams.get('since') ?? '';
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 100);
        const changes = [];
        for (let n = 1; n <= USER_COUNT; n++) if (userUpdatedAt(n) > since) changes.push({ ...user(n)!, updatedAt: userUpdatedAt(n) });
        return { body: changes.slice(offset, offset + limit) };
      },
    },
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

/**
 * A small CRM, the target of the demo's sync job: contacts by id, `PUT /contacts/{id}`
 * creates or replaces one (an `Idempotency-Key` seen before answers without applying
 * again), `GET /contacts` lists them. Each demo start has its own, empty.
 */
export function crmRoutes(): JsonRoute[] {
  const contacts = new Map<string, Record<string, unknown>>();
  const keys = new Set<string>();
  return [
    {
      method: 'PUT',
      pattern: /^\/contacts\/([^/]+)$/,
      handle: ({ params, body, headers }) => {
        const key = headers['idempotency-key'];
        if (typeof key === 'string' && keys.has(key)) return { body: contacts.get(params[0]) };
        if (typeof body !== 'object' || body === null || typeof (body as { fullName?: unknown }).fullName !== 'string') {
          return { status: 422, body: { error: `contact ${params[0]} needs a fullName` } };
        }
        if (typeof key === 'string') keys.add(key);
        const contact = { ...(body as Record<string, unknown>), id: params[0], syncedAt: new Date().toISOString() };
        contacts.set(params[0], contact);
        return { body: contact };
      },
    },
    { method: 'GET', pattern: /^\/contacts\/([^/]+)$/, handle: ({ params }) => found(contacts.get(params[0]), `contact ${params[0]}`) },
    { method: 'GET', pattern: /^\/contacts$/, handle: () => ({ body: [...contacts.values()] }) },
  ];
}

export async function startRestServices(delayMs: () => number): Promise<Record<string, RunningServer>> {
  const services: Record<string, readonly JsonRoute[]> = { ...restServices, crm: crmRoutes() };
  const entries = await Promise.all(
    Object.entries(services).map(async ([name, routes]) => [name, await startJsonServer(routes, delayMs)] as const),
  );
  return Object.fromEntries(entries);
}

function found<T>(value: T | undefined, what: string) {
  return value === undefined ? { status: 404, body: { error: `${what} not found` } } : { body: value };
}
