import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { DemoUpstreams } from '../../demo/index.js';
import type { AppliedItem } from '../../registry/index.js';
import type { Graph } from '../../graph/index.js';
import type { NumericSetting, RunningGateway } from '../../server/index.js';
import { count } from '../format.js';
import { reportFailure } from '../report.js';

/**
 * The registry's DEFAULT_DATA_DIR, written out for --help, which should not load the
 * registry (a test checks that the two agree).
 */
const DATA_DIR_HELP = '.skein/data';

interface ServeOptions extends Partial<Record<Exclude<NumericSetting, 'shutdownTimeoutMs' | 'requestTimeoutMs'>, string>> {
  shutdownTimeout?: string;
  requestTimeout?: string;
  schema: string;
  demo?: boolean;
  dev?: boolean;
  data?: string;
  port: string;
  host?: string;
  persistedOperations?: string;
  corsOrigins?: string;
  rateLimit?: string;
  cache?: boolean;
  csrf?: boolean;
  exposeUpstreamErrors?: boolean;
  jwtJwksUrl?: string;
  jwtSecret?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  logLevel?: string;
  registry: boolean;
  maxSourceBytes?: string;
  maxSourceFields?: string;
  maxCompositeSteps?: string;
  checkMemoryMb?: string;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the registry as one GraphQL endpoint (GraphiQL at /graphql), composites as REST under /api, the admin API at /admin/graphql.',
    )
    .option('-s, --schema <dir>', 'schema folder to seed the registry from (what it does not have yet, by name)', 'schema')
    .option('--demo', "also start the demo's upstream services in-process and point the schema at them (implies --dev)")
    .option('--dev', 'without SKEIN_ADMIN_TOKEN, run the admin API unprotected (local use only)')
    .option('--data <dir>', `the embedded registry's folder (env SKEIN_DATA_DIR; default ${DATA_DIR_HELP}); DATABASE_URL selects PostgreSQL instead`)
    .option('--no-registry', 'serve the schema folder as it is, with no registry and no admin API: for immutable deployments')
    .option('-p, --port <port>', 'port to listen on (env PORT)', process.env.PORT ?? '4000')
    .option('--host <host>', 'interface to listen on (env HOST); all interfaces by default, 127.0.0.1 with --dev or --demo', process.env.HOST)
    .option('--max-depth <n>', 'deepest query nesting (env SKEIN_MAX_DEPTH; default 15)')
    .option('--max-aliases <n>', 'aliases per operation (env SKEIN_MAX_ALIASES; default 30)')
    .option('--max-directives <n>', 'directives per operation (env SKEIN_MAX_DIRECTIVES; default 50)')
    .option('--max-tokens <n>', 'tokens per document (env SKEIN_MAX_TOKENS; default 5000)')
    .option('--max-nesting <n>', 'brackets and braces open at once in a document (env SKEIN_MAX_NESTING; default 64)')
    .option('--max-cost <n>', 'estimated cost per request, a batch as a whole (env SKEIN_MAX_COST; default 5000)')
    .option('--default-list-size <n>', 'items a list is assumed to hold, for the cost, when nothing says (env SKEIN_DEFAULT_LIST_SIZE; default 10)')
    .option('--max-upstream-calls <n>', 'upstream calls one request may start (env SKEIN_MAX_UPSTREAM_CALLS; default 500)')
    .option('--max-response-bytes <n>', 'bytes of an answer, and of the upstream answers one request may read (env SKEIN_MAX_RESPONSE_BYTES; default 10485760)')
    .option('--request-timeout <ms>', 'how long one request may run (env SKEIN_REQUEST_TIMEOUT_MS; default 30000)')
    .option('--max-body-bytes <n>', 'largest request body at /graphql and /api (env SKEIN_MAX_BODY_BYTES; default 1048576)')
    .option('--max-admin-body-bytes <n>', 'largest request body at /admin/graphql (env SKEIN_MAX_ADMIN_BODY_BYTES; default 33554432)')
    .option('--max-batch <n>', 'operations per batched request, 0 for no batching (env SKEIN_MAX_BATCH; default 10)')
    .option('--persisted-operations <file>', 'serve only the operations of this JSON manifest, id → document (env SKEIN_PERSISTED_OPERATIONS)')
    .option('--cors-origins <list>', 'origins allowed to call from a browser, comma-separated, or * (env SKEIN_CORS_ORIGINS; default: same origin only)')
    .option('--rate-limit <n/unit>', 'requests per client per s, m or h, e.g. 100/s (env SKEIN_RATE_LIMIT; counters in Redis with REDIS_URL; default: none)')
    .option('--cache', 'cache answers and upstream calls as their @cacheControl hints allow (env SKEIN_CACHE=on; in Redis with REDIS_URL; default: off)')
    .option('--cache-max-bytes <n>', 'bytes the in-memory cache may hold (env SKEIN_CACHE_MAX_BYTES; default 67108864)')
    .option('--cache-max-entry-bytes <n>', 'bytes of one cached answer; larger ones are not kept (env SKEIN_CACHE_MAX_ENTRY_BYTES; default 1048576)')
    .option('--no-csrf', 'accept browser requests without a CSRF header (env SKEIN_CSRF=off)')
    .option('--jwt-jwks-url <url>', 'verify Authorization: Bearer tokens with the keys published here (env SKEIN_JWT_JWKS_URL)')
    .option('--jwt-secret <secret>', 'verify HS256 bearer tokens with this secret, 32 bytes or more (env SKEIN_JWT_SECRET; prefer the variable)')
    .option('--jwt-issuer <iss>', 'the issuer (iss) a token must carry (env SKEIN_JWT_ISSUER)')
    .option('--jwt-audience <aud>', 'an audience (aud) a token must carry (env SKEIN_JWT_AUDIENCE)')
    .option('--max-source-bytes <n>', "bytes of one registered source, SDL and attachments (env SKEIN_MAX_SOURCE_BYTES; default 16777216)")
    .option('--max-source-fields <n>', 'fields of one registered source (env SKEIN_MAX_SOURCE_FIELDS; default 150000)')
    .option('--max-composite-steps <n>', 'steps of one composite (env SKEIN_MAX_COMPOSITE_STEPS; default 200)')
    .option('--check-memory-mb <n>', 'heap of the thread that checks admin changes, in MiB (env SKEIN_CHECK_MEMORY_MB; default 2048)')
    .option('--expose-upstream-errors', "show clients upstream body excerpts, SOAP Fault detail and why a source is unavailable (env SKEIN_EXPOSE_UPSTREAM_ERRORS=on; on with --dev)")
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent; logs are JSON lines on standard error (env SKEIN_LOG_LEVEL; default info)')
    .option('--shutdown-timeout <ms>', 'on SIGTERM, how long to wait for requests in flight (env SKEIN_SHUTDOWN_TIMEOUT_MS; default 10000)')
    .addHelpText(
      'after',
      `
Environment:
  SKEIN_ADMIN_TOKEN  admin tokens: one token, or name:token pairs ("alice:…,ci:…") so the audit trail names who acted
  DATABASE_URL       PostgreSQL URL; gateways sharing it serve the same registry and reload together
  SKEIN_DATA_DIR     the embedded registry's folder (default ${DATA_DIR_HELP})
  SKEIN_ALLOWED_HOSTS  with --dev or --demo: host names besides localhost, 127.0.0.1 and [::1] requests may be addressed to, or *
  SKEIN_ENV_ALLOW    variables {env.X} templates may name besides SKEIN_SOURCE_* (names, PREFIX_* patterns; never the gateway's own secrets)
  and SKEIN_MAX_*, SKEIN_PERSISTED_OPERATIONS, SKEIN_CORS_ORIGINS, SKEIN_CSRF, SKEIN_EXPOSE_UPSTREAM_ERRORS, SKEIN_JWT_*, SKEIN_SHUTDOWN_TIMEOUT_MS as above

Health: GET /healthz (alive), GET /readyz (schema loaded, store reachable, not stopping), GET /metrics (Prometheus).
SIGTERM or SIGINT: stop accepting, finish requests in flight within the shutdown timeout, close upstream pools and the store, exit 0.`,
    )
    .action(async (options: ServeOptions, command: Command) => {
      let demo: DemoUpstreams | undefined;
      try {
        const { DEFAULT_DATA_DIR, redactUrl } = await import('../../registry/index.js');
        const { loadSchemaFolder } = await import('../../schema/index.js');
        const { buildGraph } = await import('../../graph/index.js');
        const { registryLimitsFromEnvironment } = await import('../../registry/index.js');
        const { AdminTokens, LOCAL_HOSTS, exposeUpstreamErrors, jwtSettingsFromEnvironment, readPersistedOperations, settingsFromEnvironment, startGateway, startRegistryGateway } = await import('../../server/index.js');
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${options.port}"`);
        const tokens = AdminTokens.parse(process.env.SKEIN_ADMIN_TOKEN);
        const dev = options.dev === true || options.demo === true;
        if (!tokens && !dev && options.registry) {
          throw new Error(
            'the admin API needs SKEIN_ADMIN_TOKEN (one token, or name:token pairs separated by commas); pass --dev to run it unprotected on your own machine',
          );
        }
        // A local gateway (its admin API may be open) listens on loopback only, and answers
        // only to local names, so a web page cannot reach it by DNS rebinding.
        const host = options.host || (dev ? '127.0.0.1' : undefined);
        const allowedHosts = dev ? localHostsWith(process.env.SKEIN_ALLOWED_HOSTS, LOCAL_HOSTS) : undefined;
        const limits = registryLimitsFromEnvironment(options);
        const explicitSchema = command.getOptionValueSource('schema') === 'cli';
        // The demo's upstreams (a SOAP server among them) are loaded only when asked for.
        const demoModule = options.demo ? await import('../../demo/index.js') : undefined;
        // The demo's event example runs hotelOrder: it joins the demo's own schema, not a folder given with --schema.
        const folder = (dir: string) => (demoModule && !explicitSchema ? demoModule.withDemoEvents(loadSchemaFolder(dir)) : loadSchemaFolder(dir));
        const seed = explicitSchema || existsSync(options.schema) ? folder(options.schema) : undefined;
        const databaseUrl = process.env.DATABASE_URL || undefined;
        const dataDir = options.data ?? process.env.SKEIN_DATA_DIR ?? DEFAULT_DATA_DIR;
        const persistedFile = options.persistedOperations ?? (process.env.SKEIN_PERSISTED_OPERATIONS || undefined);
        const { createLogger, logLevelFrom, tracingSettingsFromEnvironment } = await import('../../observe/index.js');
        const logger = createLogger({ level: logLevelFrom(options.logLevel) });
        const settings = {
          ...settingsFromEnvironment({ ...options, shutdownTimeoutMs: options.shutdownTimeout, requestTimeoutMs: options.requestTimeout, csrf: options.csrf }),
          persistedOperations: persistedFile ? readPersistedOperations(persistedFile) : undefined,
          jwt: jwtSettingsFromEnvironment(options),
          // The standard OTEL_* variables; off without an OTLP endpoint.
          tracing: tracingSettingsFromEnvironment(),
          graphiqlExample: demoModule?.DEMO_GRAPHIQL_EXAMPLE,
          // On a developer's machine the catalog may show where sources live (never their credentials).
          showSourceUrls: dev,
        };
        demo = await demoModule?.startDemoUpstreams();
        const graphOptions = {
          urls: demo?.urls,
          onSourceError: 'degrade',
          warn: (message: string) => logger.warn(message),
          info: (message: string) => logger.info(message),
          exposeUpstreamErrors: exposeUpstreamErrors(options.exposeUpstreamErrors, dev),
        } as const;
        let gateway: RunningGateway;
        if (options.registry) {
          const served = await startRegistryGateway({
            databaseUrl,
            dataDir,
            seed,
            tokens,
            dev,
            port,
            host,
            allowedHosts,
            limits,
            graphs: graphOptions,
            warn: (message) => logger.warn(message),
            settings,
            sync: (await import('../../sync/index.js')).syncSettingsFromEnvironment(),
            logger,
          });
          const store = databaseUrl ? `PostgreSQL ${redactUrl(databaseUrl)}` : `embedded registry in ${dataDir}`;
          console.log(`Skein is serving the ${store} at ${served.url}`);
          console.log(`  open it in a browser for GraphiQL`);
          console.log(`  admin API ${served.adminUrl}  (${tokens ? `tokens: ${tokens.names.join(', ')}` : 'unprotected: --dev'})`);
          console.log(`  console   ${new URL('/console', served.url).href}  (${tokens ? 'sign in with an admin token' : 'open: --dev'})`);
          if (seed) console.log(`  seeded from ${options.schema}/: ${seedSummary(served.seeded)}`);
          if (served.seededSync.length) console.log(`  sync jobs added: ${served.seededSync.join(', ')} (skein sync list)`);
          printGraph(served.served.current(), served.apiUrl, served.mcpUrl);
          gateway = served;
        } else {
          // Immutable deployments: the folder is the whole truth, built once, never changed at run time.
          const graph = await buildGraph(folder(options.schema), graphOptions);
          gateway = await startGateway({ graph, port, host, allowedHosts, settings, logger });
          console.log(`Skein is serving ${options.schema}/ (no registry) at ${gateway.url}`);
          console.log(`  open it in a browser for GraphiQL`);
          printGraph(graph, gateway.apiUrl, gateway.mcpUrl);
        }
        if (demo) console.log(`  demo upstreams answer after ${process.env.SKEIN_DEMO_DELAY_MS ?? 0} ms (SKEIN_DEMO_DELAY_MS)`);
        let stopping = false;
        const stop = async (signal: NodeJS.Signals) => {
          if (stopping) {
            console.error(`skein: ${signal} again; exiting now`);
            process.exit(1);
          }
          stopping = true;
          console.log(`skein: ${signal}: not accepting new requests; waiting up to ${settings.shutdownTimeoutMs} ms for those in flight`);
          try {
            const { cutOff: cut } = await gateway.shutdown(settings.shutdownTimeoutMs);
            await demo?.close();
            console.log(cut === 0 ? 'skein: every request finished; stopped' : `skein: stopped; ${count(cut, 'request')} cut off at the deadline`);
            process.exit(0);
          } catch (error) {
            console.error(`skein: stopping failed: ${(error as Error).message}`);
            process.exit(1);
          }
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      } catch (error) {
        await demo?.close();
        reportFailure(error);
        // A gateway that failed to start stops here: what it had opened (database pools,
        // job engine timers, listeners) would otherwise keep a half-started process alive.
        process.exit(1);
      }
    });
}

