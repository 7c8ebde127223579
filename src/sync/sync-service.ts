import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Graph } from '../graph/index.js';
import { RegistryError, type ChangeAuthor, type RegistryDatabase, type SourceRecord } from '../registry/index.js';
import { SchemaError, schemaErrorsOf } from '../errors/schema-error.js';
import { CronScheduler, type SchedulerClock } from './cron-schedule.js';
import { embeddedEngine } from './embedded-engine.js';
import { DEFAULT_ENGINE_SETTINGS, stableUuid, type JobEngine, type JobEngineSettings, type SyncJobRequest } from './job-engine.js';
import { readGivenChanges, type GivenChanges } from './given-changes.js';
import { startPgBossEngine } from './pg-boss-engine.js';
import { readSyncDefinition, syncPath, type SyncDefinition } from './sync-definition.js';
import { SyncRunner, type GraphExecutor, type RunEnd } from './sync-runner.js';
import { SyncStore, type SyncJobRecord, type SyncRunRecord } from './sync-store.js';
import { checkReadOperation, writeOperation } from './write-operation.js';
import { sourcesOfSyncJob, syncJobFromXML, syncJobToXML } from './sync-export.js';
import { SyncEventListener } from './sync-events.js';
import { createHash } from 'node:crypto';

export interface SyncServiceOptions {
  readonly db: RegistryDatabase;
  /** Set with the store on PostgreSQL: jobs run on pg-boss there. */
  readonly databaseUrl?: string;
  /** The served graph: documents are checked against its schema, writes typed by it, exports name its sources. */
  readonly graph: () => Graph;
  /** The registry's sources, which an export references and an import needs. */
  readonly sources: (name: string) => Promise<SourceRecord | undefined>;
  readonly engine?: Partial<JobEngineSettings>;
  /** How long a run's lease lasts between checkpoints (SKEIN_SYNC_LEASE_MS). */
  readonly leaseMs?: number;
  readonly concurrency?: number;
  readonly backoffMs?: number;
  readonly clock?: SchedulerClock;
  /** No timer of its own: a test calls `scheduler.tick()`. */
  readonly manualSchedule?: boolean;
  readonly warn?: (message: string) => void;
}

/**
 * Sync jobs on a gateway: their documents in the registry (checked against the served
 * graph before they are stored), their schedules, the job engine that runs them (pg-boss
 * on PostgreSQL, an in-process queue on the embedded store) and the runner.
 */
