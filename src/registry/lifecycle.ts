import { RegistryError } from './errors.js';
import type { CompositeState } from './records.js';

/**
 * The life of a composite:
 *
 *     save ─► draft ─publish─► published ─pause─► paused ─resume─► published …
 *                                   └──────────── delete ─────────────┴─► deleted
 *
 * Only published composites are served; paused ones stay in the schema and answer
 * COMPOSITE_PAUSED (HTTP 503 on their REST endpoint); drafts can be checked and planned
 * but not called. Every save is a new version; publishing a paused composite serves the
 * chosen version again at once. Deleted composites keep their history; saving the name
 * again starts a new draft whose versions continue the count.
 *
 * A verb whose end state is already reached (pause a paused one, resume a published one,
 * publish one at the version it serves, delete a deleted one) is no error: it changes
 * nothing and writes no audit entry, so a script or a retried request can repeat it.
 */
export type LifecycleAction = 'save' | 'publish' | 'pause' | 'resume' | 'delete' | 'rollback';

const ALLOWED: Readonly<Record<LifecycleAction, readonly CompositeState[]>> = {
  save: ['draft', 'published', 'paused', 'deleted'],
  publish: ['draft', 'published', 'paused'],
  pause: ['published'],
  resume: ['paused'],
  delete: ['draft', 'published', 'paused'],
  rollback: ['draft', 'published', 'paused'],
};

/** Where the verbs that lead to one state lead; repeating one there changes nothing. */
const END_STATE: Readonly<Partial<Record<LifecycleAction, CompositeState>>> = {
  publish: 'published',
  pause: 'paused',
  resume: 'published',
  delete: 'deleted',
};

/**
 * The state a composite (or a sync job, `what`, which lives the same life) is in after
 * `action` (the same state when it is there already), or a RegistryError saying what is
 * possible instead.
 */
export function transition(name: string, from: CompositeState, action: LifecycleAction, what = 'composite'): CompositeState {
  if (END_STATE[action] === from) return from;
  if (!ALLOWED[action].includes(from)) {
    const possible = (Object.keys(ALLOWED) as LifecycleAction[]).filter((a) => a !== 'save' && ALLOWED[a].includes(from));
    const instead = possible.length ? `it can be ${possible.map(pastTense).join(', ')}` : 'only saving it again starts a new draft';
    throw new RegistryError('INVALID_TRANSITION', `${what} "${name}" is ${from}, so it cannot be ${pastTense(action)}; ${instead}`);
  }
  switch (action) {
    case 'save':
      return from === 'deleted' ? 'draft' : from;
    case 'publish':
    case 'resume':
      return 'published';
    case 'pause':
      return 'paused';
    case 'delete':
      return 'deleted';
    case 'rollback':
      return from;
  }
}

/** Served by the gateway: in its schema (paused ones answer COMPOSITE_PAUSED). */
export function isLive(state: CompositeState): boolean {
  return state === 'published' || state === 'paused';
}

function pastTense(action: LifecycleAction): string {
  return { save: 'saved', publish: 'published', pause: 'paused', resume: 'resumed', delete: 'deleted', rollback: 'rolled back' }[action];
}
