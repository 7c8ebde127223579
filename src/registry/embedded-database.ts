import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { RegistryUnavailableError, type ListenHandlers, type RegistryDatabase, type SqlExecutor } from './database.js';

/**
 * The embedded store: PGlite (PostgreSQL compiled to WASM) in this process, its data
 * under `folder/pg`. Nothing to install; one gateway process per folder, which a lock
 * file (`folder/skein.lock`, holding the pid) makes sure of. `:memory:` keeps nothing.
 */
export async function openEmbeddedDatabase(folder: string): Promise<RegistryDatabase> {
  const inMemory = folder === ':memory:';
  const where = inMemory ? 'memory' : path.resolve(folder);
  let release = () => {};
  let db: PGlite;
  try {
    if (!inMemory) {
      mkdirSync(folder, { recursive: true });
      release = lockFolder(folder);
    }
    db = await PGlite.create(inMemory ? undefined : path.join(folder, 'pg'));
  } catch (error) {
    release();
    if (error instanceof RegistryUnavailableError) throw error;
    throw new RegistryUnavailableError(`cannot open the embedded registry in ${where}: ${(error as Error).message}`);
  }
  // PGlite runs one statement at a time and a transaction holds it exclusively, so
  // transactions here are serial whatever the isolation level.
  const run = async <Row>(executor: PGlite | Transaction, sql: string, params?: readonly unknown[]): Promise<Row[]> =>
    (await executor.query<Row>(sql, params ? [...params] : undefined)).rows;
  return {
    kind: 'embedded',
    where,
    query: (sql, params) => run(db, sql, params),
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => void (await tx.exec(sql)),
        } as SqlExecutor),
      ),
    async listen(channel: string, handlers: ListenHandlers) {
      const unlisten = await db.listen(channel, handlers.onMessage);
      return async () => {
        if (!db.closed) await unlisten();
      };
    },
    async close() {
      if (!db.closed) await db.close();
      release();
    },
  };
}

/** Takes `folder/skein.lock` for this process; throws when a live process holds it. */
function lockFolder(folder: string): () => void {
  const file = path.join(folder, 'skein.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new RegistryUnavailableError(
          `the embedded registry in ${path.resolve(folder)} is in use by process ${holder}; ` +
            'run one gateway per data folder (--data <dir>), or set DATABASE_URL so several gateways share PostgreSQL',
        );
      }
      rmSync(file, { force: true }); // left by a process that is gone
    }
  }
  throw new RegistryUnavailableError(`could not lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
