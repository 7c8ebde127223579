import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { graphFactory, openRegistry, RegistryError, type GraphFactory, type GraphFactoryOptions, type Registry } from '../../src/registry/index.js';

/** The PostgreSQL server the tests use (trust auth on loopback); SKEIN_TEST_PG overrides it. */
export const PG_SERVER = process.env.SKEIN_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432';

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A database of its own for one test file, `skein_test_<random>`, dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `skein_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: `${PG_SERVER}/${name}`,
    name,
    async drop() {
      const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh embedded data folder. */
export function createDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'skein-data-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export type StoreKind = 'embedded' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['embedded', 'postgres'];

export interface TestRegistry {
  readonly registry: Registry;
  readonly graphs: GraphFactory;
  /** DATABASE_URL or the data folder, to open the same store again. */
  readonly location: { databaseUrl?: string; dataDir?: string };
  reopen(): Promise<Registry>;
  close(): Promise<void>;
}

/** A registry on an empty store of the given kind; `close` removes the store. */
export async function openTestRegistry(kind: StoreKind, options: GraphFactoryOptions = {}): Promise<TestRegistry> {
  const graphs = graphFactory({ onSourceError: 'degrade', ...options });
  if (kind === 'postgres') {
    const database = await createTestDatabase();
    const registry = await openRegistry({ databaseUrl: database.url, graphs });
    const opened = [registry];
    return {
      registry,
      graphs,
      location: { databaseUrl: database.url },
      async reopen() {
        const again = await openRegistry({ databaseUrl: database.url, graphs });
        opened.push(again);
        return again;
      },
      async close() {
        await Promise.all(opened.map((r) => r.close()));
        await database.drop();
      },
    };
  }
  const data = createDataDir();
  let registry = await openRegistry({ dataDir: data.dir, graphs });
  return {
    get registry() {
      return registry;
    },
    graphs,
    location: { dataDir: data.dir },
    async reopen() {
      await registry.close();
      registry = await openRegistry({ dataDir: data.dir, graphs });
      return registry;
    },
    async close() {
      await registry.close();
      data.remove();
    },
  };
}

/** Makes sure the PostgreSQL server answers (CI starts it in .ci/run). */
export function postgresIsUp(): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The RegistryError a change is refused with; fails the test when it is not refused. */
export async function refused(promise: Promise<unknown>): Promise<RegistryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected the registry to refuse');
}
