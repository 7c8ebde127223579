import type { Logger } from '../observe/index.js';
import {
  folderUpload,
  graphFactory,
  openRegistry,
  revisionOf,
  SEEDING,
  ServedGraph,
  Workbench,
  type AppliedItem,
  type GraphFactoryOptions,
  type Registry,
  type RegistryLimits,
} from '../registry/index.js';
import type { SchemaInput } from '../schema/index.js';
import { startGateway, type RunningGateway } from './gateway.js';
import type { GatewaySettings } from './gateway-settings.js';
import type { AdminTokens } from './admin/index.js';
import { SyncService, type SyncServiceOptions } from '../sync/index.js';

export interface RegistryGatewayOptions {
  /** PostgreSQL (shared by a cluster of gateways); else the embedded store in `dataDir`. */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** How graphs are built: upstream URL overrides, what to do with a source that cannot be prepared. */
  readonly graphs?: GraphFactoryOptions;
  /** What size of change the registry accepts (SKEIN_MAX_SOURCE_BYTES, …); defaults in registry/limits.ts. */
  readonly limits?: Partial<RegistryLimits>;
  /** A schema folder whose sources and composites the registry gets if it lacks them (by name). */
  readonly seed?: SchemaInput;
  readonly tokens?: AdminTokens;
  /** No tokens: an unprotected admin API, for local use. */
  readonly dev?: boolean;
  readonly port?: number;
  readonly host?: string;
  /** Host names requests must be addressed to (see GatewayOptions.allowedHosts). */
  readonly allowedHosts?: readonly string[];
  /** Revision poll under NOTIFY, in ms; defaults to 5 s on PostgreSQL, none on the embedded store. */
  readonly pollMs?: number;
  readonly warn?: (message: string) => void;
  /** Request limits, security switches, shutdown deadline. */
  readonly settings?: Partial<GatewaySettings>;
  /** The gateway's logger (JSON lines); standard error by default. */
  readonly logger?: Logger;
  /** Sync jobs: engine timings, a test's clock; `false` runs none on this gateway. */
  readonly sync?: Partial<Omit<SyncServiceOptions, 'db' | 'databaseUrl' | 'graph' | 'sources'>> | false;
}

export interface RunningRegistryGateway extends RunningGateway {
  readonly registry: Registry;
  readonly served: ServedGraph;
  /** Sync jobs on this gateway (undefined with `sync: false`). */
  readonly sync: SyncService | undefined;
  /** What seeding did, item by item. */
  readonly seeded: readonly AppliedItem[];
  /** The sync jobs seeding added (published), by name. */
  readonly seededSync: readonly string[];
}

/**
 * A gateway that serves the registry: opens the store (failing with a clear message when
 * it cannot), seeds it from a schema folder, serves its published and paused composites,
 * follows its changes, and offers the admin API. The order matters: tokens are checked
 * before the store is opened, and nothing listens before the first graph is built.
 */
export async function startRegistryGateway(options: RegistryGatewayOptions): Promise<RunningRegistryGateway> {
  if (!options.tokens && !options.dev) {
    throw new Error('the admin API needs SKEIN_ADMIN_TOKEN (one token, or name:token pairs separated by commas), or --dev for an unprotected local one');
  }
  const graphs = graphFactory({ onSourceError: 'degrade', ...options.graphs });
  const registry = await openRegistry({ databaseUrl: options.databaseUrl, dataDir: options.dataDir, graphs, limits: options.limits, warn: options.warn });
  let served: ServedGraph | undefined;
  let sync: SyncService | undefined;
  try {
    const seeded = options.seed ? (await registry.apply(SEEDING, { ...folderUpload(options.seed), publish: true })).record : [];
    served = await ServedGraph.start(registry, graphs, {
      warn: options.warn,
      pollMs: options.pollMs ?? (registry.db.kind === 'postgres' ? 5_000 : 0),
    });
    const live = served;
    sync =
      options.sync === false
        ? undefined
        : await SyncService.start({
            ...options.sync,
            db: registry.db,
            databaseUrl: options.databaseUrl,
            graph: () => live.current(),
            sources: (name) => registry.source(name).then((s) => (s?.state === 'active' ? s : undefined)),
            warn: options.warn,
          });
    const gateway = await startGateway({
      graph: served,
      port: options.port,
      host: options.host,
      allowedHosts: options.allowedHosts,
      admin: { registry, served, workbench: new Workbench(registry, graphs, served), sync, tokens: options.tokens, dev: options.dev },
      graphVersion: (graph) => String(revisionOf(graph) ?? '?'),
      settings: options.settings,
      logger: options.logger,
      sync: () => sync,
      // Ready while the store answers: changes and reloads need it (the last graph keeps serving without).
      readiness: [{ name: 'store', check: async () => void (await registry.revision()) }],
    });
    let seededSync: string[] = [];
    if (sync) {
      seededSync = await seedSyncJobs(sync, options.seed?.sync ?? []);
      // Each sync job counts as a client of its own for the rate limits, not as every anonymous client.
      await sync.begin((document, variables, job) => gateway.execute(document, variables, { client: `sync:${job}` }));
      await sync.resumeUnfinished();
    }
    const shutdown = async (deadlineMs?: number) => {
      await sync?.stop();
      const result = await gateway.shutdown(deadlineMs);
      await registry.close();
      return result;
    };
    return {
      ...gateway,
      registry,
      served,
      sync,
      seeded,
      seededSync,
      shutdown,
      close: async (deadlineMs?: number) => void (await shutdown(deadlineMs)),
    };
  } catch (error) {
    await sync?.stop().catch(() => {});
    await served?.close().catch(() => {});
    await registry.close().catch(() => {});
    throw error;
  }
}

/**
 * Adds the folder's sync jobs the registry lacks (by name), published, as seeding does
 * for composites; a job the registry has is left as an admin left it.
 */
async function seedSyncJobs(sync: SyncService, files: readonly { readonly path: string; readonly text: string }[]): Promise<string[]> {
  const added: string[] = [];
  for (const file of files) {
    const definition = sync.check(file.text, file.path);
    if (await sync.store.job(definition.name)) continue;
    await sync.save(SEEDING, file.text, { file: file.path, publish: true });
    added.push(definition.name);
  }
  return added;
}
