import type { RegistryDatabase, SqlExecutor } from './database.js';
import type { Candidate, CandidateComposite, CandidateSource } from './candidate.js';
import { compositePath, readCompositeHeader, readSourceHeader, sourcePath } from './documents.js';
import { RegistryError } from './errors.js';
import { isLive, transition, type LifecycleAction } from './lifecycle.js';
import { REGISTRY_LOCK } from './migrations.js';
import type {
  AuditEntry,
  AuditOutcome,
  CompositeRecord,
  CompositeState,
  CompositeVersion,
  RegistrySnapshot,
  SourceOrigin,
  SourceRecord,
  SourceVersion,
} from './records.js';

/** The NOTIFY channel every change is announced on; the payload is the new revision. */
export const CHANGE_CHANNEL = 'skein_registry';

/**
 * Checks a candidate before a change is stored: builds its graph and throws what the
 * build throws (SchemaError(s) with their places). The gateway supplies it, so the check
 * uses the same upstream URLs and options as serving.
 */
export type CandidateCheck = (candidate: Candidate) => Promise<void>;

export interface SourceInput {
  /** The source SDL, declaring exactly one `@source`. */
  readonly sdl: string;
  /** When given, must be the name the SDL declares. */
  readonly name?: string;
  readonly origin?: SourceOrigin;
  /** Files the SDL names by relative path (a WSDL). */
  readonly attachments?: Readonly<Record<string, string>>;
}

export interface CompositeInput {
  readonly document: string;
  /** When given, must be the document's operation name. */
  readonly name?: string;
  readonly note?: string;
  /** Make no new version when the document equals the newest one (what `skein push` wants). */
  readonly onlyIfChanged?: boolean;
}

/** Sources and composites uploaded together (a schema folder). */
export interface Upload {
  readonly sources: readonly (SourceInput & { readonly file?: string })[];
  readonly composites: readonly { readonly document: string; readonly file?: string; readonly note?: string }[];
  readonly publish?: boolean;
  /** Seeding: add what is missing, follow the folder where only this actor changed it (see apply). */
  readonly onlyNew?: boolean;
}

/** What an upload did to one source or composite. */
export interface AppliedItem {
  readonly kind: 'source' | 'composite';
  readonly name: string;
  /** `kept`: the registry already had it and onlyNew was set. */
  readonly action: 'added' | 'updated' | 'published' | 'unchanged' | 'kept';
  readonly version: number;
  readonly state: string;
}

/** What a change did: the record after it, and whether anything was stored. */
export interface Changed<T> {
  readonly record: T;
  readonly changed: boolean;
}

/**
 * The registry of sources and composites: every version, the lifecycle state, an audit
 * trail. Every change runs in one transaction under one lock (so concurrent saves each
 * get their own version), is checked by building the graph it would produce before
 * anything is stored, bumps the revision, and is announced with NOTIFY on commit.
 */
export class Registry {
  constructor(
    readonly db: RegistryDatabase,
    private readonly check: CandidateCheck,
  ) {}

  close(): Promise<void> {
    return this.db.close();
  }

  // ---- reading -------------------------------------------------------------------

