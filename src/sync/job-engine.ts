import { createHash } from 'node:crypto';

/** What a queued job asks for: a run of a sync job, new (a schedule's tick, an event) or existing (`runId`: started on demand, or paused). */
export interface SyncJobRequest {
  readonly job: string;
  readonly trigger: string;
  readonly runId?: number;
}

/**
 * Where sync runs wait and which gateway runs them. Two implementations with the same
 * semantics: pg-boss on PostgreSQL (a cluster: each job runs on one gateway; a job whose
 * gateway died is taken over once it expires) and an in-process queue in the embedded
 * store's database.
 */
export interface JobEngine {
  readonly kind: 'pg-boss' | 'embedded';
  /**
   * Queues a job. `id` makes it once-only: a second send with the same id (another
   * gateway's scheduler, the same tick) is dropped, and answers false.
   */
  send(request: SyncJobRequest, options?: { readonly id?: string; readonly startAfter?: Date }): Promise<boolean>;
  /** Starts taking jobs; a handler that throws has its job retried later, on this gateway or another. */
  work(handler: (request: SyncJobRequest, queueId: string) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface JobEngineSettings {
  /** How long a job may run before the queue gives it to another worker (its gateway is presumed dead). */
  readonly expireSeconds: number;
  /** How often an idle worker asks for work. */
  readonly pollMs: number;
  /** Attempts of a job that throws (the gateway was stopping, the store was gone). */
  readonly retryLimit: number;
  readonly retryDelaySeconds: number;
}

export const DEFAULT_ENGINE_SETTINGS: JobEngineSettings = { expireSeconds: 900, pollMs: 1000, retryLimit: 20, retryDelaySeconds: 5 };

/** The one queue sync jobs go through. */
export const SYNC_QUEUE = 'skein-sync';

/** A UUID made from `text`: the same tick of the same job gets the same id on every gateway (pg-boss ids are UUIDs). */
export function stableUuid(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
