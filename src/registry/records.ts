/** What the registry keeps, as the rest of Skein sees it. Times are ISO 8601 strings. */

/** draft → published ⇄ paused → deleted; see lifecycle.ts for every allowed step. */
export type CompositeState = 'draft' | 'published' | 'paused' | 'deleted';
export type SourceState = 'active' | 'removed';
/** What the source SDL was made from: written by hand, or imported from OpenAPI or a WSDL. */
export type SourceOrigin = 'sdl' | 'openapi' | 'wsdl' | 'graphql';

export interface SourceVersion {
  readonly name: string;
  readonly version: number;
  /** `REST`, `SOAP`: the kind its `@source` declares. */
  readonly kind: string;
  readonly origin: SourceOrigin;
  readonly sdl: string;
  /** Files the SDL names by relative path (a WSDL), by that path. */
  readonly attachments: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A source: its newest version, and whether it is still registered. */
export interface SourceRecord extends SourceVersion {
  readonly state: SourceState;
  readonly updatedAt: string;
}

export interface CompositeVersion {
  readonly name: string;
  readonly version: number;
  readonly document: string;
  /** Why it was made, when not a plain save: `rollback to v2`, `imported from …`. */
  readonly note: string | null;
  /** The protocol recorded with the version (REST or SOAP); null: the majority of its steps' (Graph.protocols). */
  readonly protocol: 'REST' | 'SOAP' | null;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface CompositeRecord {
  readonly name: string;
  readonly state: CompositeState;
  readonly operation: 'query' | 'mutation';
  /** The newest saved version. */
  readonly version: number;
  readonly document: string;
  /** The version served while published or paused, else null. */
  readonly liveVersion: number | null;
  readonly liveDocument: string | null;
  /** The protocols recorded with the newest and the live version (null: the majority of its steps'). */
  readonly protocol: 'REST' | 'SOAP' | null;
  readonly liveProtocol: 'REST' | 'SOAP' | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Who made the newest version. */
  readonly updatedBy: string;
}

export type AuditOutcome = 'ok' | 'rejected' | 'denied';

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  /** The token's name, `dev` without tokens, null when no valid token was shown. */
  readonly actor: string | null;
  /** `composite.publish`, `source.register`, `auth.denied`, … */
  readonly action: string;
  readonly target: string | null;
  readonly version: number | null;
  readonly outcome: AuditOutcome;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Everything a gateway serves, read at one revision. */
export interface RegistrySnapshot {
  readonly revision: number;
  /** Active sources at their newest version. */
  readonly sources: readonly SourceRecord[];
  /** Published and paused composites; each is served at its live version. */
  readonly composites: readonly CompositeRecord[];
}