  /** What to serve, read in one consistent snapshot. */
  async snapshot(): Promise<RegistrySnapshot> {
    return this.db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read');
      const [{ revision }] = await tx.query<{ revision: number }>('select revision from skein_revision where id = 1');
      const sources = (await selectSources(tx, "where s.state = 'active'")).map(toSourceRecord);
      const composites = (await selectComposites(tx, "where c.state in ('published', 'paused')")).map(toCompositeRecord);
      return { revision: Number(revision), sources, composites };
    });
  }

  async revision(): Promise<number> {
    const [{ revision }] = await this.db.query<{ revision: number }>('select revision from skein_revision where id = 1');
    return Number(revision);
  }

  async sources(options: { includeRemoved?: boolean } = {}): Promise<SourceRecord[]> {
    return (await selectSources(this.db, options.includeRemoved ? '' : "where s.state = 'active'")).map(toSourceRecord);
  }

  async source(name: string): Promise<SourceRecord | undefined> {
    const [row] = await selectSources(this.db, 'where s.name = $1', [name]);
    return row && toSourceRecord(row);
  }

  async sourceVersions(name: string): Promise<SourceVersion[]> {
    const rows = await this.db.query<SourceVersionRow>(
      'select * from skein_source_versions where name = $1 order by version',
      [name],
    );
    return rows.map(toSourceVersion);
  }

  async composites(options: { includeDeleted?: boolean } = {}): Promise<CompositeRecord[]> {
    return (await selectComposites(this.db, options.includeDeleted ? '' : "where c.state <> 'deleted'")).map(toCompositeRecord);
  }

  async composite(name: string): Promise<CompositeRecord | undefined> {
    const [row] = await selectComposites(this.db, 'where c.name = $1', [name]);
    return row && toCompositeRecord(row);
  }

  async compositeVersions(name: string): Promise<CompositeVersion[]> {
    const rows = await this.db.query<CompositeVersionRow>(
      'select * from skein_composite_versions where name = $1 order by version',
      [name],
    );
    return rows.map(toCompositeVersion);
  }

  async compositeVersion(name: string, version: number): Promise<CompositeVersion> {
    const [row] = await this.db.query<CompositeVersionRow>(
      'select * from skein_composite_versions where name = $1 and version = $2',
      [name, version],
    );
    if (!row) throw await missingVersion(this.db, name, version);
    return toCompositeVersion(row);
  }

  /** Newest first. */
  async audit(options: { limit?: number; target?: string } = {}): Promise<AuditEntry[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 50, 1000));
    const rows = await this.db.query<AuditRow>(
      `select * from skein_audit ${options.target ? 'where target = $2' : ''} order by id desc limit $1`,
      options.target ? [limit, options.target] : [limit],
    );
    return rows.map(toAuditEntry);
  }

  /** Records a request that was refused before it reached the registry (no or a wrong token). */
  async recordDenied(detail: Record<string, unknown>): Promise<void> {
    await insertAudit(this.db, { actor: null, action: 'auth.denied', target: null, version: null, outcome: 'denied', detail });
  }

  /** Records a refused change that was checked outside the registry (an import with missing sources). */
  async recordRejected(actor: string, action: string, target: string | null, error: RegistryError): Promise<void> {
    await insertAudit(this.db, { actor, action, target, version: null, outcome: 'rejected', detail: { code: error.code, reason: error.message } }).catch(
      () => {},
    );
  }

  // ---- sources -------------------------------------------------------------------

  /** Registers a source, or stores a new version of it; the graph must still build. */
  async registerSource(actor: string, input: SourceInput): Promise<Changed<SourceRecord>> {
    const header = readSourceHeader(input.sdl, input.name ? sourcePath(input.name) : '<source SDL>');
    if (input.name !== undefined && input.name !== header.name) {
      throw new RegistryError('BAD_INPUT', `the SDL declares source "${header.name}", not "${input.name}"`);
    }
    const name = header.name;
    const attachments = input.attachments ?? {};
    if (header.wsdlFile && attachments[header.wsdlFile] === undefined) {
      throw new RegistryError(
        'BAD_INPUT',
        `source "${name}" names the WSDL file "${header.wsdlFile}", which was not uploaded with it; upload it as an attachment or give wsdl: an http(s) URL`,
      );
    }
    return this.#change(actor, 'source.register', name, async (tx) => {
      const [current] = await selectSources(tx, 'where s.name = $1', [name]);
      if (current?.state === 'active' && current.sdl === input.sdl && sameJSON(current.attachments, attachments)) {
        return { record: toSourceRecord(current), changed: false };
      }
      const served = await readServed(tx);
      await this.#checkCandidate(`registering source "${name}"`, {
        sources: [...served.sources.filter((s) => s.name !== name), { name, sdl: input.sdl, attachments }],
        composites: served.composites,
      });
      const version = (current?.version ?? 0) + 1;
      if (current) {
        await tx.query(`update skein_sources set state = 'active', version = $2, updated_at = now() where name = $1`, [name, version]);
      } else {
        await tx.query(`insert into skein_sources (name, state, version) values ($1, 'active', $2)`, [name, version]);
      }
      await tx.query(
        `insert into skein_source_versions (name, version, kind, origin, sdl, attachments, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [name, version, header.kind, input.origin ?? 'sdl', input.sdl, JSON.stringify(attachments), actor],
      );
      const [row] = await selectSources(tx, 'where s.name = $1', [name]);
      return { record: toSourceRecord(row), changed: true, version, detail: { from: current?.state ?? null, origin: input.origin ?? 'sdl' } };
    });
  }

  /** Removes a source (its history stays). Refused while a served composite or another source needs it. */
  async removeSource(actor: string, name: string): Promise<Changed<SourceRecord>> {
    return this.#change(actor, 'source.remove', name, async (tx) => {
      const [current] = await selectSources(tx, 'where s.name = $1', [name]);
      if (!current) throw new RegistryError('NOT_FOUND', `no source named "${name}" is registered`);
      if (current.state === 'removed') return { record: toSourceRecord(current), changed: false };
      const served = await readServed(tx);
      await this.#checkCandidate(`removing source "${name}"`, {
        sources: served.sources.filter((s) => s.name !== name),
        composites: served.composites,
      });
      await tx.query(`update skein_sources set state = 'removed', updated_at = now() where name = $1`, [name]);
      const [row] = await selectSources(tx, 'where s.name = $1', [name]);
      return { record: toSourceRecord(row), changed: true, version: current.version };
    });
  }

  // ---- composites ----------------------------------------------------------------

  /**
   * Saves a composite document as its next version (a new composite starts as a draft).
   * It must compile against the served graph, as if it were published; a published
   * composite keeps serving its live version until the new one is published.
   */
  async saveComposite(actor: string, input: CompositeInput): Promise<Changed<CompositeRecord>> {
    const header = readCompositeHeader(input.document, input.name ? compositePath(input.name) : '<composite document>');
    if (input.name !== undefined && input.name !== header.name) {
      throw new RegistryError('BAD_INPUT', `the document's operation is named "${header.name}", not "${input.name}"`);
    }
    const name = header.name;
    return this.#change(actor, 'composite.save', name, async (tx) => {
      const current = await lockComposite(tx, name);
      if (current && input.onlyIfChanged && current.state !== 'deleted' && current.document === input.document) {
        return { record: toCompositeRecord(current), changed: false };
      }
      const state = current ? transition(name, current.state, 'save') : 'draft';
      if (current && current.operation !== header.operation && isLive(current.state)) {
        throw new RegistryError(
          'BAD_INPUT',
          `composite "${name}" is a ${current.operation} while it is ${current.state}; a new version cannot make it a ${header.operation}`,
        );
      }
      await this.#checkCandidate(`saving composite "${name}"`, await withComposite(tx, name, input.document));
      const version = (current?.version ?? 0) + 1;
      if (current) {
        await tx.query(
          `update skein_composites set state = $2::text, version = $3::integer,
             operation = case when $2::text = 'draft' then $4::text else operation end,
             live_version = case when $2::text = 'draft' then null else live_version end, updated_at = now() where name = $1`,
          [name, state, version, header.operation],
        );
      } else {
        await tx.query(`insert into skein_composites (name, state, version, operation) values ($1, 'draft', 1, $2)`, [name, header.operation]);
      }
      await insertCompositeVersion(tx, name, version, input.document, input.note ?? null, actor);
      return { record: await readComposite(tx, name), changed: true, version, detail: { state } };
    });
  }

  /** Serves `version` (the newest by default) from now on. */
  async publish(actor: string, name: string, version?: number): Promise<Changed<CompositeRecord>> {
    return this.#lifecycle(actor, name, 'publish', async (tx, current) => {
      const chosen = version ?? current.version;
      const document = await readVersionDocument(tx, name, chosen);
      if (current.state === 'published' && current.live_version === chosen) return undefined;
      await this.#checkCandidate(`publishing composite "${name}" v${chosen}`, await withComposite(tx, name, document));
      await tx.query(`update skein_composites set state = 'published', live_version = $2, updated_at = now() where name = $1`, [name, chosen]);
      return chosen;
    });
  }

  /** Keeps the composite in the schema, answering COMPOSITE_PAUSED, until it is resumed. */
  async pause(actor: string, name: string): Promise<Changed<CompositeRecord>> {
    return this.#lifecycle(actor, name, 'pause', async (tx, current) => {
      await tx.query(`update skein_composites set state = 'paused', updated_at = now() where name = $1`, [name]);
      return current.live_version ?? undefined;
    });
  }

  async resume(actor: string, name: string): Promise<Changed<CompositeRecord>> {
    return this.#lifecycle(actor, name, 'resume', async (tx, current) => {
      await tx.query(`update skein_composites set state = 'published', updated_at = now() where name = $1`, [name]);
      return current.live_version ?? undefined;
    });
  }

  /** No longer served or listed by default; its versions and audit entries stay. */
  async delete(actor: string, name: string): Promise<Changed<CompositeRecord>> {
    return this.#lifecycle(actor, name, 'delete', async (tx, current) => {
      if (isLive(current.state)) {
        const served = await readServed(tx);
        await this.#checkCandidate(`deleting composite "${name}"`, {
          sources: served.sources,
          composites: served.composites.filter((c) => c.name !== name),
        });
      }
      await tx.query(`update skein_composites set state = 'deleted', live_version = null, updated_at = now() where name = $1`, [name]);
      return current.version;
    });
  }

  /**
   * Makes an earlier version current again, as a new version (history only grows). A
   * published or paused composite serves it at once.
   */
  async rollback(actor: string, name: string, version: number): Promise<Changed<CompositeRecord>> {
    return this.#lifecycle(actor, name, 'rollback', async (tx, current) => {
      if (version >= current.version) {
        throw new RegistryError('BAD_INPUT', `composite "${name}" can roll back to v1…v${current.version - 1}, not v${version}`);
      }
      const document = await readVersionDocument(tx, name, version);
      const next = current.version + 1;
      if (isLive(current.state)) {
        await this.#checkCandidate(`rolling composite "${name}" back to v${version}`, await withComposite(tx, name, document));
      }
      await insertCompositeVersion(tx, name, next, document, `rollback to v${version}`, actor);
      await tx.query(
        `update skein_composites set version = $2::integer, live_version = case when live_version is null then null else $2::integer end, updated_at = now()
         where name = $1`,
        [name, next],
      );
      return next;
    });
  }

  // ---- many at once --------------------------------------------------------------

  /**
   * Uploads sources and composites in one change, checked once as a whole (so a source
   * and the composites using it arrive together). `onlyNew` is how `skein serve` seeds
   * from a folder: it adds what the registry lacks and follows the folder for what this
   * same actor put there and nobody has changed since (so editing schema/ and restarting
   * works), but leaves alone every name someone else changed, paused versions stay
   * paused, deleted ones stay deleted. Otherwise changed texts become new versions
   * (`skein push`). `publish` serves every uploaded composite at its
   * newest version, except paused ones, which stay paused.
   */
  async apply(actor: string, upload: Upload): Promise<Changed<AppliedItem[]>> {
    const sources = upload.sources.map((s) => ({ ...s, header: readSourceHeader(s.sdl, s.file ?? '<source SDL>') }));
    const composites = upload.composites.map((c) => ({ ...c, header: readCompositeHeader(c.document, c.file ?? '<composite document>') }));
    for (const list of [sources.map((s) => s.header.name), composites.map((c) => c.header.name)]) {
      const twice = list.find((name, i) => list.indexOf(name) !== i);
      if (twice) throw new RegistryError('BAD_INPUT', `"${twice}" is uploaded twice`);
    }
    return this.#change(actor, 'registry.apply', '*', async (tx) => {
      const items: AppliedItem[] = [];
      const audits: Omit<AuditInput, 'actor' | 'outcome'>[] = [];
      const served = await readServed(tx);
      const candidate = { sources: [...served.sources], composites: [...served.composites] };
      const writes: ((tx: SqlExecutor) => Promise<void>)[] = [];

      for (const source of sources) {
        const name = source.header.name;
        const attachments = source.attachments ?? {};
        const [current] = await selectSources(tx, 'where s.name = $1', [name]);
        if (current && upload.onlyNew && !(current.created_by === actor && current.state === 'active')) {
          items.push({ kind: 'source', name, action: 'kept', version: current.version, state: current.state });
          continue;
        }
        if (current?.state === 'active' && current.sdl === source.sdl && sameJSON(current.attachments, attachments)) {
          items.push({ kind: 'source', name, action: 'unchanged', version: current.version, state: 'active' });
          continue;
        }
        if (source.header.wsdlFile && attachments[source.header.wsdlFile] === undefined) {
          throw new RegistryError('BAD_INPUT', `source "${name}" names the WSDL file "${source.header.wsdlFile}", which was not uploaded with it`);
        }
        const version = (current?.version ?? 0) + 1;
        candidate.sources = [...candidate.sources.filter((s) => s.name !== name), { name, sdl: source.sdl, attachments }];
        items.push({ kind: 'source', name, action: current ? 'updated' : 'added', version, state: 'active' });
        audits.push({ action: 'source.register', target: name, version, detail: { from: current?.state ?? null, via: actor === 'seed' ? 'seed' : 'push' } });
        writes.push(async (tx) => {
          if (current) await tx.query(`update skein_sources set state = 'active', version = $2, updated_at = now() where name = $1`, [name, version]);
          else await tx.query(`insert into skein_sources (name, state, version) values ($1, 'active', $2)`, [name, version]);
          await tx.query(
            `insert into skein_source_versions (name, version, kind, origin, sdl, attachments, created_by) values ($1, $2, $3, $4, $5, $6, $7)`,
            [name, version, source.header.kind, source.origin ?? 'sdl', source.sdl, JSON.stringify(attachments), actor],
          );
        });
      }

      for (const composite of composites) {
        const { name, operation } = composite.header;
        const current = await lockComposite(tx, name);
        if (current && upload.onlyNew && !(current.updated_by === actor && current.state !== 'deleted')) {
          items.push({ kind: 'composite', name, action: 'kept', version: current.version, state: current.state });
          continue;
        }
        const same = current && current.state !== 'deleted' && current.document === composite.document;
        const from: CompositeState | undefined = current?.state;
        const saved: CompositeState = current ? transition(name, current.state, 'save') : 'draft';
        const publish = upload.publish === true && saved !== 'paused';
        const state: CompositeState = publish ? 'published' : saved;
        const version = same ? current.version : (current?.version ?? 0) + 1;
        const live = publish ? version : state === 'draft' ? null : (current?.live_version ?? null);
        if (same && current.state === state && current.live_version === live) {
          items.push({ kind: 'composite', name, action: 'unchanged', version, state });
          continue;
        }
        if (current && current.operation !== operation && from && isLive(from) && !publish) {
          throw new RegistryError('BAD_INPUT', `composite "${name}" is a ${current.operation} while it is ${from}; a new version cannot make it a ${operation}`);
        }
        const paused = served.composites.find((c) => c.name === name)?.paused ?? false;
        candidate.composites = [...candidate.composites.filter((c) => c.name !== name), { name, document: composite.document, paused }];
        items.push({ kind: 'composite', name, action: !current ? 'added' : same ? 'published' : 'updated', version, state });
        if (!same) audits.push({ action: 'composite.save', target: name, version, detail: { state: saved } });
        if (publish && !(from === 'published' && current?.live_version === version)) {
          audits.push({ action: 'composite.publish', target: name, version, detail: { from: saved, to: 'published' } });
        }
        writes.push(async (tx) => {
          if (!current) {
            await tx.query(`insert into skein_composites (name, state, version, operation) values ($1, 'draft', 1, $2)`, [name, operation]);
          }
          if (!same) await insertCompositeVersion(tx, name, version, composite.document, composite.note ?? null, actor);
          await tx.query(
            `update skein_composites set state = $2, version = $3, live_version = $4, operation = $5, updated_at = now() where name = $1`,
            [name, state, version, live, operation],
          );
        });
      }

      if (writes.length === 0) return { record: items, changed: false };
      await this.#checkCandidate(upload.onlyNew ? 'seeding the registry (with what it does not have yet; `skein push` uploads changed files)' : 'the upload', candidate);
      for (const write of writes) await write(tx);
      return { record: items, changed: true, audits };
    });
  }

  // ---- private -------------------------------------------------------------------

  async #lifecycle(
    actor: string,
    name: string,
    action: Exclude<LifecycleAction, 'save'>,
    apply: (tx: SqlExecutor, current: CompositeRow) => Promise<number | undefined>,
  ): Promise<Changed<CompositeRecord>> {
    return this.#change(actor, `composite.${action}`, name, async (tx) => {
      const current = await lockComposite(tx, name);
      if (!current) throw new RegistryError('NOT_FOUND', `no composite named "${name}" is registered`);
      const to = transition(name, current.state, action);
      const version = await apply(tx, current);
      if (version === undefined && action === 'publish') return { record: toCompositeRecord(current), changed: false };
      return { record: await readComposite(tx, name), changed: true, version: version ?? null, detail: { from: current.state, to } };
    });
  }

  /** One change: serialized by the lock, audited, revision bumped and announced; rejections audited too. */
  async #change<T>(
    actor: string,
    action: string,
    target: string,
    work: (tx: SqlExecutor) => Promise<ChangeOutcome<T>>,
  ): Promise<Changed<T>> {
    try {
      return await this.db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
        const outcome = await work(tx);
        if (outcome.changed) {
          const entries = outcome.audits ?? [{ action, target, version: outcome.version ?? null, detail: outcome.detail ?? {} }];
          for (const entry of entries) await insertAudit(tx, { actor, outcome: 'ok', ...entry });
          const [{ revision }] = await tx.query<{ revision: number }>(
            'update skein_revision set revision = revision + 1 where id = 1 returning revision',
          );
          await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, String(revision)]);
        }
        return { record: outcome.record, changed: outcome.changed };
      });
    } catch (error) {
      if (error instanceof RegistryError && error.code !== 'REGISTRY_UNAVAILABLE') {
        await insertAudit(this.db, {
          actor,
          action,
          target,
          version: null,
          outcome: 'rejected',
          detail: { code: error.code, reason: error.message },
        }).catch(() => {});
      }
      throw error;
    }
  }

  async #checkCandidate(what: string, candidate: Candidate): Promise<void> {
    try {
      await this.check(candidate);
    } catch (error) {
      throw RegistryError.rejected(what, error);
    }
  }
}

