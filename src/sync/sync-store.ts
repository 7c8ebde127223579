import type { ChangeAuthor, CompositeState, RegistryDatabase, SqlExecutor } from '../registry/index.js';
import { RegistryError, transition } from '../registry/index.js';
import type { GivenChanges } from './given-changes.js';

export type SyncJobState = CompositeState;
export type SyncRunState = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed';
export type RecordOutcome = 'written' | 'unchanged' | 'failed' | 'deleted' | 'replayed';

export interface SyncJobRecord {
  readonly name: string;
  readonly state: SyncJobState;
  readonly version: number;
  readonly liveVersion: number | null;
  readonly document: string;
  readonly liveDocument: string | null;
  readonly updatedAt: string;
}

export interface SyncJobVersion {
  readonly name: string;
  readonly version: number;
  readonly document: string;
  readonly note: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface SyncRunRecord {
  readonly id: number;
  /** Unique across registries: the idempotency keys of the run's writes carry it. */
  readonly uid: string;
  readonly job: string;
  readonly version: number;
  /** `schedule`, `manual`, `webhook`, `event`, `replay`. */
  readonly trigger: string;
  readonly state: SyncRunState;
  readonly rule: string;
  readonly queuedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly read: number;
  readonly written: number;
  readonly skipped: number;
  readonly failed: number;
  readonly deleted: number;
  readonly checkpoint: unknown;
  readonly cursorFrom: string | null;
  readonly cursorTo: string | null;
  readonly error: string | null;
  readonly leaseOwner: string | null;
  readonly resumeAt: string | null;
}

export interface FailedRecord {
  readonly runId: number;
  readonly runUid: string;
  readonly key: string;
  readonly operation: string | null;
  readonly record: Record<string, unknown> | null;
  readonly error: string | null;
  readonly attempts: number;
}

/** A run's counters after one record. */
export type Counter = 'written' | 'skipped' | 'failed' | 'deleted';

/** What happened to one record, to store. */
export interface OutcomeInput {
  readonly key: string;
  readonly outcome: RecordOutcome;
  readonly counter: Counter;
  readonly operation?: string;
  readonly record?: unknown;
  readonly hash?: string;
  readonly error?: string;
}

/**
 * Where sync jobs, their runs and every record's outcome live: the registry's database
 * (embedded or PostgreSQL), so a run that stops resumes where it was, on any gateway.
 * Lifecycle changes are audited in the registry's trail like a composite's.
 */
export class SyncStore {
  constructor(readonly db: RegistryDatabase) {}

  // ── jobs ────────────────────────────────────────────────────────────────

  async jobs(options: { includeDeleted?: boolean } = {}): Promise<SyncJobRecord[]> {
    const rows = await this.db.query<JobRow>(`${SELECT_JOBS} ${options.includeDeleted ? '' : `where j.state <> 'deleted'`} order by j.name`);
    return rows.map(toJob);
  }

  async job(name: string): Promise<SyncJobRecord | undefined> {
    const [row] = await this.db.query<JobRow>(`${SELECT_JOBS} where j.name = $1`, [name]);
    return row && toJob(row);
  }

  async versions(name: string): Promise<SyncJobVersion[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `select name, version, document, note, created_at, created_by from skein_sync_job_versions where name = $1 order by version`,
      [name],
    );
    return rows.map((r) => ({
      name: String(r.name),
      version: Number(r.version),
      document: String(r.document),
      note: (r.note as string | null) ?? null,
      createdAt: iso(r.created_at)!,
      createdBy: String(r.created_by),
    }));
  }

  /** Stores a new version (a draft unless the job is published or paused); an unchanged document stores nothing. */
  async save(by: ChangeAuthor, name: string, document: string, note: string | null = null): Promise<{ job: SyncJobRecord; changed: boolean }> {
    return this.db.transaction(async (tx) => {
      const current = await lockJob(tx, name);
      if (current && current.state !== 'deleted' && current.document === document) return { job: toJob(current), changed: false };
      const state = current ? transition(name, current.state, 'save', 'sync job') : 'draft';
      const version = (current?.version ?? 0) + 1;
      if (current) await tx.query(`update skein_sync_jobs set state = $2, version = $3, updated_at = now() where name = $1`, [name, state, version]);
      else await tx.query(`insert into skein_sync_jobs (name, state, version) values ($1, $2, $3)`, [name, state, version]);
      await tx.query(`insert into skein_sync_job_versions (name, version, document, note, created_by) values ($1, $2, $3, $4, $5)`, [
        name,
        version,
        document,
        note,
        by.actor,
      ]);
      await audit(tx, by, 'sync.save', name, version, { state });
      return { job: (await readJob(tx, name))!, changed: true };
    });
  }

