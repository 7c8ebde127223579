import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { useMemo, type ReactNode } from 'react';
import { postGraphQL } from '../shared/graphql-request';
import { GuideTab } from './GuideTab';
import { namespacedStorage } from './namespaced-storage';
import { PlanTab, type PlanLookup } from './PlanTab';
import { compositeTraces, EXPOSE_PLAN_HEADER } from '../../../src/composite/execute/plan-report';
import { RunStore } from './run-store';
import '../styles/explorer.css';

export interface ExplorerProps {
  readonly endpoint: string;
  /** localStorage prefix of this page's tabs, history and headers. */
  readonly namespace: string;
  readonly defaultQuery?: string;
  readonly defaultHeaders?: string;
  /** The Plan tab (with Skein-Expose-Plan on every run). */
  readonly planTab: boolean;
  /** The Guide tab: the public page's. */
  readonly guide?: boolean;
  /** Plans of the composites in the editor before a run (the console's, from the admin API). */
  readonly lookup?: PlanLookup;
}

const PlanIcon = () => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
    <rect x="2" y="9" width="6" height="6" rx="1.5" />
    <rect x="16" y="3" width="6" height="6" rx="1.5" />
    <rect x="16" y="15" width="6" height="6" rx="1.5" />
    <path d="M8 12h4v-6h4M12 12v6h4" />
  </svg>
);

const GuideIcon = () => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6">
    <circle cx="12" cy="12" r="9.5" />
    <path d="M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6V14M12 17.2v.3" />
  </svg>
);

/** GraphiQL with Skein's tabs: Plan (drawn plans and a waterfall of step times) and Guide. */
export function Explorer(props: ExplorerProps): ReactNode {
  const { endpoint, namespace, planTab, guide, lookup } = props;
  const store = useMemo(() => new RunStore(props.defaultQuery ?? ''), [props.defaultQuery]);
  const storage = useMemo(() => namespacedStorage(namespace), [namespace]);
  const plugins = useMemo(
    () => [
      ...(planTab ? [{ title: 'Plan', icon: PlanIcon, content: () => <PlanTab store={store} lookup={lookup} /> }] : []),
      ...(guide ? [{ title: 'Guide', icon: GuideIcon, content: () => <GuideTab endpoint={endpoint} /> }] : []),
    ],
    [planTab, guide, store, lookup, endpoint],
  );
  const fetcher = useMemo(
    () =>
      async (params: { query: string; variables?: unknown; operationName?: string | null }, options?: { headers?: Record<string, unknown> }) => {
        const headers = Object.fromEntries(Object.entries(options?.headers ?? {}).map(([name, value]) => [name, String(value)]));
        const introspection = params.operationName === 'IntrospectionQuery';
        if (planTab && !introspection) headers[EXPOSE_PLAN_HEADER] = 'true';
        const { answer } = await postGraphQL(endpoint, params as never, headers);
        if (planTab && !introspection) store.recordRun(compositeTraces(answer.extensions));
        return answer as never;
      },
    [endpoint, planTab, store],
  );
  return (
    <GraphiQL
      fetcher={fetcher}
      storage={storage}
      plugins={plugins}
      defaultQuery={props.defaultQuery}
      defaultHeaders={props.defaultHeaders}
      onEditQuery={(query) => store.setQuery(query)}
      // Tokens typed into the Headers pane stay out of localStorage.
      shouldPersistHeaders={false}
    />
  );
}
