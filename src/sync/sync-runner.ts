import { createHash } from 'node:crypto';
import { parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { readSyncDefinition, syncPath, type SyncDefinition } from './sync-definition.js';
import type { OutcomeInput, SyncRunRecord, SyncStore } from './sync-store.js';
import { writeOperation } from './write-operation.js';
import type { GivenChanges } from './given-changes.js';

/** Runs a document of the gateway's own through its one pipeline (sources' resilience, budgets and limits apply). */
/** Runs a document through the gateway's pipeline for sync job `job` (the rate limits count each job as a client of its own). */
export type GraphExecutor = (document: DocumentNode, variables: Record<string, unknown>, job: string) => Promise<ExecutionResult>;

export interface SyncRunnerOptions {
  readonly store: SyncStore;
  readonly execute: GraphExecutor;
  /** The schema writes are typed against: the served graph's. */
  readonly schema: () => GraphQLSchema;
  /** Who holds a run's lease: this gateway. */
  readonly owner: string;
  /** How long a run's lease lasts without a checkpoint; another gateway takes over a run whose lease ran out. */
  readonly leaseMs: number;
  /** Writes in flight at once per page. */
  readonly concurrency: number;
  /** Waits between retries; injectable so tests need no real time. */
  readonly sleep: (ms: number) => Promise<void>;
  /** First retry's wait; doubles each time. */
  readonly backoffMs: number;
}

/** How a run ended on this gateway. */
export type RunEnd =
  | { readonly kind: 'finished'; readonly run: SyncRunRecord }
  /** The target failed for every record: the run waits, from its checkpoint, until `resumeAt`. */
  | { readonly kind: 'paused'; readonly resumeAt: Date; readonly error: string }
  /** Another gateway holds the run's lease, or it is finished. */
  | { readonly kind: 'busy' }
  /** The lease was taken over while running (this gateway stalled): stopped without writing more. */
  | { readonly kind: 'lost' };

interface Position {
  /** Offset, page number or cursor of the next page; null: the first page of a cursor. */
  readonly at: number | string | null;
  readonly done: boolean;
}

/** The job's write calls as mutation (and, for verify, query) documents typed by the served schema. */
type CompiledWrites = Readonly<Partial<Record<'create' | 'update' | 'delete' | 'upsert' | 'verify', DocumentNode>>>;

interface WriteFailure {
  readonly message: string;
  readonly retryable: boolean;
}

/**
 * One run of a sync job: reads the source page by page through the graph, maps each
 * record, and writes it to the target by key, storing the page's outcomes (one
 * transaction) before moving the checkpoint on. So a run stopped anywhere resumes on any
 * gateway from its last page, skipping records already handled; a record of the page it
 * stopped in, written but without a stored outcome, is written again with the same
 * idempotency key, which a target that honours one (as `$idempotencyKey`) applies once.
 */
export class SyncRunner {
  /** Runs this gateway is working on: the queue may hand one out again while it runs (pg-boss gives up waiting at its expiry). */
  readonly #active = new Set<number>();

  constructor(private readonly options: SyncRunnerOptions) {}

  async run(runId: number): Promise<RunEnd> {
    if (this.#active.has(runId)) return { kind: 'busy' };
    this.#active.add(runId);
    try {
      return await this.#run(runId);
    } finally {
      this.#active.delete(runId);
    }
  }

  async #run(runId: number): Promise<RunEnd> {
    const { store, owner, leaseMs } = this.options;
    const run = await store.claim(runId, owner, leaseMs);
    if (!run) return { kind: 'busy' };
    const [version] = (await store.versions(run.job)).filter((v) => v.version === run.version);
    const definition = readSyncDefinition(version.document, syncPath(run.job));
    const writes = this.#compileWrites(definition);
    const given = await store.given(run.id);
    if (given) return this.#applyGiven(run, definition, writes, given);
    const read = parse(definition.read);
    let position = (run.checkpoint as Position | null) ?? { at: firstPosition(definition), done: false };
    let cursorFrom = run.cursorFrom;
    if (!run.checkpoint && definition.cursor) {
      cursorFrom = await store.cursor(run.job);
      await store.setCursorFrom(run.id, cursorFrom);
    }
    let cursorTo = run.cursorTo;
    while (!position.done) {
      const variables: Record<string, unknown> = {};
      if (definition.paging.variable && position.at !== null) variables[definition.paging.variable] = position.at;
      if (definition.paging.sizeVariable) variables[definition.paging.sizeVariable] = definition.paging.size;
      if (definition.cursor) variables[definition.cursor.variable] = cursorFrom;
      const page = await this.#readPage(definition, read, variables);
      if ('error' in page) {
        const resumeAt = new Date(Date.now() + this.options.backoffMs * 8);
        await store.pause(run.id, page.error, resumeAt);
        return { kind: 'paused', resumeAt, error: page.error };
      }
      const written = await this.#writePage(run, definition, writes, page.records);
      if ('kind' in written) return written;
      if (definition.cursor) {
        for (const record of page.records) cursorTo = later(cursorTo, record[definition.cursor.field]);
      }
      position = nextPosition(definition, position, page.records.length, page.next);
      if (!(await store.checkpoint(run.id, owner, position, leaseMs, cursorTo))) return { kind: 'lost' };
    }
    if (definition.rule === 'DIFF' && writes.delete) await this.#deleteKeys(run, writes.delete, await store.vanished(run.job, run.id), definition.retries);
    if (definition.cursor && cursorTo !== null) await store.setCursor(run.job, cursorTo);
    await store.finish(run.id, 'succeeded');
    return { kind: 'finished', run: (await store.run(run.id))! };
  }

  /**
   * A run for changes a webhook call or a message carried: one page given instead of read,
   * written as a read page is, then the keys it deletes. The job's incremental cursor does
   * not move: what was pushed says nothing about what the source holds before it.
   */
  async #applyGiven(run: SyncRunRecord, definition: SyncDefinition, writes: CompiledWrites, given: GivenChanges): Promise<RunEnd> {
    const { store, owner, leaseMs } = this.options;
    const written = await this.#writePage(run, definition, writes, given.records);
    if ('kind' in written) return written;
    if (given.deleted.length && writes.delete) {
      const handled = await store.handled(run.id, given.deleted);
      await this.#deleteKeys(run, writes.delete, given.deleted.filter((key) => !handled.has(key)), definition.retries);
    }
    if (!(await store.checkpoint(run.id, owner, { at: null, done: true }, leaseMs))) return { kind: 'lost' };
    await store.finish(run.id, 'succeeded');
    return { kind: 'finished', run: (await store.run(run.id))! };
  }

  /**
   * Maps and writes one page of records by key, skipping keys this run handled already
   * (it resumed), and stores the page's outcomes and read count together. Paused when
   * `pauseAfter` records in a row failed with a retryable error (the target is down).
   */
  async #writePage(
    run: SyncRunRecord,
    definition: SyncDefinition,
    writes: CompiledWrites,
    page: readonly Record<string, unknown>[],
  ): Promise<{ readonly pending: number } | Extract<RunEnd, { kind: 'paused' }>> {
    const { store } = this.options;
    const byKey = new Map<string, Record<string, unknown>>();
    for (const record of page.map((r) => mapRecord(r, definition))) {
      const key = record[definition.key];
      if (key === undefined || key === null) continue;
      byKey.set(String(key), record);
    }
    const keys = [...byKey.keys()];
    const handled = await store.handled(run.id, keys);
    const knownKeys = await store.hashes(run.job, keys);
    let consecutive = 0;
    let pausedWith: string | undefined;
    // Outcomes are stored together at the end of the page, before its checkpoint (see the class comment).
    const outcomes: OutcomeInput[] = [];
    const retryableFailures: OutcomeInput[] = [];
    const pending = keys.filter((key) => !handled.has(key));
    await eachLimited(pending, this.options.concurrency, async (key) => {
      if (pausedWith) return;
      const record = byKey.get(key)!;
      const hash = contentHash(record);
      const previous = knownKeys.get(key);
      if (definition.rule === 'DIFF' && previous === hash) {
        outcomes.push({ key, outcome: 'unchanged', counter: 'skipped', hash });
        return;
      }
      const kind = writes.upsert ? 'upsert' : previous === undefined ? 'create' : 'update';
      const failure =
        (await this.#write(run.job, writes[kind]!, { record, key: record[definition.key], idempotencyKey: `${run.job}:${run.uid}:${key}` }, definition.retries)) ??
        (writes.verify ? await this.#verify(run.job, writes.verify, record, record[definition.key]) : undefined);
      if (!failure) {
        consecutive = 0;
        outcomes.push({ key, outcome: 'written', counter: 'written', operation: kind, hash });
      } else if (failure.retryable) {
        // Decided at the end of the page: kept for replay, or (the target is down) left for the resumed run.
        retryableFailures.push({ key, outcome: 'failed', counter: 'failed', operation: kind, record, hash, error: failure.message });
        if (++consecutive >= definition.pauseAfter) pausedWith = failure.message;
      } else {
        consecutive = 0;
        outcomes.push({ key, outcome: 'failed', counter: 'failed', operation: kind, record, hash, error: failure.message });
      }
    });
    if (pausedWith) {
      await store.recordOutcomes(run, outcomes);
      const resumeAt = new Date(Date.now() + this.options.backoffMs * 8);
      await store.pause(run.id, `the target failed ${definition.pauseAfter} records in a row; paused until ${resumeAt.toISOString()}: ${pausedWith}`, resumeAt);
      return { kind: 'paused', resumeAt, error: pausedWith };
    }
    await store.recordOutcomes(run, [...outcomes, ...retryableFailures]);
    await store.countRead(run.id, pending.length);
    return { pending: pending.length };
  }

  /** Deletes keys from the target (DIFF: gone from the source; given: the caller said so), each outcome stored. */
  async #deleteKeys(run: SyncRunRecord, document: DocumentNode, keys: readonly string[], retries: number): Promise<void> {
    for (const key of keys) {
      const failure = await this.#write(run.job, document, { key, idempotencyKey: `${run.job}:${run.uid}:${key}:delete` }, retries);
      if (failure) await this.options.store.recordOutcome(run, { key, outcome: 'failed', counter: 'failed', operation: 'delete', error: failure.message });
      else await this.options.store.recordOutcome(run, { key, outcome: 'deleted', counter: 'deleted', operation: 'delete' });
    }
  }

  /** Writes a record a target refused once more (`skein sync replay`); its outcome becomes `replayed` when it goes through. */
  async replay(job: string, runId?: number): Promise<{ replayed: number; failed: number }> {
    const { store } = this.options;
    const jobRecord = await store.job(job);
    if (!jobRecord) throw new Error(`no sync job named "${job}"`);
    const definition = readSyncDefinition(jobRecord.liveDocument ?? jobRecord.document, syncPath(job));
    const writes = this.#compileWrites(definition);
    let replayed = 0;
    let failed = 0;
    for (const item of await store.failedRecords(job, runId)) {
      const kind = (item.operation ?? 'upsert') as keyof typeof writes;
      const document = writes[kind] ?? writes.upsert ?? writes.update;
      if (!document) continue;
      const variables = item.record ? { record: item.record, key: item.record[definition.key] ?? item.key } : { key: item.key };
      const failure = await this.#write(job, document, { ...variables, idempotencyKey: `${job}:${item.runUid}:${item.key}:replay` }, definition.retries);
      const run = { id: item.runId, job };
      if (failure) {
        failed++;
        await store.recordOutcome(run, { key: item.key, outcome: 'failed', counter: 'failed', operation: item.operation ?? undefined, record: item.record ?? undefined, error: failure.message }, true);
      } else {
        replayed++;
        const deleted = kind === 'delete';
        await store.recordOutcome(
          run,
          { key: item.key, outcome: deleted ? 'deleted' : 'replayed', counter: deleted ? 'deleted' : 'written', operation: kind, hash: item.record ? contentHash(item.record) : undefined },
          true,
        );
      }
    }
    return { replayed, failed };
  }

  #compileWrites(definition: SyncDefinition): CompiledWrites {
    const schema = this.options.schema();
    const compiled: { -readonly [K in keyof CompiledWrites]: CompiledWrites[K] } = {};
    for (const kind of ['create', 'update', 'delete', 'upsert', 'verify'] as const) {
      const call = definition.writes[kind];
      if (call) compiled[kind] = writeOperation(call, schema, `${definition.file} (${kind})`, kind === 'verify' ? 'query' : 'mutation');
    }
    return compiled;
  }

  /** Reads a written record back (`verify:`); what differs, or undefined when every field read equals the record's. */
  async #verify(job: string, document: DocumentNode, record: Record<string, unknown>, key: unknown): Promise<WriteFailure | undefined> {
    const result = await this.options.execute(document, { key, record }, job);
    if (result.errors?.length) return classify(result);
    const value = Object.values(result.data ?? {})[0] as Record<string, unknown> | null | undefined;
    if (value === null || value === undefined) return { message: `verification: the target has no record ${String(key)} after the write`, retryable: false };
    for (const [field, read] of Object.entries(value)) {
      if (field in record && stableJson(record[field]) !== stableJson(read)) {
        return { message: `verification: the target has ${field} ${JSON.stringify(read)} for ${String(key)}, where ${JSON.stringify(record[field])} was written`, retryable: false };
      }
    }
    return undefined;
  }

  async #readPage(
    definition: SyncDefinition,
    read: DocumentNode,
    variables: Record<string, unknown>,
  ): Promise<{ records: Record<string, unknown>[]; next: unknown } | { error: string }> {
    let lastError = '';
    for (let attempt = 0; attempt <= definition.retries; attempt++) {
      if (attempt > 0) await this.options.sleep(this.options.backoffMs * 2 ** (attempt - 1));
      const result = await this.options.execute(read, variables, definition.name);
      const value = (result.data as Record<string, unknown> | null | undefined)?.[definition.field];
      if (value !== null && value !== undefined && !result.errors?.length) {
        const list = definition.items ? pathOf(value, definition.items) : value;
        if (!Array.isArray(list)) return { error: `${definition.file}: ${definition.field}${definition.items ? `.${definition.items}` : ''} is not a list of records` };
        return { records: list as Record<string, unknown>[], next: definition.paging.next ? pathOf(value, definition.paging.next) : undefined };
      }
      lastError = result.errors?.map((e) => e.message).join('; ') ?? `${definition.field} answered null`;
    }
    return { error: `reading ${definition.field} failed: ${lastError}` };
  }

  async #write(job: string, document: DocumentNode, variables: Record<string, unknown>, retries: number): Promise<WriteFailure | undefined> {
    let failure: WriteFailure | undefined;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await this.options.sleep(this.options.backoffMs * 2 ** (attempt - 1));
      const result = await this.options.execute(document, variables, job);
      if (!result.errors?.length) return undefined;
      failure = classify(result);
      if (!failure.retryable) return failure;
    }
    return failure;
  }
}

