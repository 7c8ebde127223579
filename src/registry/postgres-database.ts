import pg from 'pg';
import { RegistryUnavailableError, type ListenHandlers, type RegistryDatabase, type SqlExecutor } from './database.js';

/**
 * The registry on a PostgreSQL server (`DATABASE_URL`), shared by every gateway of a
 * cluster. A small pool runs statements; one dedicated connection LISTENs, and comes
 * back by itself after the server was restarted or the network failed.
 */
export async function openPostgresDatabase(url: string): Promise<RegistryDatabase> {
  const where = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
  // An idle connection that dies (server restart) must not crash the process: the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new RegistryUnavailableError(`cannot reach the PostgreSQL registry at ${where}: ${describe(error)}`);
  }
  const listeners = new Set<{ stop(): Promise<void> }>();
  const database: RegistryDatabase = {
    kind: 'postgres',
    where,
    query: async <Row>(sql: string, params?: readonly unknown[]) =>
      (await pool.query(sql, params ? [...params] : undefined)).rows as Row[],
    async transaction(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('begin');
        const result = await work({
          query: async <Row>(sql: string, params?: readonly unknown[]) =>
            (await client.query(sql, params ? [...params] : undefined)).rows as Row[],
          exec: async (sql: string) => void (await client.query(sql)),
        } as SqlExecutor);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, handlers) {
      const listener = await listenWithReconnect(url, channel, handlers);
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
        await listener.stop();
      };
    },
    async close() {
      await Promise.all([...listeners].map((l) => l.stop()));
      await pool.end().catch(() => {});
    },
  };
  return database;
}

/** One connection that LISTENs on `channel`; re-established with backoff when lost. */
async function listenWithReconnect(url: string, channel: string, handlers: ListenHandlers): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 250;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    let lost = false;
    const onGone = (error: Error) => {
      if (lost || stopped) return;
      lost = true;
      client = undefined;
      next.end().catch(() => {});
      handlers.onLost?.(error);
      schedule();
    };
    next.on('error', onGone);
    next.on('end', () => onGone(new Error('the connection was closed')));
    next.on('notification', (message) => {
      if (message.channel === channel) handlers.onMessage(message.payload ?? '');
    });
    await next.connect();
    await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    delay = 250;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await connect();
        handlers.onReconnect?.();
      } catch (error) {
        delay = Math.min(delay * 2, 5_000);
        schedule();
      }
    }, delay);
    timer.unref();
  };

  await connect();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}

/** The URL as it may be shown: the password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<DATABASE_URL, which is not a valid URL>';
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: { message: string }[] };
  // AggregateError (IPv4 and IPv6 both refused) has an empty message of its own.
  const message = e.message || e.errors?.map((x) => x.message).join('; ') || String(error);
  return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
}
