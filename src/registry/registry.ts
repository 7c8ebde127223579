import path from 'node:path';
import type { RegistryDatabase, SqlExecutor } from './database.js';
import type { Candidate, CandidateComposite, CandidateSource } from './candidate.js';
import type { CandidateChecker } from './candidate-checker.js';
import { compositePath, sourcePath } from './documents.js';
import { checkSourceBytes, DEFAULT_REGISTRY_LIMITS, type RegistryLimits } from './limits.js';
import { RegistryError } from './errors.js';
import { isLive, transition } from './lifecycle.js';
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
 * How a change reached the registry: one admin API call, a folder upload (`skein push`),
 * an imported export, or seeding from the schema folder at start-up. Every audit entry
 * records it as `detail.via`.
 */
export type ChangeVia = 'admin' | 'push' | 'import' | 'seed';

/** Who makes a change and how it came. */
export interface ChangeAuthor {
  /** The admin token's name (`dev` without tokens), or `seed`. */
  readonly actor: string;
  readonly via: ChangeVia;
}

/**
 * How `skein serve` seeds the registry from its schema folder. Seeding follows the folder
 * only for what this author wrote and nobody changed since (see `apply`).
 */
export const SEEDING: ChangeAuthor = { actor: 'seed', via: 'seed' };

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
  /** The protocol to record with the version; by default none (the majority of its steps'). */
  readonly protocol?: 'REST' | 'SOAP';
  /** Make no new version when the document equals the newest one (what `skein push` wants). */
  readonly onlyIfChanged?: boolean;
}

/** Sources and composites uploaded together (a schema folder). */
export interface Upload {
  /** `file` names the text in messages (`schema/sources/users.graphql:3:5: …`). */
  readonly sources: readonly (SourceInput & { readonly file?: string })[];
  readonly composites: readonly { readonly document: string; readonly file?: string; readonly note?: string; readonly protocol?: 'REST' | 'SOAP' }[];
  /** Serve every uploaded composite at its newest version, except paused ones, which stay paused. */
  readonly publish?: boolean;
}

/** What an upload did to one source or composite. */
export interface AppliedItem {
  readonly kind: 'source' | 'composite';
  readonly name: string;
  /** `kept`: seeding left it alone, because someone other than the seed changed it. */
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
 * get their own version), is checked by building the graph it would produce before it
 * commits, bumps the revision, and is announced with NOTIFY on commit.
 *
 * Each kind of change is written once, as a step (`registerSourceStep`, `publishStep`, …)
 * working inside a transaction; a single-item method runs one step, `apply` runs several
 * in one transaction and checks what they lead to once, as a whole.
 */
export class Registry {
  constructor(
    readonly db: RegistryDatabase,
    /** Reads documents and builds candidates, off the main thread (candidate-checker.ts). */
    private readonly checker: CandidateChecker,
    readonly limits: RegistryLimits = DEFAULT_REGISTRY_LIMITS,
  ) {}

  async close(): Promise<void> {
    await this.checker.close();
    await this.db.close();
  }