  /** publish (a version, the newest by default), pause, resume, delete: a composite's lifecycle. */
  async change(by: ChangeAuthor, name: string, action: 'publish' | 'pause' | 'resume' | 'delete', version?: number): Promise<{ job: SyncJobRecord; changed: boolean }> {
    return this.db.transaction(async (tx) => {
      const current = await lockJob(tx, name);
      if (!current) throw new RegistryError('NOT_FOUND', `no sync job named "${name}"; \`skein sync list\` shows them`);
      const to = transition(name, current.state, action, 'sync job');
      let live = current.live_version === null ? null : Number(current.live_version);
      if (action === 'publish') {
        const chosen = version ?? Number(current.version);
        const [exists] = await tx.query(`select 1 from skein_sync_job_versions where name = $1 and version = $2`, [name, chosen]);
        if (!exists) throw new RegistryError('NOT_FOUND', `sync job "${name}" has no version ${chosen}; it has 1 to ${current.version}`);
        if (current.state === 'published' && live === chosen) return { job: toJob(current), changed: false };
        live = chosen;
      } else if (to === current.state) return { job: toJob(current), changed: false };
      if (action === 'delete') live = null;
      await tx.query(`update skein_sync_jobs set state = $2, live_version = $3, updated_at = now() where name = $1`, [name, to, live]);
      await audit(tx, by, `sync.${action}`, name, live ?? Number(current.version), { from: current.state, to });
      return { job: (await readJob(tx, name))!, changed: true };
    });
  }

  // ── runs ────────────────────────────────────────────────────────────────

