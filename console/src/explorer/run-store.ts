import { useSyncExternalStore } from 'react';
import type { CompositeTrace } from '../../../src/composite/execute/plan-report';

/** What the Plan tab shows: the operation in the editor, and what its last run reported. */
export interface ExplorerState {
  readonly query: string;
  readonly lastRun?: { readonly at: number; readonly composites: readonly CompositeTrace[] };
}

/**
 * The explorer's shared state between GraphiQL (which edits and runs) and the Plan tab
 * (which reads): GraphiQL tells it about edits (onEditQuery) and the fetcher about runs.
 */
export class RunStore {
  #state: ExplorerState;
  readonly #listeners = new Set<() => void>();

  constructor(query: string) {
    this.#state = { query };
  }

  get state(): ExplorerState {
    return this.#state;
  }

  setQuery(query: string): void {
    if (query !== this.#state.query) this.#set({ ...this.#state, query });
  }

  recordRun(composites: readonly CompositeTrace[]): void {
    this.#set({ ...this.#state, lastRun: { at: Date.now(), composites } });
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  #set(state: ExplorerState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }
}

export function useExplorerState(store: RunStore): ExplorerState {
  return useSyncExternalStore(store.subscribe, () => store.state);
}