  /** Changes whose graph is being built by the checking thread right now. */
  get checksInProgress(): number {
    return this.checker.checksInProgress;
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
  async recordRejected(by: ChangeAuthor, action: string, target: string | null, error: RegistryError): Promise<void> {
    await insertAudit(this.db, rejectedEntry(by, action, target, error)).catch(() => {});
  }

  // ---- one change at a time --------------------------------------------------------

  /** Registers a source, or stores a new version of it; the graph must still build. */
  async registerSource(by: ChangeAuthor, input: SourceInput): Promise<Changed<SourceRecord>> {
    const source = await this.#readSource(input);
    return this.#change(by, 'source.register', source.name, async (change) => (await registerSourceStep(change, source)).record);
  }

  /** Removes a source (its history stays). Refused while a served composite or another source needs it. */
  async removeSource(by: ChangeAuthor, name: string): Promise<Changed<SourceRecord>> {
    return this.#change(by, 'source.remove', name, async (change) => (await removeSourceStep(change, name)).record);
  }

  /**
   * Saves a composite document as its next version (a new composite starts as a draft).
   * It must compile against the served graph, as if it were published; a published
   * composite keeps serving its live version until the new one is published.
   */
  async saveComposite(by: ChangeAuthor, input: CompositeInput): Promise<Changed<CompositeRecord>> {
    const composite = await this.#readComposite(input);
    return this.#change(by, 'composite.save', composite.name, async (change) => (await saveCompositeStep(change, composite)).record);
  }

  /** Serves `version` (the newest by default) from now on; publishing what is served already changes nothing. */
  async publish(by: ChangeAuthor, name: string, version?: number): Promise<Changed<CompositeRecord>> {
    return this.#change(by, 'composite.publish', name, async (change) => (await publishStep(change, name, version)).record);
  }

  /** Keeps the composite in the schema, answering COMPOSITE_PAUSED, until it is resumed. Pausing a paused one changes nothing. */
  async pause(by: ChangeAuthor, name: string): Promise<Changed<CompositeRecord>> {
    return this.#change(by, 'composite.pause', name, async (change) => (await pauseOrResumeStep(change, name, 'pause')).record);
  }

  /** Serves a paused composite again. Resuming a published one changes nothing. */
  async resume(by: ChangeAuthor, name: string): Promise<Changed<CompositeRecord>> {
    return this.#change(by, 'composite.resume', name, async (change) => (await pauseOrResumeStep(change, name, 'resume')).record);
  }

  /** No longer served or listed by default; its versions and audit entries stay. Deleting a deleted one changes nothing. */
  async delete(by: ChangeAuthor, name: string): Promise<Changed<CompositeRecord>> {
    return this.#change(by, 'composite.delete', name, async (change) => (await deleteStep(change, name)).record);
  }

  /**
   * Makes an earlier version current again, as a new version (history only grows). A
   * published or paused composite serves it at once.
   */
  async rollback(by: ChangeAuthor, name: string, version: number): Promise<Changed<CompositeRecord>> {
    return this.#change(by, 'composite.rollback', name, async (change) => (await rollbackStep(change, name, version)).record);
  }

  // ---- many at once --------------------------------------------------------------

  /**
   * Uploads sources and composites as one change: the same steps as registering each
   * source, saving each composite (only if its text changed) and, with `publish`,
   * publishing it, run in one transaction and checked once as a whole (so a source and
   * the composites using it arrive together). The records and audit entries are those
   * the single changes would leave.
   *
   * Seeding (`by.via === 'seed'`) adds what the registry lacks and follows the folder for
   * what this same author put there and nobody has changed since (so editing schema/ and
   * restarting works), but leaves alone every name someone else changed: paused versions
   * stay paused, deleted ones stay deleted.
   */
  async apply(by: ChangeAuthor, upload: Upload): Promise<Changed<AppliedItem[]>> {
    const sources = await Promise.all(upload.sources.map((s) => this.#readSource(s, s.file)));
    const composites = await Promise.all(upload.composites.map((c) => this.#readComposite({ ...c, onlyIfChanged: true }, c.file)));
    for (const list of [sources.map((s) => s.name), composites.map((c) => c.name)]) {
      const twice = list.find((name, i) => list.indexOf(name) !== i);
      if (twice) throw new RegistryError('BAD_INPUT', `"${twice}" is uploaded twice`);
    }
    const seeding = by.via === 'seed';
    const checkedAs = seeding ? 'seeding the registry (with what it does not have yet; `skein push` uploads changed files)' : 'the upload';
    return this.#change(
      by,
      'registry.apply',
      '*',
      async (change) => {
        const items: AppliedItem[] = [];
        for (const source of sources) {
          const [current] = await selectSources(change.tx, 'where s.name = $1', [source.name]);
          if (seeding && current && !(current.created_by === by.actor && current.state === 'active')) {
            items.push({ kind: 'source', name: source.name, action: 'kept', version: Number(current.version), state: current.state });
            continue;
          }
          const { record, changed } = await registerSourceStep(change, source);
          const action = !changed ? 'unchanged' : current ? 'updated' : 'added';
          items.push({ kind: 'source', name: source.name, action, version: record.version, state: record.state });
        }
        for (const composite of composites) {
          const current = await lockComposite(change.tx, composite.name);
          if (seeding && current && !(current.updated_by === by.actor && current.state !== 'deleted')) {
            items.push({ kind: 'composite', name: composite.name, action: 'kept', version: Number(current.version), state: current.state });
            continue;
          }
          const saved = await saveCompositeStep(change, composite);
          const published = upload.publish && saved.record.state !== 'paused' ? await publishStep(change, composite.name) : undefined;
          const { record } = published ?? saved;
          const action = !current ? 'added' : saved.changed ? 'updated' : published?.changed ? 'published' : 'unchanged';
          items.push({ kind: 'composite', name: composite.name, action, version: record.version, state: record.state });
        }
        return items;
      },
      checkedAs,
    );
  }

  // ---- private -------------------------------------------------------------------

  /**
   * One change: serialized by the lock; `work` runs its steps, then what they lead to is
   * checked (described as `checkedAs`, else as the step that asked for the check); then
   * it is audited, the revision bumped and announced. Rejections are audited too.
   */
  async #change<T>(
    by: ChangeAuthor,
    action: string,
    target: string,
    work: (change: PendingChange) => Promise<T>,
    checkedAs?: string,
  ): Promise<Changed<T>> {
    try {
      // The graph a change leads to is built outside its transaction, so that neither the
      // lock nor a connection (the embedded store has one) is held while it is checked:
      // run the steps, note what must build, roll back, check; then run the steps again
      // and commit if they lead to what was checked. Another change committed meanwhile
      // means checking again; after a few rounds the check runs under the lock.
      const checked = new Set<string>();
      for (let round = 1; ; round++) {
        const underLock = round > OPTIMISTIC_ROUNDS;
        try {
          return await this.db.transaction(async (tx) => {
            await tx.query('select pg_advisory_xact_lock($1)', [REGISTRY_LOCK]);
            const change: PendingChange = { tx, by, candidate: await readServed(tx), drafts: new Map(), servedChanged: false, audits: [] };
            const record = await work(change);
            const what = change.check && (checkedAs ?? change.check);
            const candidates = what ? candidatesOf(change) : [];
            const unchecked = candidates.filter((c) => !checked.has(JSON.stringify(c)));
            if (what && unchecked.length > 0) {
              if (!underLock) throw new CheckFirst(what, unchecked);
              for (const candidate of unchecked) await this.#checkCandidate(what, candidate);
            }
            if (change.audits.length === 0) return { record, changed: false };
            for (const entry of change.audits) {
              await insertAudit(tx, { ...entry, actor: by.actor, outcome: 'ok', detail: { ...entry.detail, via: by.via } });
            }
            const [{ revision }] = await tx.query<{ revision: number }>(
              'update skein_revision set revision = revision + 1 where id = 1 returning revision',
            );
            await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, String(revision)]);
            return { record, changed: true };
          });
        } catch (error) {
          if (!(error instanceof CheckFirst)) throw error;
          for (const candidate of error.candidates) {
            await this.#checkCandidate(error.what, candidate);
            checked.add(JSON.stringify(candidate));
          }
        }
      }
    } catch (error) {
      if (error instanceof RegistryError && error.code !== 'REGISTRY_UNAVAILABLE') {
        await insertAudit(this.db, rejectedEntry(by, action, target, error)).catch(() => {});
      }
      throw error;
    }
  }

  async #checkCandidate(what: string, candidate: Candidate): Promise<void> {
    try {
      await this.checker.check(candidate);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw RegistryError.rejected(what, error);
    }
  }

