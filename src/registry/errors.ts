import { SchemaError, SchemaErrors } from '../errors/schema-error.js';

export type RegistryErrorCode =
  /** No such source, composite or version. */
  | 'NOT_FOUND'
  /** The lifecycle does not allow that step from the current state. */
  | 'INVALID_TRANSITION'
  /** The change would break the served schema; nothing was stored. */
  | 'SCHEMA_REJECTED'
  /** An imported composite needs sources this registry does not have. */
  | 'MISSING_SOURCES'
  /** The request itself is malformed: an unreadable document, a name that does not match. */
  | 'BAD_INPUT'
  /** The document is over one of the registry's limits (limits.ts); the message names the setting. */
  | 'LIMIT_EXCEEDED'
  /** The thread that checks changes failed (out of memory, say); nothing was stored. */
  | 'CHECK_FAILED'
  /** The store cannot be reached. */
  | 'REGISTRY_UNAVAILABLE';

/**
 * A registry operation that was refused, with the reason a user can act on. The admin
 * API passes `code` and `details` on as the GraphQL error's extensions.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** One line per underlying problem, `file:line:column: message` where known. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }

  /** Wraps what a schema build threw: the change is rejected, each error listed with its place. */
  static rejected(what: string, error: unknown): RegistryError {
    const errors = error instanceof SchemaErrors ? error.errors : error instanceof SchemaError ? [error] : undefined;
    if (!errors) {
      return new RegistryError('SCHEMA_REJECTED', `${what} was rejected, and the running schema is unchanged: ${(error as Error).message}`, [
        (error as Error).message,
      ]);
    }
    const details = errors.map((e) => e.format());
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    return new RegistryError('SCHEMA_REJECTED', `${what} was rejected, and the running schema is unchanged: ${details[0]}${more}`, details);
  }
}
