import { postGraphQL, RequestError } from './graphql-request';

export const ADMIN_ENDPOINT = '/admin/graphql';

/**
 * The console's one way to the registry: the admin API, with the signed-in token, exactly
 * as the CLI calls it. Every change is checked, versioned and audited there.
 */
export class AdminClient {
  constructor(
    /** Undefined: a --dev gateway, whose admin API takes no token. */
    readonly token: string | undefined,
    /** Called when the API refuses the token (it was revoked, or the gateway restarted with others). */
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  /** Runs one operation; an error of the API becomes a RequestError with its message and code. */
  async request<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const { status, answer } = await postGraphQL<T>(ADMIN_ENDPOINT, { query, variables }, this.token ? { authorization: `Bearer ${this.token}` } : {});
    const first = answer.errors?.[0];
    if (status === 401) this.onUnauthorized();
    if (first) {
      const details = first.extensions?.details;
      const more = Array.isArray(details) && details.length > 1 ? `\n${details.slice(1).join('\n')}` : '';
      throw new RequestError(first.message + more, first.extensions?.code as string | undefined, status);
    }
    if (!answer.data) throw new RequestError(`the admin API answered ${status} without data`, undefined, status);
    return answer.data;
  }

  /**
   * Who the API takes this client for: the token's name, or null when it refuses it.
   * A --dev gateway answers `dev` without a token.
   */
  static async signIn(token: string | undefined): Promise<{ actor: string } | { refused: string }> {
    try {
      const { status } = await new AdminClient(token).request<{ status: { actor: string } }>('{ status { actor } }');
      return { actor: status.actor };
    } catch (error) {
      return { refused: error instanceof Error ? error.message : String(error) };
    }
  }
}