  /** A source input, read and validated (in the checking thread) before its transaction starts. */
  async #readSource(input: SourceInput, file?: string): Promise<SourceChange> {
    const place = file ?? (input.name ? sourcePath(input.name) : '<source SDL>');
    const attachments = input.attachments ?? {};
    checkSourceBytes(input.name ?? (file && sourceNameOf(file)), input.sdl, attachments, this.limits);
    const header = await this.checker.readSource(input.sdl, place);
    if (input.name !== undefined && input.name !== header.name) {
      throw new RegistryError('BAD_INPUT', `the SDL declares source "${header.name}", not "${input.name}"`);
    }
    for (const attached of Object.keys(attachments)) {
      // Attachments are written into the source's own folder, so each is named by a path relative to its SDL.
      if (attached === '' || path.isAbsolute(attached) || /^[a-z][a-z0-9+.-]+:/i.test(attached) || attached.includes('\0')) {
        throw new RegistryError('BAD_INPUT', `attachment "${attached}" of source "${header.name}" must be named by a relative path, as the SDL names it (rooms.wsdl, wsdl/rooms.wsdl)`);
      }
    }
    if (header.wsdlFile && attachments[header.wsdlFile] === undefined) {
      throw new RegistryError(
        'BAD_INPUT',
        `source "${header.name}" names the WSDL file "${header.wsdlFile}", which was not uploaded with it; upload it as an attachment or give wsdl: an http(s) URL`,
      );
    }
    return { name: header.name, kind: header.kind, origin: input.origin ?? 'sdl', sdl: input.sdl, attachments };
  }

  async #readComposite(input: CompositeInput, file?: string): Promise<CompositeChange> {
    const header = await this.checker.readComposite(input.document, file ?? (input.name ? compositePath(input.name) : '<composite document>'));
    if (input.name !== undefined && input.name !== header.name) {
      throw new RegistryError('BAD_INPUT', `the document's operation is named "${header.name}", not "${input.name}"`);
    }
    return { name: header.name, operation: header.operation, document: input.document, note: input.note ?? null, protocol: input.protocol ?? null, onlyIfChanged: input.onlyIfChanged ?? false };
  }
}