  /** A new run of the job's live version; with `queueId`, the run that queue job made, once (a tick sent by two gateways is one run). */
  async createRun(job: SyncJobRecord, trigger: string, rule: string, queueId?: string, given?: GivenChanges): Promise<SyncRunRecord> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<RunRow>(
        `insert into skein_sync_runs (job, version, trigger, state, rule, queue_id) values ($1, $2, $3, 'queued', $4, $5)
         on conflict (queue_id) do nothing returning *`,
        [job.name, job.liveVersion ?? job.version, trigger, rule, queueId ?? null],
      );
      if (!row) {
        const [made] = await tx.query<RunRow>(`select * from skein_sync_runs where queue_id = $1`, [queueId]);
        return toRun(made);
      }
      if (given) await tx.query(`insert into skein_sync_given (run_id, changes) values ($1, $2)`, [row.id, JSON.stringify(given)]);
      return toRun(row);
    });
  }

  /** How many records and deleted keys a run was given, without reading them (undefined: the run reads its source). */
  async givenSize(runId: number): Promise<{ records: number; deleted: number } | undefined> {
    const [row] = await this.db.query<{ records: number; deleted: number }>(
      `select jsonb_array_length(changes->'records') as records, jsonb_array_length(changes->'deleted') as deleted from skein_sync_given where run_id = $1`,
      [runId],
    );
    return row && { records: Number(row.records), deleted: Number(row.deleted) };
  }

  /** The changes a run was made to apply (a webhook call's or a message's), or undefined for a run that reads its source. */
  async given(runId: number): Promise<GivenChanges | undefined> {
    const [row] = await this.db.query<{ changes: GivenChanges | string }>(`select changes from skein_sync_given where run_id = $1`, [runId]);
    if (!row) return undefined;
    return typeof row.changes === 'string' ? (JSON.parse(row.changes) as GivenChanges) : row.changes;
  }

  async run(id: number): Promise<SyncRunRecord | undefined> {
    const [row] = await this.db.query<RunRow>(`select * from skein_sync_runs where id = $1`, [id]);
    return row && toRun(row);
  }

  async runs(options: { job?: string; limit?: number } = {}): Promise<SyncRunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `select * from skein_sync_runs ${options.job ? 'where job = $2' : ''} order by id desc limit $1`,
      options.job ? [options.limit ?? 20, options.job] : [options.limit ?? 20],
    );
    return rows.map(toRun);
  }

  /**
   * Takes the run for `owner` until `leaseMs` from now, if nobody else holds it: a run
   * whose gateway died is free once its lease ran out. Undefined when another holds it
   * or it is finished.
   */
  async claim(id: number, owner: string, leaseMs: number): Promise<SyncRunRecord | undefined> {
    const [row] = await this.db.query<RunRow>(
      `update skein_sync_runs
          set lease_owner = $2, lease_until = now() + ($3::int * interval '1 millisecond'), state = 'running',
              started_at = coalesce(started_at, now()), resume_at = null
        where id = $1 and state in ('queued', 'running', 'paused')
          and (lease_owner is null or lease_owner = $2 or lease_until < now())
        returning *`,
      [id, owner, leaseMs],
    );
    return row && toRun(row);
  }

  /** Saves the position of the next page to read and extends the lease; false when the lease was lost. */
  async checkpoint(id: number, owner: string, checkpoint: unknown, leaseMs: number, cursorTo?: string | null): Promise<boolean> {
    const rows = await this.db.query(
      `update skein_sync_runs set checkpoint = $3, lease_until = now() + ($4::int * interval '1 millisecond'),
              cursor_to = coalesce($5, cursor_to)
        where id = $1 and lease_owner = $2 returning id`,
      [id, owner, JSON.stringify(checkpoint), leaseMs, cursorTo ?? null],
    );
    return rows.length === 1;
  }

  async setCursorFrom(id: number, cursor: string | null): Promise<void> {
    await this.db.query(`update skein_sync_runs set cursor_from = $2 where id = $1`, [id, cursor]);
  }

  async finish(id: number, state: 'succeeded' | 'failed', error: string | null = null): Promise<void> {
    await this.db.query(`update skein_sync_runs set state = $2, error = $3, finished_at = now(), lease_owner = null, lease_until = null where id = $1`, [
      id,
      state,
      error,
    ]);
  }

  /** The target is down: the run waits until `resumeAt`, from its checkpoint. */
  async pause(id: number, error: string, resumeAt: Date): Promise<void> {
    await this.db.query(`update skein_sync_runs set state = 'paused', error = $2, resume_at = $3, lease_owner = null, lease_until = null where id = $1`, [
      id,
      error,
      resumeAt.toISOString(),
    ]);
  }

  /** Runs that were stopped midway (paused, or running with a lease that ran out), for the engine to pick up again. */
  async unfinished(): Promise<SyncRunRecord[]> {
    const rows = await this.db.query<RunRow>(
      `select * from skein_sync_runs where state = 'paused' or (state in ('running', 'queued') and (lease_until is null or lease_until < now())) order by id`,
    );
    return rows.map(toRun);
  }

  // ── records ─────────────────────────────────────────────────────────────

  /** The keys of `keys` this run already has an outcome for (it resumed after a stop). */
  async handled(runId: number, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.query<{ key: string }>(`select key from skein_sync_outcomes where run_id = $1 and key = any($2::text[])`, [runId, keys]);
    return new Set(rows.map((r) => r.key));
  }

  /** The hashes last written for `keys`. */
  async hashes(job: string, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.query<{ key: string; hash: string }>(`select key, hash from skein_sync_keys where job = $1 and key = any($2::text[])`, [job, keys]);
    return new Map(rows.map((r) => [r.key, r.hash]));
  }

  /**
   * Records what happened to one record, in one transaction with the run's counter and
   * (when written) the key's new hash. A record that has an outcome already keeps it and
   * counts once: two gateways overlapping on a page (one stalled past its lease) cannot
   * count a record twice. `replace` (a replay) overwrites the outcome instead.
   */
  async recordOutcome(
    run: { id: number; job: string },
    outcome: { key: string; outcome: RecordOutcome; counter: Counter; operation?: string; record?: unknown; hash?: string; error?: string; attempts?: number },
    replace = false,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const stored = await tx.query(
        `insert into skein_sync_outcomes (run_id, key, outcome, operation, record, hash, error, attempts) values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (run_id, key) do ${
           replace
             ? `update set outcome = excluded.outcome, operation = excluded.operation, record = excluded.record,
                hash = excluded.hash, error = excluded.error, attempts = skein_sync_outcomes.attempts + excluded.attempts, at = now()`
             : 'nothing'
         } returning key`,
        [
          run.id,
          outcome.key,
          outcome.outcome,
          outcome.operation ?? null,
          outcome.record === undefined ? null : JSON.stringify(outcome.record),
          outcome.hash ?? null,
          outcome.error ?? null,
          outcome.attempts ?? 1,
        ],
      );
      if (stored.length === 0) return;
      if (outcome.outcome === 'written' || outcome.outcome === 'replayed') {
        await tx.query(
          `insert into skein_sync_keys (job, key, hash) values ($1, $2, $3) on conflict (job, key) do update set hash = excluded.hash, updated_at = now()`,
          [run.job, outcome.key, outcome.hash],
        );
      }
      if (outcome.outcome === 'deleted') await tx.query(`delete from skein_sync_keys where job = $1 and key = $2`, [run.job, outcome.key]);
      if (replace && outcome.outcome === 'failed') return; // refused again: still one failed record
      await tx.query(`update skein_sync_runs set ${outcome.counter} = ${outcome.counter} + 1 ${replace ? ', failed = greatest(failed - 1, 0)' : ''} where id = $1`, [run.id]);
    });
  }

  /**
   * Records the outcomes of a page's records in one transaction, with the run's counters
   * and the written keys' hashes. As with recordOutcome, a key that has an outcome already
   * keeps it and is not counted again.
   */
  async recordOutcomes(run: { id: number; job: string }, outcomes: readonly OutcomeInput[]): Promise<void> {
    if (outcomes.length === 0) return;
    const rows = outcomes.map((o) => ({
      key: o.key,
      outcome: o.outcome,
      counter: o.counter,
      operation: o.operation ?? null,
      record: o.record ?? null,
      hash: o.hash ?? null,
      error: o.error ?? null,
    }));
    await this.db.transaction(async (tx) => {
      const stored = await tx.query<{ key: string; outcome: RecordOutcome }>(
        `insert into skein_sync_outcomes (run_id, key, outcome, operation, record, hash, error)
         select $1, x.key, x.outcome, x.operation, x.record, x.hash, x.error
           from jsonb_to_recordset($2::jsonb) as x(key text, outcome text, operation text, record jsonb, hash text, error text)
         on conflict (run_id, key) do nothing returning key, outcome`,
        [run.id, JSON.stringify(rows)],
      );
      if (stored.length === 0) return;
      const fresh = new Set(stored.map((r) => r.key));
      const written = rows.filter((r) => fresh.has(r.key) && r.outcome === 'written');
      if (written.length) {
        await tx.query(
          `insert into skein_sync_keys (job, key, hash)
           select $1, x.key, x.hash from jsonb_to_recordset($2::jsonb) as x(key text, hash text)
           on conflict (job, key) do update set hash = excluded.hash, updated_at = now()`,
          [run.job, JSON.stringify(written.map((r) => ({ key: r.key, hash: r.hash })))],
        );
      }
      const counts: Record<Counter, number> = { written: 0, skipped: 0, failed: 0, deleted: 0 };
      for (const row of rows) if (fresh.has(row.key)) counts[row.counter]++;
      await tx.query(`update skein_sync_runs set written = written + $2, skipped = skipped + $3, failed = failed + $4, deleted = deleted + $5 where id = $1`, [
        run.id,
        counts.written,
        counts.skipped,
        counts.failed,
        counts.deleted,
      ]);
    });
  }

  async countRead(runId: number, records: number): Promise<void> {
    await this.db.query(`update skein_sync_runs set read = read + $2 where id = $1`, [runId, records]);
  }

  /** Keys written before that this run did not read: gone from the source (DIFF deletes them). */
  async vanished(job: string, runId: number): Promise<string[]> {
    const rows = await this.db.query<{ key: string }>(
      `select k.key from skein_sync_keys k where k.job = $1 and not exists (select 1 from skein_sync_outcomes o where o.run_id = $2 and o.key = k.key) order by k.key`,
      [job, runId],
    );
    return rows.map((r) => r.key);
  }

  /** Records a target refused, kept with their error for `skein sync replay`. */
  async failedRecords(job: string, runId?: number): Promise<FailedRecord[]> {
    const rows = await this.db.query<Record<string, unknown>>(
      `select o.run_id, r.uid, o.key, o.operation, o.record, o.error, o.attempts from skein_sync_outcomes o join skein_sync_runs r on r.id = o.run_id
        where r.job = $1 and o.outcome = 'failed' ${runId ? 'and o.run_id = $2' : ''} order by o.run_id, o.key`,
      runId ? [job, runId] : [job],
    );
    return rows.map((r) => ({
      runId: Number(r.run_id),
      runUid: String(r.uid),
      key: String(r.key),
      operation: (r.operation as string | null) ?? null,
      record: (r.record as Record<string, unknown> | null) ?? null,
      error: (r.error as string | null) ?? null,
      attempts: Number(r.attempts),
    }));
  }

  async cursor(job: string): Promise<string | null> {
    const [row] = await this.db.query<{ cursor: string | null }>(`select cursor from skein_sync_state where job = $1`, [job]);
    return row?.cursor ?? null;
  }

  async setCursor(job: string, cursor: string): Promise<void> {
    await this.db.query(`insert into skein_sync_state (job, cursor) values ($1, $2) on conflict (job) do update set cursor = excluded.cursor`, [job, cursor]);
  }
}

