import { createLogger, requestFields, type Logger } from '../../observe/index.js';
import type http from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GRAPHIQL_STORAGE_NAMESPACES, graphiqlRenderer } from '../render-graphiql.js';
import { GraphQLError, type ExecutionResult } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { RegistryUnavailableError, type Registry, type ServedGraph, type Workbench } from '../../registry/index.js';
import { isGraphQLError } from '../finish-result.js';
import { REQUEST_ID_HEADER, requestIdFrom } from '../request-id.js';
import { DeniedAttempts } from './denied-attempts.js';
import type { RouteHandler } from '../http-server.js';
import { useCsrfPrevention } from '../use-csrf-prevention.js';
import { setPageHeaders } from '../console/index.js';
import type { SyncService } from '../../sync/index.js';
import type { AdminContext } from './admin-context.js';
import { adminResolvers } from './admin-resolvers.js';
import { adminSDL } from './admin-sdl.js';
import type { AdminTokens } from './admin-tokens.js';

export const ADMIN_ENDPOINT = '/admin/graphql';

export interface AdminOptions {
  readonly registry: Registry;
  readonly served: ServedGraph;
  readonly workbench: Workbench;
  /** Sync jobs, when this gateway runs them (the registry gateway's). */
  readonly sync?: SyncService;
  /** Required unless `dev` is set; with tokens, `dev` changes nothing. */
  readonly tokens: AdminTokens | undefined;
  /** Without tokens: no authentication, every change made as `dev`. */
  readonly dev?: boolean;
  /** How this gateway names itself in exports (`host:port`, known once it listens). */
  readonly gatewayName: () => string;
  /** Largest request body, in bytes (uploads of OpenAPI and WSDL documents); 32 MiB by default. */
  readonly maxBodyBytes?: number;
  /** Told about every request refused for its token (the /metrics counter). */
  readonly onDenied?: () => void;
  /** Where store failures and unexpected errors are logged, with their request id; standard error by default. */
  readonly logger?: Logger;
}

/** The admin route, and how to write what it gathered before the gateway stops. */
export type AdminHandler = RouteHandler & { close(): Promise<void> };

const EXAMPLE = /* GraphQL */ `# Skein admin API. Send Authorization: Bearer <token> (see Headers below).
{
  status { store revision servedRevision actor }
  composites { name state version liveVersion endpoint sources }
  sources { name kind version url usedBy }
}
`;

/**
 * The admin API at /admin/graphql: graphql-yoga over the admin schema, behind bearer
 * tokens. A request without a valid token gets 401 and leaves nothing but an audit
 * entry. GraphiQL's page itself is served to a browser without a token (it is static;
 * the token goes into its Headers tab).
 */
export function createAdminHandler(options: AdminOptions): AdminHandler {
  if (!options.tokens && !options.dev) {
    throw new Error('the admin API needs SKEIN_ADMIN_TOKEN (one token, or name:token pairs separated by commas), or --dev for an unprotected local one');
  }
  const schema = makeExecutableSchema({ typeDefs: adminSDL, resolvers: adminResolvers as never });
  const changed = () => options.served.refresh();
  const denied = new DeniedAttempts({ record: (detail) => options.registry.recordDenied(detail), onDenied: options.onDenied });
  const logger = options.logger ?? createLogger();
  const yoga = createYoga<{ actor: string; requestId: string }, AdminContext>({
    schema,
    graphqlEndpoint: ADMIN_ENDPOINT,
    landingPage: false,
    logging: false,
    maxRequestBodySize: options.maxBodyBytes ?? 32 * 1024 * 1024,
    maskedErrors: { isDev: false },
    cors: false,
    // Bearer tokens already keep browsers out, but a --dev admin API has none.
    plugins: [useCsrfPrevention(), useAdminErrors(logger)],
    graphiql: {
      title: 'Skein admin',
      defaultQuery: EXAMPLE,
      ...(options.tokens ? { headers: JSON.stringify({ Authorization: 'Bearer <your SKEIN_ADMIN_TOKEN>' }) } : {}),
    },
    // Its own saved tabs: /graphql would otherwise open on the last admin query.
    renderGraphiQL: graphiqlRenderer({ endpoint: ADMIN_ENDPOINT, namespace: GRAPHIQL_STORAGE_NAMESPACES.admin, planTab: false }),
    context: ({ actor, requestId }) => ({
      actor,
      requestId,
      registry: options.registry,
      served: options.served,
      workbench: options.workbench,
      sync: options.sync,
      changed,
      gatewayName: options.gatewayName(),
    }),
  });

  const handle: RouteHandler = async (req, res) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const requestId = requestIdFrom(Array.isArray(given) ? given[0] : given);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      setPageHeaders(res);
      await yoga(req, res, { actor: 'anonymous', requestId }); // GraphiQL's page; it executes nothing
      return;
    }
    const verdict = options.tokens ? options.tokens.verify(req.headers.authorization) : { actor: 'dev' };
    if ('reason' in verdict) {
      denied.note(req.socket.remoteAddress, verdict.reason);
      deny(res, verdict.reason);
      return;
    }
    await yoga(req, res, { actor: verdict.actor, requestId });
  };
  return Object.assign(handle, { close: () => denied.flush() });
}

/**
 * What the admin API answers when something other than a refusal goes wrong: a store
 * failure says so (REGISTRY_UNAVAILABLE), anything else is masked (INTERNAL_SERVER_ERROR);
 * both carry the request id and are logged with it, so an operator can find the cause.
 */
function useAdminErrors(logger: Logger): Plugin<AdminContext> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const errors = (result as ExecutionResult).errors;
          if (!errors?.some((e) => e.originalError && !isGraphQLError(e.originalError))) return;
          const { requestId } = args.contextValue as AdminContext;
          setResult({
            ...(result as ExecutionResult),
            errors: errors.map((error) => {
              const original = error.originalError;
              if (!original || isGraphQLError(original)) return error;
              logger.error(
                { ...requestFields(requestId), ...(error.path ? { path: error.path.join('.') } : {}), err: original },
                original instanceof RegistryUnavailableError ? 'admin request: store failure' : 'admin request: unexpected error',
              );
              const unavailable = original instanceof RegistryUnavailableError;
              return new GraphQLError(
                unavailable
                  ? `the registry's store is unavailable (${original.message}); the gateway logged it with this request id`
                  : 'Unexpected error; the gateway logged it with this request id.',
                { nodes: error.nodes, path: error.path, extensions: { code: unavailable ? 'REGISTRY_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR', requestId } },
              );
            }),
          });
        },
      };
    },
  };
}

function deny(res: http.ServerResponse, reason: string): void {
  const message =
    reason === 'missing token'
      ? 'the admin API needs Authorization: Bearer <token> (a token of SKEIN_ADMIN_TOKEN)'
      : reason === 'malformed header'
        ? 'expected the header Authorization: Bearer <token>'
        : 'the token is not one of SKEIN_ADMIN_TOKEN';
  res.writeHead(401, {
    'content-type': 'application/json; charset=utf-8',
    'www-authenticate': `Bearer realm="skein-admin"${reason === 'missing token' ? '' : ', error="invalid_token"'}`,
  });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }));
}