/** `users` of `schema/sources/users.graphql`, for messages about a file not read yet. */
function sourceNameOf(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.graphql$/, '');
}

/** Rounds of checking outside the lock before a change is checked under it (other changes keep committing). */
const OPTIMISTIC_ROUNDS = 3;

/** Thrown inside a change's transaction to roll it back and check `candidates` outside it. */
class CheckFirst extends Error {
  constructor(
    readonly what: string,
    readonly candidates: readonly Candidate[],
  ) {
    super('internal: the change is checked outside its transaction');
  }
}

/**
 * What a change must build before it commits: saved versions as if served (so they can
 * be published), and what will be served as it is (a paused composite keeps its live version).
 */
function candidatesOf(change: PendingChange): Candidate[] {
  return [...(change.drafts.size > 0 ? [withDrafts(change)] : []), ...(change.servedChanged ? [change.candidate] : [])];
}

// ---- steps: each kind of change, written once ---------------------------------------

/**
 * The steps of one change, inside its transaction. Each step writes its rows, updates
 * `candidate` to what would be served once the change commits, and adds its audit entry;
 * a step that stores nothing adds none, and the change then counts as unchanged.
 */
interface PendingChange {
  readonly tx: SqlExecutor;
  readonly by: ChangeAuthor;
  /** What will be served once the change commits: active sources, published and paused composites at their live versions. */
  readonly candidate: { sources: CandidateSource[]; composites: CandidateComposite[] };
  /** Documents this change saves that will not be served when it commits (drafts, new versions of live composites), by name. */
  readonly drafts: Map<string, string>;
  /** Set by a step whose result must build before it commits: what it does, for the refusal. */
  check?: string;
  /** Whether a step changed what is served (then the candidate is checked as it is). */
  servedChanged: boolean;
  readonly audits: PendingAudit[];
}

