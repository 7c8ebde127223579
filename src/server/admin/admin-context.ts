import type { Registry, ServedGraph, Workbench } from '../../registry/index.js';
import type { SyncService } from '../../sync/index.js';

/** What every admin resolver receives: who is asking, and the registry this gateway serves. */
export interface AdminContext {
  /** The name of the token the request was made with (`dev` when the API is unprotected). */
  readonly actor: string;
  /** The request's id (`x-request-id`), in logged errors and the answer. */
  readonly requestId: string;
  readonly registry: Registry;
  readonly served: ServedGraph;
  readonly workbench: Workbench;
  /** Sync jobs, when this gateway runs them. */
  readonly sync: SyncService | undefined;
  /** Told after every change, so this gateway serves it before the mutation answers. */
  readonly changed: () => Promise<void>;
  /** How this gateway names itself in exports. */
  readonly gatewayName: string;
}