interface ChangeOutcome<T> {
  readonly record: T;
  readonly changed: boolean;
  /** The audit entry's version and detail (one entry, for the change's action and target)… */
  readonly version?: number | null;
  readonly detail?: Record<string, unknown>;
  /** …or several entries, when one change touches several things. */
  readonly audits?: readonly Omit<AuditInput, 'actor' | 'outcome'>[];
}

// ---- rows and queries ------------------------------------------------------------

type Queryable = Pick<SqlExecutor, 'query'>;

interface SourceRow {
  name: string;
  state: 'active' | 'removed';
  version: number;
  kind: string;
  origin: SourceOrigin;
  sdl: string;
  attachments: Record<string, string> | string;
  created_at: Date | string;
  created_by: string;
  updated_at: Date | string;
}

interface SourceVersionRow {
  name: string;
  version: number;
  kind: string;
  origin: SourceOrigin;
  sdl: string;
  attachments: Record<string, string> | string;
  created_at: Date | string;
  created_by: string;
}

interface CompositeRow {
  name: string;
  state: CompositeState;
  operation: 'query' | 'mutation';
  version: number;
  document: string;
  live_version: number | null;
  live_document: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string;
}

interface CompositeVersionRow {
  name: string;
  version: number;
  document: string;
  note: string | null;
  created_at: Date | string;
  created_by: string;
}

