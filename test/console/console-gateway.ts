import { DEMO_GRAPHIQL_EXAMPLE, startDemoUpstreams } from '../../src/demo/index.js';
import { loadSchemaFolder } from '../../src/schema/index.js';
import { AdminTokens, startRegistryGateway, type RunningRegistryGateway } from '../../src/server/index.js';
import { createDataDir } from '../registry/stores.js';

export const ALICE_TOKEN = 'alice-console-secret';

export interface ConsoleGateway {
  readonly gateway: RunningRegistryGateway;
  readonly origin: string;
  /** An admin API request as alice (the CLI's way in), to check what the console did. */
  admin<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A gateway as `skein serve --demo` runs it, but with tokens: the demo's schema folder
 * (hotelOrder, salary, customerStatement over REST and SOAP) in a fresh embedded registry,
 * calling the demo upstreams, on a free loopback port.
 */
export async function startConsoleGateway(options: { dev?: boolean } = {}): Promise<ConsoleGateway> {
  const demo = await startDemoUpstreams({ delayMs: 0 });
  const data = createDataDir();
  const gateway = await startRegistryGateway({
    dataDir: data.dir,
    seed: loadSchemaFolder('schema'),
    tokens: options.dev ? undefined : AdminTokens.parse(`alice:${ALICE_TOKEN}`),
    dev: options.dev,
    port: 0,
    host: '127.0.0.1',
    graphs: { urls: demo.urls },
    // GraphiQL's first tab as --demo has it.
    settings: { graphiqlExample: DEMO_GRAPHIQL_EXAMPLE },
    warn: () => {},
  });
  const origin = new URL(gateway.url).origin;
  return {
    gateway,
    origin,
    async admin(query, variables) {
      const response = await fetch(`${origin}/admin/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ALICE_TOKEN}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
      return body.data;
    },
    async close() {
      await gateway.close();
      await demo.close();
      data.remove();
    },
  };
}