type PendingAudit = Omit<AuditInput, 'actor' | 'outcome'>;

/** A source input, read and validated before its transaction starts. */
interface SourceChange {
  readonly name: string;
  readonly kind: string;
  readonly origin: SourceOrigin;
  readonly sdl: string;
  readonly attachments: Readonly<Record<string, string>>;
}

interface CompositeChange {
  readonly name: string;
  readonly operation: 'query' | 'mutation';
  readonly document: string;
  readonly note: string | null;
  readonly protocol: 'REST' | 'SOAP' | null;
  readonly onlyIfChanged: boolean;
}

async function registerSourceStep(change: PendingChange, source: SourceChange): Promise<Changed<SourceRecord>> {
  const { tx } = change;
  const { name } = source;
  const [current] = await selectSources(tx, 'where s.name = $1', [name]);
  if (current?.state === 'active' && current.sdl === source.sdl && sameJSON(current.attachments, source.attachments)) {
    return { record: toSourceRecord(current), changed: false };
  }
  const version = (current?.version ?? 0) + 1;
  if (current) {
    await tx.query(`update skein_sources set state = 'active', version = $2, updated_at = now() where name = $1`, [name, version]);
  } else {
    await tx.query(`insert into skein_sources (name, state, version) values ($1, 'active', $2)`, [name, version]);
  }
  await tx.query(
    `insert into skein_source_versions (name, version, kind, origin, sdl, attachments, created_by)
     values ($1, $2, $3, $4, $5, $6, $7)`,
    [name, version, source.kind, source.origin, source.sdl, JSON.stringify(source.attachments), change.by.actor],
  );
  change.candidate.sources = [...change.candidate.sources.filter((s) => s.name !== name), { name, sdl: source.sdl, attachments: source.attachments }];
  change.servedChanged = true;
  change.check ??= `registering source "${name}"`;
  change.audits.push({ action: 'source.register', target: name, version, detail: { from: current?.state ?? null, origin: source.origin } });
  const [row] = await selectSources(tx, 'where s.name = $1', [name]);
  return { record: toSourceRecord(row), changed: true };
}

async function removeSourceStep(change: PendingChange, name: string): Promise<Changed<SourceRecord>> {
  const { tx } = change;
  const [current] = await selectSources(tx, 'where s.name = $1', [name]);
  if (!current) throw new RegistryError('NOT_FOUND', `no source named "${name}" is registered`);
  if (current.state === 'removed') return { record: toSourceRecord(current), changed: false };
  await tx.query(`update skein_sources set state = 'removed', updated_at = now() where name = $1`, [name]);
  change.candidate.sources = change.candidate.sources.filter((s) => s.name !== name);
  change.servedChanged = true;
  change.check ??= `removing source "${name}"`;
  change.audits.push({ action: 'source.remove', target: name, version: Number(current.version), detail: {} });
  const [row] = await selectSources(tx, 'where s.name = $1', [name]);
  return { record: toSourceRecord(row), changed: true };
}

async function saveCompositeStep(change: PendingChange, composite: CompositeChange): Promise<Changed<CompositeRecord>> {
  const { tx } = change;
  const { name, operation, document } = composite;
  const current = await lockComposite(tx, name);
  if (current && composite.onlyIfChanged && current.state !== 'deleted' && current.document === document) {
    return { record: toCompositeRecord(current), changed: false };
  }
  const state = current ? transition(name, current.state, 'save') : 'draft';
  if (current && current.operation !== operation && isLive(current.state)) {
    throw new RegistryError(
      'BAD_INPUT',
      `composite "${name}" is a ${current.operation} while it is ${current.state}, and a new version cannot make it a ${operation}; ` +
        `delete it and save it again (a new draft), or save the ${operation} under another name`,
    );
  }
  const version = (current?.version ?? 0) + 1;
  if (current) {
    await tx.query(
      `update skein_composites set state = $2::text, version = $3::integer,
         operation = case when $2::text = 'draft' then $4::text else operation end,
         live_version = case when $2::text = 'draft' then null else live_version end, updated_at = now() where name = $1`,
      [name, state, version, operation],
    );
  } else {
    await tx.query(`insert into skein_composites (name, state, version, operation) values ($1, 'draft', 1, $2)`, [name, operation]);
  }
  await insertCompositeVersion(tx, name, version, document, composite.note, change.by.actor, composite.protocol);
  change.drafts.set(name, document);
  change.check ??= `saving composite "${name}"`;
  change.audits.push({ action: 'composite.save', target: name, version, detail: { state } });
  return { record: await readComposite(tx, name), changed: true };
}

