import type { Graph } from '../graph/index.js';
import type { Candidate, GraphFactory } from './candidate.js';
import { CHANGE_CHANNEL, type Registry } from './registry.js';
import type { RegistrySnapshot } from './records.js';

/** One request's hold on a graph: the graph stays open until every lease is released. */
export interface GraphLease {
  readonly graph: Graph;
  release(): void;
}

export interface ServedGraphOptions {
  /** Told when a reload fails (the last good graph keeps serving) or the store comes back. */
  readonly warn?: (message: string) => void;
  /** Told after each swap. */
  readonly onSwap?: (revision: number, graph: Graph) => void;
  /** How often to compare revisions as well, in ms; a safety net under NOTIFY. 0: never. */
  readonly pollMs?: number;
}

interface Served {
  readonly graph: Graph;
  readonly revision: number;
  leases: number;
  retired: boolean;
}

/**
 * The graph a gateway serves, built from the registry's published and paused composites
 * and rebuilt when the registry changes: on NOTIFY from any gateway sharing the store, on
 * reconnecting after the store was lost, and on a slow poll. A request leases the graph
 * it started with and keeps it to the end; an old graph's upstream pools are closed once
 * its last lease is released. When a rebuild fails (the store is unreachable), the last
 * good graph keeps serving and the next notification or poll tries again.
 */
export class ServedGraph {
  #served: Served;
  #refreshing: Promise<void> | undefined;
  #again = false;
  #failing = false;
  #lastError: string | undefined;
  #builtAt = new Date();
  #unlisten: (() => Promise<void>) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  /** The store was re-created: its revisions count from 0 again, so the served one says nothing. */
  #recreated = false;
  readonly #listeners = new Set<(graph: Graph) => void>();

  private constructor(
    readonly registry: Registry,
    private readonly graphs: GraphFactory,
    private readonly options: ServedGraphOptions,
    initial: Served,
  ) {
    this.#served = initial;
  }

  /** Builds the first graph (failing loudly if it cannot) and starts following changes. */
  static async start(registry: Registry, graphs: GraphFactory, options: ServedGraphOptions = {}): Promise<ServedGraph> {
    const snapshot = await registry.snapshot();
    const graph = await graphs.build(candidateOf(snapshot));
    revisions.set(graph, snapshot.revision);
    const served = new ServedGraph(registry, graphs, options, { graph, revision: snapshot.revision, leases: 0, retired: false });
    registry.db.onRecreated?.(() => {
      served.#recreated = true;
      void served.refresh();
    });
    try {
      served.#unlisten = await registry.db.listen(CHANGE_CHANNEL, {
        onMessage: (payload) => {
          if (Number(payload) !== served.revision) void served.refresh();
        },
        onLost: (error) => served.#warnOnce(`lost the registry's change notifications (${error.message}); serving revision ${served.revision} until it is back`),
        onReconnect: () => void served.refresh(),
      });
    } catch (error) {
      await graph.close();
      throw error;
    }
    if (options.pollMs) {
      served.#timer = setInterval(() => void served.refresh(), options.pollMs);
      served.#timer.unref();
    }
    return served;
  }

  /** The graph new requests get. */
  current(): Graph {
    return this.#served.graph;
  }

  get revision(): number {
    return this.#served.revision;
  }

  get builtAt(): Date {
    return this.#builtAt;
  }

  /** Why the last reload failed, while the gateway serves an older revision because of it. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  acquire(): GraphLease {
    const served = this.#served;
    served.leases++;
    let released = false;
    return {
      graph: served.graph,
      release: () => {
        if (released) return;
        released = true;
        served.leases--;
        if (served.retired && served.leases === 0) void served.graph.close();
      },
    };
  }

  /**
   * Rebuilds if the registry moved past the served revision. Calls made while one runs
   * share it and are followed by one more, so the last change is never missed.
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#refreshing) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          await this.#reload();
        } while (this.#again && !this.#closed);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /**
   * Calls `listener` with every graph this starts to serve, after the swap (the MCP door
   * tells its sessions their tool list changed). Returns how to stop.
   */
  subscribe(listener: (graph: Graph) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    if (this.#timer) clearInterval(this.#timer);
    await this.#refreshing?.catch(() => {});
    await this.#unlisten?.().catch(() => {});
    const served = this.#served;
    served.retired = true;
    if (served.leases === 0) await served.graph.close();
  }

  async #reload(): Promise<void> {
    let graph: Graph | undefined;
    const recreated = this.#recreated;
    this.#recreated = false;
    try {
      // A revision below the served one means the store was replaced (re-created empty and
      // migrated again): what it holds now is served, or its changes would stay unseen
      // until its revision passed the old one.
      const revision = await this.registry.revision();
      if (revision === this.#served.revision && !recreated) {
        this.#recovered();
        return;
      }
      const snapshot = await this.registry.snapshot();
      if (snapshot.revision === this.#served.revision && !recreated) return;
      graph = await this.graphs.build(candidateOf(snapshot));
      if (this.#closed) {
        await graph.close();
        return;
      }
      revisions.set(graph, snapshot.revision);
      const old = this.#served;
      this.#served = { graph, revision: snapshot.revision, leases: 0, retired: false };
      this.#builtAt = new Date();
      old.retired = true;
      if (old.leases === 0) void old.graph.close();
      this.#recovered();
      this.options.onSwap?.(snapshot.revision, graph);
      for (const listener of this.#listeners) listener(graph);
    } catch (error) {
      if (recreated) this.#recreated = true;
      this.#lastError = (error as Error).message;
      this.#warnOnce(`could not reload from the registry (${this.#lastError}); still serving revision ${this.#served.revision}`);
    }
  }

  #warnOnce(message: string): void {
    if (this.#failing) return;
    this.#failing = true;
    this.options.warn?.(message);
  }

  #recovered(): void {
    if (this.#failing) this.options.warn?.(`the registry is reachable again; serving revision ${this.#served.revision}`);
    this.#failing = false;
    this.#lastError = undefined;
  }
}

const revisions = new WeakMap<Graph, number>();

/** The registry revision a served graph was built from. */
export function revisionOf(graph: Graph): number | undefined {
  return revisions.get(graph);
}

/** What a snapshot serves, as a candidate for the graph factory. */
export function candidateOf(snapshot: RegistrySnapshot): Candidate {
  return {
    sources: snapshot.sources.map((s) => ({ name: s.name, sdl: s.sdl, attachments: s.attachments })),
    composites: snapshot.composites.map((c) => ({
      name: c.name,
      document: c.liveDocument ?? c.document,
      protocol: (c.liveDocument === null ? c.protocol : c.liveProtocol) ?? undefined,
      paused: c.state === 'paused',
    })),
  };
}