interface AuditRow {
  id: number | string;
  at: Date | string;
  actor: string | null;
  action: string;
  target: string | null;
  version: number | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown> | string;
}

function selectSources(executor: Queryable, where: string, params: unknown[] = []): Promise<SourceRow[]> {
  return executor.query<SourceRow>(
    `select s.name, s.state, s.version, v.kind, v.origin, v.sdl, v.attachments, v.created_at, v.created_by, s.updated_at
       from skein_sources s join skein_source_versions v on v.name = s.name and v.version = s.version
       ${where} order by s.name`,
    params,
  );
}

function selectComposites(executor: Queryable, where: string, params: unknown[] = []): Promise<CompositeRow[]> {
  return executor.query<CompositeRow>(
    `select c.name, c.state, c.operation, c.version, v.document, c.live_version, l.document as live_document,
            c.created_at, c.updated_at, v.created_by as updated_by
       from skein_composites c
       join skein_composite_versions v on v.name = c.name and v.version = c.version
       left join skein_composite_versions l on l.name = c.name and l.version = c.live_version
       ${where} order by c.name`,
    params,
  );
}

/** The composite's row, locked for this transaction. */
async function lockComposite(tx: SqlExecutor, name: string): Promise<CompositeRow | undefined> {
  await tx.query('select 1 from skein_composites where name = $1 for update', [name]);
  const [row] = await selectComposites(tx, 'where c.name = $1', [name]);
  return row;
}

