import type { RegistryDatabase } from './database.js';

/**
 * The registry's tables, as numbered steps applied in order, once, to the embedded
 * store and to PostgreSQL alike. Add a step; never edit one that has shipped.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sources, composites, their versions, audit, revision',
    sql: /* SQL */ `
      -- One row per source ever registered; removed ones stay, with their history.
      create table skein_sources (
        name        text primary key,
        state       text not null check (state in ('active', 'removed')),
        version     integer not null,
        created_at  timestamptz not null default now(),
        updated_at  timestamptz not null default now()
      );
      create table skein_source_versions (
        name        text not null references skein_sources (name),
        version     integer not null,
        kind        text not null,
        origin      text not null check (origin in ('sdl', 'openapi', 'wsdl')),
        sdl         text not null,
        -- Files the SDL refers to by relative path (a WSDL), by that path.
        attachments jsonb not null default '{}',
        created_at  timestamptz not null default now(),
        created_by  text not null,
        primary key (name, version)
      );
      -- One row per composite; version is the newest saved, live_version the one served
      -- while published or paused.
      create table skein_composites (
        name          text primary key,
        state         text not null check (state in ('draft', 'published', 'paused', 'deleted')),
        version       integer not null,
        live_version  integer,
        operation     text not null,
        created_at    timestamptz not null default now(),
        updated_at    timestamptz not null default now()
      );
      create table skein_composite_versions (
        name        text not null references skein_composites (name),
        version     integer not null,
        document    text not null,
        note        text,
        created_at  timestamptz not null default now(),
        created_by  text not null,
        primary key (name, version)
      );
      -- What changed, when, by which token; also refused requests and rejected changes.
      create table skein_audit (
        id          bigserial primary key,
        at          timestamptz not null default now(),
        actor       text,
        action      text not null,
        target      text,
        version     integer,
        outcome     text not null check (outcome in ('ok', 'rejected', 'denied')),
        detail      jsonb not null default '{}'
      );
      create index skein_audit_target on skein_audit (target, id);
      -- Bumped by every change; gateways compare it with the revision they serve.
      create table skein_revision (
        id        integer primary key check (id = 1),
        revision  integer not null
      );
      insert into skein_revision (id, revision) values (1, 0);
    `,
  },
  {
    version: 2,
    name: 'the protocol recorded with a composite version',
    sql: /* SQL */ `
      -- REST or SOAP when the version chose it (a request's protocol:); null: the majority of its steps'.
      alter table skein_composite_versions add column protocol text check (protocol in ('REST', 'SOAP'));
    `,
  },
  {
    version: 3,
    name: 'sync jobs: versions, runs, per-record outcomes, key hashes, checkpoints, the embedded job queue',
    sql: /* SQL */ `
      -- A sync job, managed like a composite: draft, published (runs), paused, deleted.
      create table skein_sync_jobs (
        name          text primary key,
        state         text not null check (state in ('draft', 'published', 'paused', 'deleted')),
        version       integer not null,
        live_version  integer,
        created_at    timestamptz not null default now(),
        updated_at    timestamptz not null default now()
      );
      create table skein_sync_job_versions (
        name        text not null references skein_sync_jobs (name),
        version     integer not null,
        document    text not null,
        note        text,
        created_at  timestamptz not null default now(),
        created_by  text not null,
        primary key (name, version)
      );
      -- One row per run. checkpoint is the paging position of the next page to read;
      -- the lease says which gateway works on it until when (a dead one's lease runs out).
      create table skein_sync_runs (
        id            bigserial primary key,
        -- Part of every idempotency key the run sends: unique across registries sharing a target.
        uid           uuid not null default gen_random_uuid(),
        job           text not null references skein_sync_jobs (name),
        version       integer not null,
        trigger       text not null,
        -- The job queue's id that made it (a schedule's tick): two gateways sending the same tick make one run.
        queue_id      text unique,
        state         text not null check (state in ('queued', 'running', 'paused', 'succeeded', 'failed')),
        rule          text not null,
        queued_at     timestamptz not null default now(),
        started_at    timestamptz,
        finished_at   timestamptz,
        read          integer not null default 0,
        written       integer not null default 0,
        skipped       integer not null default 0,
        failed        integer not null default 0,
        deleted       integer not null default 0,
        checkpoint    jsonb,
        cursor_from   text,
        cursor_to     text,
        error         text,
        lease_owner   text,
        lease_until   timestamptz,
        resume_at     timestamptz
      );
      create index skein_sync_runs_job on skein_sync_runs (job, id desc);
      -- What happened to each record of a run: written once, never twice (the key is the primary key).
      create table skein_sync_outcomes (
        run_id    bigint not null references skein_sync_runs (id),
        key       text not null,
        outcome   text not null check (outcome in ('written', 'unchanged', 'failed', 'deleted', 'replayed')),
        operation text,
        record    jsonb,
        hash      text,
        error     text,
        attempts  integer not null default 1,
        at        timestamptz not null default now(),
        primary key (run_id, key)
      );
      create index skein_sync_outcomes_failed on skein_sync_outcomes (run_id) where outcome = 'failed';
      -- Every key a job has written to its target, with the content hash written (DIFF compares with it).
      create table skein_sync_keys (
        job         text not null,
        key         text not null,
        hash        text not null,
        updated_at  timestamptz not null default now(),
        primary key (job, key)
      );
      -- The incremental cursor a job reached (its highest cursor field value written).
      create table skein_sync_state (
        job     text primary key,
        cursor  text
      );
      -- The embedded store's job queue (PostgreSQL uses pg-boss): one row per job to run.
      create table skein_sync_queue (
        id            text primary key,
        job           text not null,
        data          jsonb not null,
        state         text not null check (state in ('waiting', 'active', 'done')),
        run_after     timestamptz not null default now(),
        locked_until  timestamptz
      );
    `,
  },
  {
    version: 4,
    name: 'the changes a webhook call or a message carried, for its sync run to apply',
    sql: /* SQL */ `
      -- A run made for given changes applies these (records mapped, keys to delete) instead of reading the source.
      create table skein_sync_given (
        run_id   bigint primary key references skein_sync_runs (id),
        changes  jsonb not null
      );
    `,
  },
  {
    version: 5,
    name: 'sources imported from a GraphQL API',
    sql: /* SQL */ `
      -- graphql: registered from a GraphQL API's SDL (registerSource(input: { graphql })).
      alter table skein_source_versions drop constraint if exists skein_source_versions_origin_check;
      alter table skein_source_versions add constraint skein_source_versions_origin_check check (origin in ('sdl', 'openapi', 'wsdl', 'graphql'));
    `,
  },
];

/** Lock key that serializes migrations and registry changes across gateways. */
export const REGISTRY_LOCK = 727_465_611;

/** Applies the migrations this database has not seen, in one transaction per step. */
export async function migrate(db: RegistryDatabase): Promise<number[]> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
    await tx.exec(`create table if not exists skein_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  });
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
      const done = await tx.query('select 1 from skein_migrations where version = $1', [migration.version]);
      if (done.length > 0) return;
      await tx.exec(migration.sql);
      await tx.query('insert into skein_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      applied.push(migration.version);
    });
  }
  return applied;
}