async function publishStep(change: PendingChange, name: string, version?: number): Promise<Changed<CompositeRecord>> {
  const { tx } = change;
  const current = await lockExistingComposite(tx, name);
  const to = transition(name, current.state, 'publish');
  const chosen = version ?? Number(current.version);
  const document = await readVersionDocument(tx, name, chosen);
  if (current.state === 'published' && current.live_version === chosen) return { record: toCompositeRecord(current), changed: false };
  await tx.query(`update skein_composites set state = 'published', live_version = $2, updated_at = now() where name = $1`, [name, chosen]);
  setServedComposite(change, name, document, false);
  if (change.drafts.get(name) === document) change.drafts.delete(name);
  change.check ??= `publishing composite "${name}" v${chosen}`;
  change.audits.push({ action: 'composite.publish', target: name, version: chosen, detail: { from: current.state, to } });
  return { record: await readComposite(tx, name), changed: true };
}

/** Pausing keeps the composite in the schema (answering COMPOSITE_PAUSED), so neither needs a check. */
async function pauseOrResumeStep(change: PendingChange, name: string, action: 'pause' | 'resume'): Promise<Changed<CompositeRecord>> {
  const { tx } = change;
  const current = await lockExistingComposite(tx, name);
  const to = transition(name, current.state, action);
  if (to === current.state) return { record: toCompositeRecord(current), changed: false };
  await tx.query(`update skein_composites set state = $2, updated_at = now() where name = $1`, [name, to]);
  change.candidate.composites = change.candidate.composites.map((c) => (c.name === name ? { ...c, paused: to === 'paused' } : c));
  change.audits.push({ action: `composite.${action}`, target: name, version: current.live_version, detail: { from: current.state, to } });
  return { record: await readComposite(tx, name), changed: true };
}

async function deleteStep(change: PendingChange, name: string): Promise<Changed<CompositeRecord>> {
  const { tx } = change;
  const current = await lockExistingComposite(tx, name);
  const to = transition(name, current.state, 'delete');
  if (to === current.state) return { record: toCompositeRecord(current), changed: false };
  await tx.query(`update skein_composites set state = 'deleted', live_version = null, updated_at = now() where name = $1`, [name]);
  change.candidate.composites = change.candidate.composites.filter((c) => c.name !== name);
  change.drafts.delete(name);
  // Only a served composite can leave something behind that needs it.
  if (isLive(current.state)) {
    change.servedChanged = true;
    change.check ??= `deleting composite "${name}"`;
  }
  change.audits.push({ action: 'composite.delete', target: name, version: Number(current.version), detail: { from: current.state, to } });
  return { record: await readComposite(tx, name), changed: true };
}

