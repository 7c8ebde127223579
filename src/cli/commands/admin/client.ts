import type { Command } from 'commander';

/** Where the admin verbs send their requests, and with which token. */
export interface AdminConnection {
  readonly gateway: string;
  readonly token: string | undefined;
}

interface ConnectionOptions {
  gateway: string;
  token?: string;
}

/** Adds --gateway and --token to a verb that talks to a running gateway's admin API. */
export function withConnection(command: Command): Command {
  return command
    .option('-g, --gateway <url>', 'the running gateway (env SKEIN_GATEWAY)', process.env.SKEIN_GATEWAY ?? 'http://localhost:4000')
    .option('--token <token>', 'admin token (env SKEIN_TOKEN, or SKEIN_ADMIN_TOKEN when it holds one token)');
}

export function connectionOf(options: ConnectionOptions): AdminConnection {
  return { gateway: options.gateway.replace(/\/+$/, '').replace(/\/(admin\/)?graphql$/, ''), token: options.token ?? defaultToken() };
}

/** SKEIN_TOKEN, else the one token of SKEIN_ADMIN_TOKEN (`secret` or `name:secret`). */
function defaultToken(): string | undefined {
  if (process.env.SKEIN_TOKEN) return process.env.SKEIN_TOKEN;
  const value = process.env.SKEIN_ADMIN_TOKEN?.trim();
  if (!value || value.includes(',')) return undefined;
  const named = /^[A-Za-z][\w.-]*:(.+)$/.exec(value);
  return named ? named[1] : value;
}

/**
 * A document the user uploaded, and the name the registry gives it in its messages
 * (`registry/composites/x.graphql:11:23`): refusals are shown naming the user's file.
 */
export interface UploadedFile {
  readonly stored: string | RegExp;
  readonly file: string;
}

/** A refusal from the admin API, with its code and one line per problem. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly details: readonly string[],
  ) {
    super(details.length > 1 ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
  }
}

/**
 * Sends one GraphQL request to the admin API; throws an error a user can act on. When
 * the request uploads files, `uploaded` says which, so a refusal names them.
 */
export async function adminRequest<T>(
  connection: AdminConnection,
  query: string,
  variables: Record<string, unknown> = {},
  uploaded: readonly UploadedFile[] = [],
): Promise<T> {
  const url = `${connection.gateway}/admin/graphql`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(connection.token ? { authorization: `Bearer ${connection.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the gateway at ${connection.gateway} (${cause?.code ?? cause?.message ?? (error as Error).message}); start one with \`skein serve\` or pass --gateway <url>`);
  }
  const text = await response.text();
  let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string; details?: string[] } }[] };
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered ${response.status} with something that is not JSON: ${text.slice(0, 120)}`);
  }
  if (response.status === 401) {
    const reason = body.errors?.[0]?.message ?? 'unauthorized';
    throw new Error(`the gateway refused the request: ${reason}${connection.token ? '' : '; set SKEIN_TOKEN or pass --token'}`);
  }
  const first = body.errors?.[0];
  if (first) {
    const named = (text: string) => uploaded.reduce((out, { stored, file }) => out.replaceAll(stored, () => file), text);
    throw new AdminApiError(named(first.message), first.extensions?.code, (first.extensions?.details ?? []).map(named));
  }
  if (!body.data) throw new Error(`${url} answered ${response.status} without data`);
  return body.data;
}