const RETRYABLE_CODES = new Set(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_CIRCUIT_OPEN', 'UPSTREAM_OVERLOADED', 'UPSTREAM_CANCELLED']);

/** A 5xx, a timeout or no connection may pass on a retry; a 4xx (the record itself is refused) will not. */
function classify(result: ExecutionResult): WriteFailure {
  const error = result.errors![0];
  const code = error.extensions?.code;
  const status = Number(error.extensions?.status);
  const retryable = RETRYABLE_CODES.has(String(code)) || (code === 'UPSTREAM_HTTP_ERROR' && (status >= 500 || status === 429));
  return { message: error.message, retryable };
}

/** A stable hash of a record's content: the same fields and values, in any order, hash the same. */
export function contentHash(record: unknown): string {
  return createHash('sha256').update(stableJson(record)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function firstPosition(definition: SyncDefinition): number | string | null {
  switch (definition.paging.style) {
    case 'OFFSET':
      return 0;
    case 'PAGE':
      return definition.paging.first ?? 1;
    default:
      return null;
  }
}

function nextPosition(definition: SyncDefinition, position: Position, read: number, next: unknown): Position {
  const { style, size } = definition.paging;
  switch (style) {
    case 'NONE':
      return { at: null, done: true };
    case 'OFFSET':
      return { at: Number(position.at) + read, done: read < size! };
    case 'PAGE':
      return { at: Number(position.at) + 1, done: read < size! };
    case 'CURSOR':
      return next === null || next === undefined || next === '' ? { at: position.at, done: true } : { at: String(next), done: read === 0 };
  }
}

/** The later of two cursor values: numbers by value, anything else (ISO times) as text. */
function later(current: string | null, value: unknown): string | null {
  if (value === null || value === undefined) return current;
  const text = String(value);
  if (current === null) return text;
  if (typeof value === 'number' && !Number.isNaN(Number(current))) return value > Number(current) ? text : current;
  return text > current ? text : current;
}

/**
 * A record as it is written: the selection's mapping (done by the read, or for given
 * changes by readGivenChanges), the constants added, and the cursor field taken off
 * (it is read for the checkpoint, not written: select it twice, aliased, to write it too).
 */
function mapRecord(record: Record<string, unknown>, definition: SyncDefinition): Record<string, unknown> {
  return withoutField({ ...record, ...definition.constants }, definition.cursor?.field);
}

function withoutField(record: Record<string, unknown>, field: string | undefined): Record<string, unknown> {
  if (field === undefined || !(field in record)) return record;
  const { [field]: _dropped, ...rest } = record;
  return rest;
}

function pathOf(value: unknown, path: string): unknown {
  let at = value;
  for (const part of path.split('.')) at = at === null || at === undefined ? undefined : (at as Record<string, unknown>)[part];
  return at;
}

async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
