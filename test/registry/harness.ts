import { startDemoUpstreams, type DemoUpstreams } from '../../src/demo/index.js';
import type { RegistryLimits } from '../../src/registry/index.js';
import { AdminTokens, startRegistryGateway, type GatewaySettings, type RunningRegistryGateway } from '../../src/server/index.js';
import { testSchema } from './fixtures.js';
import { createDataDir, createTestDatabase, type StoreKind, type TestDatabase } from './stores.js';
import type { Logger } from '../../src/observe/index.js';

export const TOKENS = 'alice:alice-secret-1,ci:ci-secret-22';
export const ALICE = 'alice-secret-1';
export const CI = 'ci-secret-22';

export interface Answer<T = any> {
  status: number;
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, any> }[];
}

export interface TestRegistryGateway {
  readonly gateway: RunningRegistryGateway;
  /** The PostgreSQL database, on the postgres store. */
  readonly database: TestDatabase | undefined;
  readonly origin: string;
  /** A request to the admin API, with a bearer token unless `token` is null. */
  admin<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<Answer<T>>;
  /** A request to the public GraphQL API. */
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<Answer<T>>;
  close(): Promise<void>;
}

/**
 * A gateway over a fresh registry of the given kind, seeded with the demo schema and
 * calling the demo upstreams, on a free loopback port.
 */
export async function startTestRegistryGateway(
  kind: StoreKind,
  options: { tokens?: string; seed?: boolean; limits?: Partial<RegistryLimits>; logger?: Logger; settings?: Partial<GatewaySettings> } = {},
): Promise<TestRegistryGateway> {
  const demo: DemoUpstreams = await startDemoUpstreams({ delayMs: 0 });
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const data = kind === 'embedded' ? createDataDir() : undefined;
  let gateway: RunningRegistryGateway;
  try {
    gateway = await startRegistryGateway({
      databaseUrl: database?.url,
      dataDir: data?.dir,
      seed: options.seed === false ? undefined : testSchema(),
      tokens: AdminTokens.parse(options.tokens ?? TOKENS),
      port: 0,
      host: '127.0.0.1',
      graphs: { urls: demo.urls },
      limits: options.limits,
      settings: options.settings,
      logger: options.logger,
      warn: () => {},
    });
  } catch (error) {
    await demo.close();
    await database?.drop();
    data?.remove();
    throw error;
  }
  const origin = new URL(gateway.url).origin;
  const post = async (path: string, body: unknown, headers: Record<string, string>) => {
    const response = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, ...(await response.json()) };
  };
  return {
    gateway,
    database,
    origin,
    admin: (query, variables, token = ALICE) =>
      post('/admin/graphql', { query, variables }, token === null ? {} : { authorization: `Bearer ${token}` }),
    graphql: (query, variables) => post('/graphql', { query, variables }, {}),
    async close() {
      await gateway.close();
      await demo.close();
      await database?.drop();
      data?.remove();
    },
  };
}
