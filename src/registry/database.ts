/**
 * The SQL connection the registry runs on. Two implementations speak the same SQL
 * (PostgreSQL's): the embedded one (PGlite, PostgreSQL compiled to WASM, in this
 * process, data in a folder) and a PostgreSQL server (`DATABASE_URL`). Everything above
 * this contract (migrations, the registry, change notifications) is written once.
 */
export interface RegistryDatabase {
  /** `embedded` (PGlite) or `postgres`. */
  readonly kind: 'embedded' | 'postgres';
  /** Where the data lives, for messages: a folder, or the server URL without its password. */
  readonly where: string;
  /** Runs one statement outside any transaction. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `work` in one transaction (READ COMMITTED; a reader that needs one consistent
   * snapshot starts with `set transaction isolation level repeatable read`): committed
   * when it resolves, rolled back when it throws.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Calls `onMessage` for every NOTIFY on `channel`, and `onReconnect` after the
   * connection that listens was lost and came back (notifications may have been missed).
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>;
  /** Calls `listener` when the store was found empty while running and its tables were made again (healing-database.ts). */
  onRecreated?(listener: () => void): void;
  close(): Promise<void>;
}

export interface ListenHandlers {
  readonly onMessage: (payload: string) => void;
  readonly onReconnect?: () => void;
  /** The listening connection was lost; it is being re-established. */
  readonly onLost?: (error: Error) => void;
}

/** What a transaction can do: run statements. */
export interface SqlExecutor {
  /** One statement, with `$1`-style parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** A script of several statements, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * The store could not be reached or opened (at start-up: a clear message and exit code
 * 1), or a statement failed in it while the gateway runs (the admin API answers
 * REGISTRY_UNAVAILABLE and logs it with the request id). `code` is PostgreSQL's SQLSTATE
 * or the connection's error code, when there is one.
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';

  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
