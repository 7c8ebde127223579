import { RegistryUnavailableError, type ListenHandlers, type RegistryDatabase, type SqlExecutor } from './database.js';

/** PostgreSQL's SQLSTATE for a table that does not exist. */
const UNDEFINED_TABLE = '42P01';

/**
 * The store as the registry uses it while a gateway runs: every failure of the store
 * itself becomes a RegistryUnavailableError (keeping its SQLSTATE), and a store found
 * without its tables (a database dropped and re-created empty under a running gateway)
 * is migrated again, and the statement retried once, instead of failing until a restart.
 * Migrating runs when the change feed reconnects too. Errors the caller's own work throws
 * in a transaction pass through untouched.
 */
export function healingDatabase(
  db: RegistryDatabase,
  migrate: (db: RegistryDatabase) => Promise<readonly number[]>,
  warn?: (message: string) => void,
): RegistryDatabase {
  let healing: Promise<void> | undefined;
  const recreated = new Set<() => void>();
  const heal = () =>
    (healing ??= (async () => {
      try {
        const applied = await migrate(db);
        if (applied.length > 0) {
          warn?.(`the registry's tables were missing in ${db.where}; created them again (the store is empty)`);
          for (const listener of recreated) listener();
        }
      } finally {
        healing = undefined;
      }
    })());
  const once = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (codeOf(error) !== UNDEFINED_TABLE) throw error;
      await heal().catch((failure: unknown) => {
        throw storeError(failure);
      });
      return run();
    }
  };
  return {
    kind: db.kind,
    where: db.where,
    query: (sql, params) =>
      once(async () => {
        try {
          return await db.query(sql, params);
        } catch (error) {
          throw storeError(error);
        }
      }),
    transaction: (work) =>
      once(async () => {
        const own = new WeakSet<object>();
        try {
          return await db.transaction(async (tx) => {
            const executor: SqlExecutor = {
              query: async (sql, params) => {
                try {
                  return await tx.query(sql, params);
                } catch (error) {
                  throw storeError(error);
                }
              },
              exec: async (sql) => {
                try {
                  await tx.exec(sql);
                } catch (error) {
                  throw storeError(error);
                }
              },
            };
            try {
              return await work(executor);
            } catch (error) {
              if (error !== null && typeof error === 'object') own.add(error);
              throw error;
            }
          });
        } catch (error) {
          if (error !== null && typeof error === 'object' && own.has(error)) throw error;
          throw storeError(error);
        }
      }),
    listen: (channel: string, handlers: ListenHandlers) =>
      db.listen(channel, {
        ...handlers,
        onReconnect: () => {
          // The database may have come back empty: make its tables before anyone reads.
          void heal()
            .catch(() => {})
            .then(() => handlers.onReconnect?.());
        },
      }),
    onRecreated: (listener) => void recreated.add(listener),
    close: () => db.close(),
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function storeError(error: unknown): RegistryUnavailableError {
  if (error instanceof RegistryUnavailableError) return error;
  const message = (error as Error)?.message || String(error);
  const code = codeOf(error);
  return new RegistryUnavailableError(`the registry's store failed: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, code, { cause: error });
}
