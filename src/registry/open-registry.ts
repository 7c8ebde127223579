import path from 'node:path';
import type { GraphFactory } from './candidate.js';
import { RegistryUnavailableError, type RegistryDatabase } from './database.js';
import { openEmbeddedDatabase } from './embedded-database.js';
import { ThreadChecker } from './candidate-checker.js';
import { DEFAULT_REGISTRY_LIMITS, type RegistryLimits } from './limits.js';
import { healingDatabase } from './healing-database.js';
import { migrate } from './migrations.js';
import { openPostgresDatabase } from './postgres-database.js';
import { Registry } from './registry.js';

export interface OpenRegistryOptions {
  /** A PostgreSQL URL; when set, the registry lives there and gateways can share it. */
  readonly databaseUrl?: string;
  /** The embedded store's folder (without databaseUrl); `:memory:` keeps nothing. */
  readonly dataDir?: string;
  /** Builds the graph of a change, to check it before it is stored (the checking thread makes one like it). */
  readonly graphs: GraphFactory;
  /** What size of change is accepted; DEFAULT_REGISTRY_LIMITS by default. */
  readonly limits?: Partial<RegistryLimits>;
  /** Told when the store is found empty while running and its tables are made again. */
  readonly warn?: (message: string) => void;
}

/** `.skein/data` unless SKEIN_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = path.join('.skein', 'data');

/**
 * Opens the registry: PostgreSQL when `databaseUrl` is set, else the embedded store, and
 * brings its tables up to date. Throws RegistryUnavailableError with a message to show
 * when the store cannot be reached or opened.
 */
export async function openRegistry(options: OpenRegistryOptions): Promise<Registry> {
  const db: RegistryDatabase = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl)
    : await openEmbeddedDatabase(options.dataDir ?? DEFAULT_DATA_DIR);
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    throw new RegistryUnavailableError(`cannot prepare the registry's tables in ${db.where}: ${(error as Error).message}`);
  }
  const limits = { ...DEFAULT_REGISTRY_LIMITS, ...options.limits };
  return new Registry(healingDatabase(db, migrate, options.warn), new ThreadChecker(options.graphs.options, limits), limits);
}