interface JobRow {
  name: string;
  state: SyncJobState;
  version: number;
  live_version: number | null;
  document: string;
  live_document: string | null;
  updated_at: unknown;
}

type RunRow = Record<string, unknown>;

const SELECT_JOBS = `select j.name, j.state, j.version, j.live_version, j.updated_at, v.document, lv.document as live_document
  from skein_sync_jobs j
  join skein_sync_job_versions v on v.name = j.name and v.version = j.version
  left join skein_sync_job_versions lv on lv.name = j.name and lv.version = j.live_version`;

async function lockJob(tx: SqlExecutor, name: string): Promise<JobRow | undefined> {
  await tx.query(`select 1 from skein_sync_jobs where name = $1 for update`, [name]);
  return readJobRow(tx, name);
}

async function readJobRow(tx: SqlExecutor, name: string): Promise<JobRow | undefined> {
  const [row] = await tx.query<JobRow>(`${SELECT_JOBS} where j.name = $1`, [name]);
  return row;
}

async function readJob(tx: SqlExecutor, name: string): Promise<SyncJobRecord | undefined> {
  const row = await readJobRow(tx, name);
  return row && toJob(row);
}

async function audit(tx: SqlExecutor, by: ChangeAuthor, action: string, target: string, version: number, detail: Record<string, unknown>): Promise<void> {
  await tx.query(`insert into skein_audit (actor, action, target, version, outcome, detail) values ($1, $2, $3, $4, 'ok', $5)`, [
    by.actor,
    action,
    target,
    version,
    JSON.stringify({ ...detail, via: by.via }),
  ]);
}

