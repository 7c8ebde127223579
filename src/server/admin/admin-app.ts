import type http from 'node:http';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GRAPHIQL_STORAGE_NAMESPACES, graphiqlRenderer } from '../render-graphiql.js';
import { createYoga } from 'graphql-yoga';
import type { Registry, ServedGraph, Workbench } from '../../registry/index.js';
import type { RouteHandler } from '../http-server.js';
import { useCsrfPrevention } from '../use-csrf-prevention.js';
import type { AdminContext } from './admin-context.js';
import { adminResolvers } from './admin-resolvers.js';
import { adminSDL } from './admin-sdl.js';
import type { AdminTokens } from './admin-tokens.js';

export const ADMIN_ENDPOINT = '/admin/graphql';

export interface AdminOptions {
  readonly registry: Registry;
  readonly served: ServedGraph;
  readonly workbench: Workbench;
  /** Required unless `dev` is set; with tokens, `dev` changes nothing. */
  readonly tokens: AdminTokens | undefined;
  /** Without tokens: no authentication, every change made as `dev`. */
  readonly dev?: boolean;
  /** How this gateway names itself in exports (`host:port`, known once it listens). */
  readonly gatewayName: () => string;
  /** Largest request body, in bytes (uploads of OpenAPI and WSDL documents); 32 MiB by default. */
  readonly maxBodyBytes?: number;
}

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
export function createAdminHandler(options: AdminOptions): RouteHandler {
  if (!options.tokens && !options.dev) {
    throw new Error('the admin API needs SKEIN_ADMIN_TOKEN (one token, or name:token pairs separated by commas), or --dev for an unprotected local one');
  }
  const schema = makeExecutableSchema({ typeDefs: adminSDL, resolvers: adminResolvers as never });
  const changed = () => options.served.refresh();
  const yoga = createYoga<{ actor: string }, AdminContext>({
    schema,
    graphqlEndpoint: ADMIN_ENDPOINT,
    landingPage: false,
    logging: false,
    maxRequestBodySize: options.maxBodyBytes ?? 32 * 1024 * 1024,
    maskedErrors: { isDev: false },
    cors: false,
    // Bearer tokens already keep browsers out, but a --dev admin API has none.
    plugins: [useCsrfPrevention()],
    graphiql: {
      title: 'Skein admin',
      defaultQuery: EXAMPLE,
      ...(options.tokens ? { headers: JSON.stringify({ Authorization: 'Bearer <your SKEIN_ADMIN_TOKEN>' }) } : {}),
    },
    // Its own saved tabs: /graphql would otherwise open on the last admin query.
    renderGraphiQL: graphiqlRenderer(GRAPHIQL_STORAGE_NAMESPACES.admin),
    context: ({ actor }) => ({
      actor,
      registry: options.registry,
      served: options.served,
      workbench: options.workbench,
      changed,
      gatewayName: options.gatewayName(),
    }),
  });

  return async (req, res) => {
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      await yoga(req, res, { actor: 'anonymous' }); // GraphiQL's page; it executes nothing
      return;
    }
    const verdict = options.tokens ? options.tokens.verify(req.headers.authorization) : { actor: 'dev' };
    if ('reason' in verdict) {
      await options.registry
        .recordDenied({ reason: verdict.reason, method: req.method, path: req.url?.split('?')[0], remote: req.socket.remoteAddress })
        .catch(() => {});
      deny(res, verdict.reason);
      return;
    }
    await yoga(req, res, { actor: verdict.actor });
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
