import { useEffect, useState } from 'react';
import type { FlowInput } from '../../../src/drawing/index';
import { FlowPicture } from '../shared/FlowPicture';
import { EXPOSE_PLAN_HEADER } from '../../../src/composite/execute/plan-report';
import { useExplorerState, type RunStore } from './run-store';
import { Waterfall } from './Waterfall';

/** Finds the plans of the composites an operation calls, before it runs (the console asks the admin API). */
export type PlanLookup = (query: string) => Promise<readonly FlowInput[]>;

/**
 * GraphiQL's Plan tab: the plan of every composite the operation in the editor calls
 * (when the page can look plans up), and after a run each composite's flow with its
 * steps' outcomes and a waterfall of their start and end times.
 */
export function PlanTab({ store, lookup }: { store: RunStore; lookup?: PlanLookup }) {
  const { query, lastRun } = useExplorerState(store);
  const [planned, setPlanned] = useState<readonly FlowInput[]>([]);
  const [lookupError, setLookupError] = useState<string>();
  useEffect(() => {
    if (!lookup) return;
    let current = true;
    const timer = setTimeout(() => {
      lookup(query)
        .then((flows) => current && (setPlanned(flows), setLookupError(undefined)))
        .catch((e: unknown) => current && setLookupError(e instanceof Error ? e.message : String(e)));
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, lookup]);

  return (
    <section className="plan-tab" aria-labelledby="plan-tab-title">
      <h2 id="plan-tab-title" className="graphiql-doc-explorer-title">Plan</h2>
      <p className="muted">
        Runs from this page carry the header <code>{EXPOSE_PLAN_HEADER}: true</code>, so the answer reports each composite's plan and step times.
      </p>
      {lookup ? (
        <section aria-labelledby="plan-planned">
          <h3 id="plan-planned">Composites in this operation</h3>
          {lookupError ? <p role="alert" className="error">{lookupError}</p> : null}
          {planned.length === 0 ? <p className="muted">The operation in the editor calls no composite.</p> : null}
          {planned.map((flow) => (
            <div key={flow.name} className="plan-entry" data-composite={flow.name}>
              <FlowPicture flow={flow} />
            </div>
          ))}
        </section>
      ) : null}
      <section aria-labelledby="plan-last-run" aria-live="polite">
        <h3 id="plan-last-run">Last run</h3>
        {!lastRun ? <p className="muted">Run the operation (▶ or Ctrl+Enter) to see when each step of its composites started and ended.</p> : null}
        {lastRun && lastRun.composites.length === 0 ? <p className="muted">The last run called no composite.</p> : null}
        {lastRun?.composites.map((run, i) => (
          <div key={`${lastRun.at}-${i}`} className="plan-run" data-composite={run.composite}>
            <h4>{run.composite}</h4>
            {run.flow ? <FlowPicture flow={run.flow} /> : null}
            <Waterfall run={run} />
          </div>
        ))}
      </section>
    </section>
  );
}