/** The local names and those SKEIN_ALLOWED_HOSTS adds; undefined (any name) when it says `*`. */
function localHostsWith(extra: string | undefined, local: readonly string[]): readonly string[] | undefined {
  const names = (extra ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  return names.includes('*') ? undefined : [...local, ...names];
}

function printGraph(graph: Graph, apiUrl: string, mcpUrl: string): void {
  console.log(`  REST      ${apiUrl}  (catalog; OpenAPI at ${apiUrl}/openapi.json)`);
  console.log(`  MCP       ${mcpUrl}  (composites as tools, Streamable HTTP)`);
  for (const source of graph.sources.values()) {
    console.log(`  source    ${source.name.padEnd(10)} ${source.kind.padEnd(5)} ${source.url ?? ''}`);
  }
  for (const name of graph.plans.keys()) console.log(`  composite ${name.padEnd(18)} ${apiUrl}/${name}`);
}

function seedSummary(items: readonly AppliedItem[]): string {
  const added = (kind: string) => items.filter((i) => i.kind === kind && i.action === 'added').length;
  const updated = items.filter((i) => i.action === 'updated').length;
  const unchanged = items.filter((i) => i.action === 'unchanged').length;
  const kept = items.filter((i) => i.action === 'kept');
  return [
    `${count(added('source'), 'source')} and ${count(added('composite'), 'composite')} added`,
    ...(updated ? [`${updated} updated from the folder`] : []),
    ...(unchanged ? [`${unchanged} unchanged`] : []),
    ...(kept.length ? [`${kept.length} left as changed through the admin API (${kept.map((i) => i.name).join(', ')}; \`skein push\` uploads the folder's version)`] : []),
  ].join(', ');
}