async function readComposite(tx: SqlExecutor, name: string): Promise<CompositeRecord> {
  const [row] = await selectComposites(tx, 'where c.name = $1', [name]);
  return toCompositeRecord(row);
}

async function readVersionDocument(tx: SqlExecutor, name: string, version: number): Promise<string> {
  const [row] = await tx.query<{ document: string }>(
    'select document from skein_composite_versions where name = $1 and version = $2',
    [name, version],
  );
  if (!row) throw await missingVersion(tx, name, version);
  return row.document;
}

async function missingVersion(executor: Queryable, name: string, version: number): Promise<RegistryError> {
  const [row] = await executor.query<{ version: number }>('select version from skein_composites where name = $1', [name]);
  return row
    ? new RegistryError('NOT_FOUND', `composite "${name}" has versions v1…v${row.version}, not v${version}`)
    : new RegistryError('NOT_FOUND', `no composite named "${name}" is registered`);
}

function insertCompositeVersion(tx: SqlExecutor, name: string, version: number, document: string, note: string | null, actor: string) {
  return tx.query(
    'insert into skein_composite_versions (name, version, document, note, created_by) values ($1, $2, $3, $4, $5)',
    [name, version, document, note, actor],
  );
}

/** What is served now, as a candidate: active sources, published and paused composites at their live versions. */
async function readServed(tx: SqlExecutor): Promise<{ sources: CandidateSource[]; composites: CandidateComposite[] }> {
  const sources = (await selectSources(tx, "where s.state = 'active'")).map((row) => ({
    name: row.name,
    sdl: row.sdl,
    attachments: parseJSON(row.attachments) as Record<string, string>,
  }));
  const composites = (await selectComposites(tx, "where c.state in ('published', 'paused')")).map((row) => ({
    name: row.name,
    document: row.live_document ?? row.document,
    paused: row.state === 'paused',
  }));
  return { sources, composites };
}