function toJob(row: JobRow): SyncJobRecord {
  return {
    name: row.name,
    state: row.state,
    version: Number(row.version),
    liveVersion: row.live_version === null ? null : Number(row.live_version),
    document: row.document,
    liveDocument: row.live_document,
    updatedAt: iso(row.updated_at)!,
  };
}

function toRun(r: RunRow): SyncRunRecord {
  const startedAt = iso(r.started_at);
  const finishedAt = iso(r.finished_at);
  return {
    id: Number(r.id),
    uid: String(r.uid),
    job: String(r.job),
    version: Number(r.version),
    trigger: String(r.trigger),
    state: r.state as SyncRunState,
    rule: String(r.rule),
    queuedAt: iso(r.queued_at)!,
    startedAt,
    finishedAt,
    durationMs: startedAt ? (finishedAt ? Date.parse(finishedAt) : Date.now()) - Date.parse(startedAt) : null,
    read: Number(r.read),
    written: Number(r.written),
    skipped: Number(r.skipped),
    failed: Number(r.failed),
    deleted: Number(r.deleted),
    checkpoint: r.checkpoint ?? null,
    cursorFrom: (r.cursor_from as string | null) ?? null,
    cursorTo: (r.cursor_to as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    leaseOwner: (r.lease_owner as string | null) ?? null,
    resumeAt: iso(r.resume_at),
  };
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}