export class SyncService {
  readonly store: SyncStore;
  readonly scheduler: CronScheduler;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  #runner: SyncRunner | undefined;
  #execute: GraphExecutor | undefined;
  #events: SyncEventListener | undefined;
  #eventTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: SyncServiceOptions,
    readonly engine: JobEngine,
  ) {
    this.store = new SyncStore(options.db);
    this.scheduler = new CronScheduler(engine, () => this.#schedules(), options.clock, options.warn);
  }

  static async start(options: SyncServiceOptions): Promise<SyncService> {
    const settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.engine };
    const warn = options.warn ?? ((message: string) => console.error(message));
    const engine = options.databaseUrl ? await startPgBossEngine(options.databaseUrl, settings, warn) : embeddedEngine(options.db, settings, warn);
    return new SyncService(options, engine);
  }

  /** Starts running jobs once the gateway can execute documents through its pipeline. */
  async begin(execute: GraphExecutor): Promise<void> {
    this.#execute = execute;
    this.#runner = new SyncRunner({
      store: this.store,
      execute,
      schema: () => this.options.graph().schema,
      owner: this.owner,
      leaseMs: this.options.leaseMs ?? 60_000,
      concurrency: this.options.concurrency ?? 8,
      backoffMs: this.options.backoffMs ?? 500,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    await this.engine.work((request, queueId) => this.#handle(request, queueId));
    if (!this.options.manualSchedule) this.scheduler.start();
    this.#events = new SyncEventListener((job, trigger, body, once) => this.receive(job, trigger, body, once), this.options.warn ?? ((m) => console.error(m)));
    await this.followEvents();
    // Jobs published on another gateway, and graphs rebuilt, are followed within seconds.
    this.#eventTimer = setInterval(() => void this.followEvents(), 2_000);
    this.#eventTimer.unref();
  }

  /** Subscribes the event-driven jobs that are published (and unsubscribes the others) on the served graph's event sources. */
  async followEvents(): Promise<void> {
    if (!this.#events) return;
    const jobs = (await this.store.jobs().catch(() => [])).filter((j) => j.state === 'published' && j.liveDocument);
    const driven = jobs.flatMap((job) => {
      const event = this.#definition(job)?.event;
      return event ? [{ name: job.name, ...event }] : [];
    });
    await this.#events.follow(this.options.graph(), driven);
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    clearInterval(this.#eventTimer);
    await this.#events?.close();
    await this.engine.stop();
  }

  #definition(job: SyncJobRecord): SyncDefinition | undefined {
    try {
      return readSyncDefinition(job.liveDocument ?? job.document, syncPath(job.name));
    } catch {
      return undefined;
    }
  }

  // ── documents and lifecycle ─────────────────────────────────────────────

  /** Reads and checks a sync job document against the served graph; throws a RegistryError listing file:line:column, storing nothing. */
  check(document: string, file?: string): SyncDefinition {
    try {
      const definition = readSyncDefinition(document, file ?? '<sync job>');
      const graph = this.options.graph();
      checkReadOperation(definition.readDocument, graph.schema);
      if (definition.event && !graph.brokers.get(definition.event.source)) {
        const known = [...graph.brokers.names()];
        throw new SchemaError(
          `event.source "${definition.event.source}" is not an event source of the graph; ${known.length ? `its event sources are ${known.join(', ')}` : 'it has none (declare one with @source(kind: NATS) or MQTT)'}`,
          definition.event.at,
        );
      }
      for (const kind of ['create', 'update', 'delete', 'upsert', 'verify'] as const) {
        const call = definition.writes[kind];
        if (call) writeOperation(call, graph.schema, `${definition.file} (${kind})`, kind === 'verify' ? 'query' : 'mutation');
      }
      return definition;
    } catch (error) {
      const errors = schemaErrorsOf(error);
      if (errors.length === 0) throw error;
      const details = errors.map((e: SchemaError) => e.format());
      throw new RegistryError('BAD_INPUT', `the sync job was refused, nothing was stored: ${details[0]}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`, details);
    }
  }

  async save(by: ChangeAuthor, document: string, options: { file?: string; note?: string; publish?: boolean } = {}): Promise<{ job: SyncJobRecord; changed: boolean }> {
    const definition = this.check(document, options.file);
    const saved = await this.store.save(by, definition.name, document, options.note ?? null);
    if (!options.publish) return saved;
    const published = await this.change(by, definition.name, 'publish');
    return { job: published.job, changed: saved.changed || published.changed };
  }

  async change(by: ChangeAuthor, name: string, action: 'publish' | 'pause' | 'resume' | 'delete', version?: number) {
    const changed = await this.store.change(by, name, action, version);
    if (changed.changed) await this.followEvents();
    return changed;
  }

  /** A job version (the newest by default) as a portable XML file, with references to the sources it reads and writes. */
  async exportJob(name: string, options: { version?: number; exportedFrom?: string } = {}): Promise<string> {
    const job = await this.store.job(name);
    if (!job) throw new RegistryError('NOT_FOUND', `no sync job named "${name}"; \`skein sync list\` shows them`);
    const version = options.version ?? job.version;
    const chosen = (await this.store.versions(name)).find((v) => v.version === version);
    if (!chosen) throw new RegistryError('NOT_FOUND', `sync job "${name}" has no version ${version}; it has 1 to ${job.version}`);
    const definition = readSyncDefinition(chosen.document, syncPath(name));
    const references = [];
    for (const sourceName of sourcesOfSyncJob(definition, this.options.graph())) {
      const source = await this.options.sources(sourceName);
      if (source) references.push({ name: source.name, kind: source.kind, version: source.version, sha256: sha256(source.sdl) });
    }
    return syncJobToXML({
      format: 1,
      name,
      version,
      state: job.state,
      document: chosen.document,
      sources: references,
      exportedAt: new Date().toISOString(),
      exportedFrom: options.exportedFrom ?? null,
    });
  }

  /** Imports an export as the job's next version (a draft unless `publish`); refused, storing nothing, when a source it needs is missing or the document does not fit this graph. */
  async importJob(by: ChangeAuthor, xml: string, options: { publish?: boolean } = {}): Promise<{ job: SyncJobRecord; changed: boolean }> {
    const exported = syncJobFromXML(xml);
    const missing = [];
    for (const reference of exported.sources) if (!(await this.options.sources(reference.name))) missing.push(reference.name);
    if (missing.length) {
      throw new RegistryError('MISSING_SOURCES', `sync job ${exported.name} needs the source${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this registry does not have; register ${missing.length > 1 ? 'them' : 'it'} first`, missing);
    }
    return this.save(by, exported.document, {
      file: `${exported.name}.xml`,
      note: `imported from ${exported.exportedFrom ?? 'a file'} v${exported.version}`,
      publish: options.publish,
    });
  }

  // ── runs ────────────────────────────────────────────────────────────────

  /** Queues a run of a published job now (`skein sync run`, the admin mutation, a webhook); the run, to follow. */
  async trigger(name: string, trigger: string): Promise<SyncRunRecord> {
    const job = await this.#runnable(name);
    const definition = readSyncDefinition(job.liveDocument!, syncPath(name));
    const run = await this.store.createRun(job, trigger, definition.rule);
    await this.engine.send({ job: name, trigger, runId: run.id });
    return run;
  }

  /**
   * What a webhook call or a message carried (its JSON body, see readGivenChanges): with
   * records or deleted keys, a run that applies exactly those (checked and mapped now, so a
   * bad body is refused before anything is queued: a GivenChangesError); without, a change
   * notification, which queues a run that reads the source (joining one still waiting).
   * `once` (a message's id, a webhook call's Idempotency-Key) makes changes sent again the
   * same run, not a second one.
   */
  async receive(name: string, trigger: string, body: unknown, once?: string): Promise<{ run: SyncRunRecord; given?: GivenChanges }> {
    const job = await this.#runnable(name);
    const definition = readSyncDefinition(job.liveDocument!, syncPath(name));
    const given = await readGivenChanges(body, definition, this.options.graph().schema);
    if (!given) return { run: await this.triggerCoalesced(name, trigger) };
    const run = await this.store.createRun(job, trigger, definition.rule, once && `given:${name}:${once}`, given);
    await this.engine.send({ job: name, trigger, runId: run.id }, once ? { id: stableUuid(`given:${name}:${once}`) } : {});
    return { run, given };
  }

  /** A run for a change notification (a webhook, a message): the one reading the source still waiting to start, else a new one. */
  async triggerCoalesced(name: string, trigger: string): Promise<SyncRunRecord> {
    for (const run of await this.store.runs({ job: name, limit: 5 })) {
      // A run applying given changes reads nothing: a notification does not join it.
      if (run.state === 'queued' && run.trigger === trigger && !(await this.store.given(run.id))) return run;
    }
    return this.trigger(name, trigger);
  }

  /** The webhook a job's live version declares, if any. */
  webhookOf(job: SyncJobRecord): { readonly secretEnv: string } | undefined {
    try {
      return readSyncDefinition(job.liveDocument ?? job.document, syncPath(job.name)).webhook;
    } catch {
      return undefined;
    }
  }

  /** Writes again the records a target refused; the counts. */
  async replay(name: string, runId?: number): Promise<{ replayed: number; failed: number }> {
    if (!this.#runner) throw new Error('sync jobs are not running on this gateway yet');
    return this.#runner.replay(name, runId);
  }

  /** Queues again the runs that stopped midway (paused ones when due): a gateway starting after a crash calls it. */
  async resumeUnfinished(): Promise<number> {
    let sent = 0;
    for (const run of await this.store.unfinished()) {
      if (await this.engine.send({ job: run.job, trigger: run.trigger, runId: run.id }, { startAfter: run.resumeAt ? new Date(run.resumeAt) : undefined })) sent++;
    }
    return sent;
  }

  async #handle(request: SyncJobRequest, queueId: string): Promise<void> {
    const job = await this.store.job(request.job);
    if (!job || job.state !== 'published') return; // paused or deleted since it was queued: nothing to do
    const runId = request.runId ?? (await this.store.createRun(job, request.trigger, readSyncDefinition(job.liveDocument!, syncPath(job.name)).rule, queueId)).id;
    const end: RunEnd = await this.#runner!.run(runId);
    if (end.kind === 'paused') {
      await this.engine.send({ job: request.job, trigger: request.trigger, runId }, { startAfter: end.resumeAt });
    } else if (end.kind === 'busy') {
      const run = await this.store.run(runId);
      // Another gateway holds it (its lease has not run out): throw so the queue tries again later.
      if (run && (run.state === 'running' || run.state === 'queued')) throw new Error(`run ${runId} of ${request.job} is held by ${run.leaseOwner}`);
    }
  }

  async #runnable(name: string): Promise<SyncJobRecord> {
    const job = await this.store.job(name);
    if (!job || job.state === 'deleted') throw new RegistryError('NOT_FOUND', `no sync job named "${name}"; \`skein sync list\` shows them`);
    if (job.state !== 'published') throw new RegistryError('INVALID_TRANSITION', `sync job "${name}" is ${job.state}; publish (or resume) it to run it`);
    return job;
  }

  async #schedules() {
    const jobs = (await this.store.jobs()).filter((j) => j.state === 'published' && j.liveDocument);
    return jobs.flatMap((job) => {
      try {
        const schedule = readSyncDefinition(job.liveDocument!, syncPath(job.name)).schedule;
        return schedule ? [{ name: job.name, ...schedule }] : [];
      } catch {
        return [];
      }
    });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
