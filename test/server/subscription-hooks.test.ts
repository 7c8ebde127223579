import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRateLimit } from '../../src/composite/index.js';
import { startGateway, type RunningGateway } from '../../src/server/index.js';
import { graphOfSchema } from '../helpers/gateway.js';
import { captureLog } from '../helpers/log-capture.js';
import { subscribeOverSse, subscribeOverWebSocket, type SubscriptionReader } from '../helpers/subscription-clients.js';

// A subscription is executed by graphql-js's subscribe, not through the execute hooks: the
// pipeline's behaviours must hold it as they hold a query. Error masking looks at each
// event as it leaves; the rate limit counts the subscription, and the budget charges its
// cost, as it subscribes.

const LEAK = 'failed calling https://svc:pa55word-xyz@db.internal/x with Bearer tok-0123456789';
const schema = makeExecutableSchema({
  typeDefs: 'type Query { ok: Boolean } type Tick { n: Int next: Tick } type Subscription { ticks: Int tickObjects(first: Int): [Tick] }',
  resolvers: {
    Subscription: {
      ticks: {
        subscribe: async function* () {
          yield 1;
          yield 2;
        },
        resolve: (tick: number) => {
          if (tick === 2) throw new TypeError(LEAK);
          return tick;
        },
      },
    },
  },
});

const open: Array<RunningGateway | SubscriptionReader> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

describe('subscriptions through the pipeline', () => {
  it('masks an unexpected error in an event, over SSE and graphql-ws, and logs it with the request id', async () => {
    const log = captureLog();
    const gateway = await startGateway({ graph: graphOfSchema(schema), port: 0, host: '127.0.0.1', logger: log.logger });
    open.push(gateway);
    for (const subscribe of [subscribeOverSse, subscribeOverWebSocket]) {
      const reader = await subscribe(gateway.url, 'subscription { ticks }');
      open.push(reader);
      expect(await reader.next()).toMatchObject({ data: { ticks: 1 } });
      const second = await reader.next();
      expect(second.data).toEqual({ ticks: null });
      expect(second.errors?.[0]).toMatchObject({ message: expect.stringMatching(/^Unexpected error/), extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(second)).not.toMatch(/pa55word|tok-0123456789|db\.internal/);
    }
    const logged = log.entries().filter((entry) => entry.level === 'error');
    expect(logged).toHaveLength(2);
    expect(logged[0].request_id).toEqual(expect.any(String));
  });

  it('counts a subscription against the rate limit as it subscribes: over the limit, refused with RATE_LIMITED (429 over SSE)', async () => {
    const gateway = await startGateway({ graph: graphOfSchema(schema), port: 0, host: '127.0.0.1', logger: captureLog().logger, settings: { rateLimit: parseRateLimit('1/h', 'test') } });
    open.push(gateway);
    const first = await subscribeOverSse(gateway.url, 'subscription { ticks }');
    open.push(first);
    expect(first.status).toBe(200);
    expect(await first.next()).toMatchObject({ data: { ticks: 1 } });

    const overSse = await subscribeOverSse(gateway.url, 'subscription { ticks }');
    open.push(overSse);
    expect(overSse.status).toBe(429);
    const overSocket = await subscribeOverWebSocket(gateway.url, 'subscription { ticks }');
    open.push(overSocket);
    expect(JSON.stringify(await overSocket.next())).toMatch(/RATE_LIMITED/);
  });

  it('charges a subscription\'s cost as it subscribes: over the limit, refused with QUERY_TOO_COSTLY before it subscribes', async () => {
    const gateway = await startGateway({ graph: graphOfSchema(schema), port: 0, host: '127.0.0.1', logger: captureLog().logger, settings: { maxCost: 100 } });
    open.push(gateway);
    // Each event a thousand objects, each with an object inside (1 apiece): over the limit of 100.
    const costly = 'subscription { tickObjects(first: 1000) { next { n } } }';
    const overSse = await subscribeOverSse(gateway.url, costly);
    open.push(overSse);
    const overSocket = await subscribeOverWebSocket(gateway.url, costly);
    open.push(overSocket);
    const refused = [JSON.stringify(await overSse.next().catch(() => undefined)) + String(overSse.status), JSON.stringify(await overSocket.next())];
    for (const text of refused) expect(text).toMatch(/QUERY_TOO_COSTLY/);
  });
});