async function rollbackStep(change: PendingChange, name: string, version: number): Promise<Changed<CompositeRecord>> {
  const { tx } = change;
  const current = await lockExistingComposite(tx, name);
  const to = transition(name, current.state, 'rollback');
  const newest = Number(current.version);
  if (version >= newest) {
    throw new RegistryError(
      'BAD_INPUT',
      newest === 1
        ? `composite "${name}" has only v1, so there is no earlier version to roll back to`
        : `composite "${name}" can roll back to ${newest === 2 ? 'v1' : `v1…v${newest - 1}`} (v${newest} is its newest version), not v${version}`,
    );
  }
  const document = await readVersionDocument(tx, name, version);
  const next = newest + 1;
  const [{ protocol }] = await tx.query<{ protocol: 'REST' | 'SOAP' | null }>(
    'select protocol from skein_composite_versions where name = $1 and version = $2',
    [name, version],
  );
  await insertCompositeVersion(tx, name, next, document, `rollback to v${version}`, change.by.actor, protocol);
  await tx.query(
    `update skein_composites set version = $2::integer, live_version = case when live_version is null then null else $2::integer end, updated_at = now()
     where name = $1`,
    [name, next],
  );
  if (isLive(current.state)) {
    setServedComposite(change, name, document);
    change.check ??= `rolling composite "${name}" back to v${version}`;
  }
  change.audits.push({ action: 'composite.rollback', target: name, version: next, detail: { from: current.state, to } });
  return { record: await readComposite(tx, name), changed: true };
}

/** Serves composite `name` at `document` once the change commits, paused as it was unless `paused` says otherwise. */
function setServedComposite(change: PendingChange, name: string, document: string, paused?: boolean): void {
  change.candidate.composites = withComposite(change.candidate.composites, name, document, paused);
  change.servedChanged = true;
}

/** The candidate with every document the change saves served in place of its composite's live version. */
function withDrafts(change: PendingChange): Candidate {
  let composites = change.candidate.composites;
  for (const [name, document] of change.drafts) composites = withComposite(composites, name, document);
  return { sources: change.candidate.sources, composites };
}

function withComposite(composites: readonly CandidateComposite[], name: string, document: string, paused?: boolean): CandidateComposite[] {
  const before = composites.find((c) => c.name === name);
  return [...composites.filter((c) => c.name !== name), { name, document, paused: paused ?? before?.paused ?? false }];
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
  protocol: 'REST' | 'SOAP' | null;
  live_protocol: 'REST' | 'SOAP' | null;
  created_at: Date | string;
  updated_at: Date | string;
  updated_by: string;
}

interface CompositeVersionRow {
  name: string;
  version: number;
  document: string;
  note: string | null;
  protocol: 'REST' | 'SOAP' | null;
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
            v.protocol, l.protocol as live_protocol,
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

/** The composite's row, locked for this transaction; a lifecycle step on a name never saved is refused. */
async function lockExistingComposite(tx: SqlExecutor, name: string): Promise<CompositeRow> {
  const row = await lockComposite(tx, name);
  if (!row) throw new RegistryError('NOT_FOUND', `no composite named "${name}" is registered`);
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
    ? new RegistryError('NOT_FOUND', `composite "${name}" has ${row.version === 1 ? 'only v1' : `versions v1…v${row.version}`}, not v${version}`)
    : new RegistryError('NOT_FOUND', `no composite named "${name}" is registered`);
}

function insertCompositeVersion(
  tx: SqlExecutor,
  name: string,
  version: number,
  document: string,
  note: string | null,
  actor: string,
  protocol: 'REST' | 'SOAP' | null,
) {
  return tx.query(
    'insert into skein_composite_versions (name, version, document, note, created_by, protocol) values ($1, $2, $3, $4, $5, $6)',
    [name, version, document, note, actor, protocol],
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
    protocol: (row.live_document === null ? row.protocol : row.live_protocol) ?? undefined,
    paused: row.state === 'paused',
  }));
  return { sources, composites };
}


interface AuditInput {
  actor: string | null;
  action: string;
  target: string | null;
  version: number | null;
  outcome: AuditOutcome;
  detail: Record<string, unknown>;
}

function rejectedEntry(by: ChangeAuthor, action: string, target: string | null, error: RegistryError): AuditInput {
  return { actor: by.actor, action, target, version: null, outcome: 'rejected', detail: { code: error.code, reason: error.message, via: by.via } };
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
    protocol: row.protocol ?? null,
    liveProtocol: row.live_protocol ?? null,
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
    protocol: row.protocol ?? null,
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