/** The served candidate with composite `name` at `document`, served (as a draft is checked). */
async function withComposite(tx: SqlExecutor, name: string, document: string): Promise<Candidate> {
  const served = await readServed(tx);
  const paused = served.composites.find((c) => c.name === name)?.paused ?? false;
  return { sources: served.sources, composites: [...served.composites.filter((c) => c.name !== name), { name, document, paused }] };
}

interface AuditInput {
  actor: string | null;
  action: string;
  target: string | null;
  version: number | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

async function insertAudit(executor: Queryable, entry: AuditInput): Promise<void> {
  await executor.query(
    'insert into skein_audit (actor, action, target, version, outcome, detail) values ($1, $2, $3, $4, $5, $6)',
    [entry.actor, entry.action, entry.target, entry.version, entry.outcome, JSON.stringify(entry.detail)],
  );
}

function toSourceRecord(row: SourceRow): SourceRecord {
  return { ...toSourceVersion(row), state: row.state, updatedAt: iso(row.updated_at) };
}

function toSourceVersion(row: SourceVersionRow): SourceVersion {
  return {
    name: row.name,
    version: Number(row.version),
    kind: row.kind,
    origin: row.origin,
    sdl: row.sdl,
    attachments: parseJSON(row.attachments) as Record<string, string>,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
  };
}

function toCompositeRecord(row: CompositeRow): CompositeRecord {
  return {
    name: row.name,
    state: row.state,
    operation: row.operation,
    version: Number(row.version),
    document: row.document,
    liveVersion: row.live_version === null ? null : Number(row.live_version),
    liveDocument: row.live_document,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    updatedBy: row.updated_by,
  };
}

function toCompositeVersion(row: CompositeVersionRow): CompositeVersion {
  return {
    name: row.name,
    version: Number(row.version),
    document: row.document,
    note: row.note,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: Number(row.id),
    at: iso(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    version: row.version === null ? null : Number(row.version),
    outcome: row.outcome,
    detail: parseJSON(row.detail) as Record<string, unknown>,
  };
}

function iso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function parseJSON(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(parseJSON(a)) === JSON.stringify(b);
}
