/** One GraphQL answer as the gateway sends it. */
export interface GraphQLAnswer<T = unknown> {
  data?: T | null;
  errors?: readonly { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** A refusal or failure, with the API's own message and code. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message);
  }
}

/** POSTs an operation as JSON to a GraphQL endpoint of this origin and returns the whole answer. */
export async function postGraphQL<T>(
  endpoint: string,
  body: { query: string; variables?: Record<string, unknown>; operationName?: string | null },
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<{ status: number; answer: GraphQLAnswer<T> }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
    body: JSON.stringify(body),
    credentials: 'omit',
    signal,
  });
  const text = await response.text();
  let answer: GraphQLAnswer<T>;
  try {
    answer = JSON.parse(text) as GraphQLAnswer<T>;
  } catch {
    throw new RequestError(`${endpoint} answered ${response.status} with something other than JSON: ${text.slice(0, 200)}`, undefined, response.status);
  }
  return { status: response.status, answer };
}
