/**
 * The OpenTelemetry semantic-convention attribute names Skein writes (stable HTTP, URL,
 * server, client, error and service attributes, semconv 1.38; GraphQL's are still
 * incubating). Spelled here rather than imported: the conventions package's index
 * takes several MB and a good part of a second to load, which a gateway that does not
 * trace would pay at every start.
 */
export const SEMCONV = {
  httpRequestMethod: 'http.request.method',
  httpRoute: 'http.route',
  httpResponseStatusCode: 'http.response.status_code',
  httpRequestResendCount: 'http.request.resend_count',
  urlPath: 'url.path',
  urlScheme: 'url.scheme',
  urlFull: 'url.full',
  userAgentOriginal: 'user_agent.original',
  clientAddress: 'client.address',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  graphqlOperationName: 'graphql.operation.name',
  graphqlOperationType: 'graphql.operation.type',
} as const;
