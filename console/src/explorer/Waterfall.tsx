import type { CompositeTrace } from '../../../src/composite/execute/plan-report';

/**
 * Each step of a run as a bar from its start to its end, on one time axis for the whole
 * composite: steps that overlap ran in parallel. Steps on the critical path are marked.
 */
export function Waterfall({ run }: { run: CompositeTrace }) {
  const end = Math.max(1e-6, ...run.steps.map((s) => s.endMs));
  const critical = new Set(run.criticalPath);
  const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
  return (
    <figure className="waterfall" aria-label={`Step times of ${run.composite}`}>
      <ol className="waterfall-rows">
        {run.steps.map((step) => (
          <li
            key={step.step}
            className={`waterfall-row status-${step.status}`}
            data-step={step.step}
            data-start={step.startMs}
            data-end={step.endMs}
            data-status={step.status}
          >
            <span className="waterfall-name">
              {step.step}
              {critical.has(step.step) ? <span className="critical-mark" title="on the critical path"> ★</span> : null}
            </span>
            <span className="waterfall-track" aria-hidden="true">
              <span
                className="waterfall-bar"
                style={{ left: `${(step.startMs / end) * 100}%`, width: `${Math.max(0.5, ((step.endMs - step.startMs) / end) * 100)}%` }}
              />
            </span>
            <span className="waterfall-times">
              {step.status === 'skipped' ? 'skipped' : `${ms(step.startMs)} → ${ms(step.endMs)}`}
              {step.status === 'failed' ? ' (failed)' : ''}
            </span>
          </li>
        ))}
      </ol>
      <figcaption className="muted">
        {run.composite}: {run.steps.length} steps in {run.stages.length} stages, {ms(end)} in all; ★ critical path {run.criticalPath.join(' → ')}
      </figcaption>
    </figure>
  );
}
