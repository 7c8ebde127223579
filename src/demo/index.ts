import { startRestServices } from './rest-services.js';
export { DEMO_GRAPHIQL_EXAMPLE } from './graphiql-example.js';
export { DEMO_SUBJECTS, withDemoEvents } from './events.js';
import { startSoapServices } from './soap-services.js';

export interface DemoUpstreams {
  /** Base URL of each demo source, by source name, to override the schema's URLs. */
  readonly urls: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** Milliseconds added to every upstream answer; defaults to SKEIN_DEMO_DELAY_MS. */
  readonly delayMs?: number;
}

/**
 * Starts the demo's upstream services in this process, on free loopback ports, so
 * `npm start` needs nothing else installed.
 */
export async function startDemoUpstreams(options: DemoOptions = {}): Promise<DemoUpstreams> {
  const delay = options.delayMs ?? Number(process.env.SKEIN_DEMO_DELAY_MS ?? 0);
  if (!Number.isFinite(delay) || delay < 0) {
    throw new Error(`SKEIN_DEMO_DELAY_MS must be a number of milliseconds, not "${process.env.SKEIN_DEMO_DELAY_MS}"`);
  }
  const [rest, soap] = await Promise.all([startRestServices(() => delay), startSoapServices(() => delay)]);
  const servers = { ...rest, ...soap };
  return {
    urls: Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, server.url])),
    close: async () => {
      await Promise.all(Object.values(servers).map((server) => server.close()));
    },
  };
}
