import { useEffect, useState, type FormEvent } from 'react';
import type { FlowInput } from '../../../src/drawing/index';
import { FlowPicture } from '../shared/FlowPicture';
import { Notice, type NoticeState } from '../shared/Notice';
import { useAdmin } from './admin-context';
import { hrefOf } from './hash-route';

interface StepRow {
  name: string;
  need: string;
}
interface DependencyRow {
  step: string;
  /** Step names, comma-separated. */
  on: string;
  condition: string;
  branch: 'when' | 'unless';
}
interface InputRow {
  name: string;
  type: string;
}
interface Candidate {
  field: string;
  source: string;
  kind: string;
  score: number;
}
interface Draft {
  name: string;
  document: string;
  plan: string;
  flow: FlowInput;
  protocol: string;
  matches: { step: string; field: string; how: string }[];
}

const emptyStep = (): StepRow => ({ name: '', need: '' });
const emptyDependency = (): DependencyRow => ({ step: '', on: '', condition: '', branch: 'when' });

/** The business request as `skein compose` reads it (compose/request-document.ts), from the form. */
function requestOf(name: string, description: string, inputs: InputRow[], steps: StepRow[], dependencies: DependencyRow[]) {
  return {
    composite: name.trim(),
    ...(description.trim() ? { description: description.trim() } : {}),
    inputs: Object.fromEntries(inputs.filter((i) => i.name.trim()).map((i) => [i.name.trim(), i.type.trim()])),
    steps: Object.fromEntries(steps.filter((s) => s.name.trim()).map((s) => [s.name.trim(), { need: s.need.trim() }])),
    dependencies: dependencies
      .filter((d) => d.step.trim())
      .map((d) => {
        const on = d.on.split(',').map((s) => s.trim()).filter(Boolean);
        return { step: d.step.trim(), on: on.length === 1 ? on[0] : on, ...(d.condition.trim() ? { [d.branch]: d.condition.trim() } : {}) };
      }),
  };
}

/**
 * A composite drafted from a business request: steps described in words, the table of
 * how they depend on each other, the operations that match each need as it is typed
 * (admin `find`), then the drafted document and its drawing (admin `draftComposite`),
 * saved as a draft (admin `saveComposite`).
 */
export function ComposePage() {
  const admin = useAdmin();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [inputs, setInputs] = useState<InputRow[]>([{ name: '', type: 'ID!' }]);
  const [steps, setSteps] = useState<StepRow[]>([emptyStep()]);
  const [dependencies, setDependencies] = useState<DependencyRow[]>([]);
  const [candidates, setCandidates] = useState<Record<string, Candidate[]>>({});
  const [draft, setDraft] = useState<Draft>();
  const [notice, setNotice] = useState<NoticeState>();
  const [busy, setBusy] = useState(false);

  // Candidates for each need, as it is typed: looked up once the typing pauses.
  const needs = steps.map((s) => s.need.trim());
  useEffect(() => {
    let current = true;
    const timer = setTimeout(async () => {
      const found: Record<string, Candidate[]> = {};
      for (const need of new Set(needs.filter((n) => n.length >= 3))) {
        try {
          found[need] = (await admin.request<{ find: Candidate[] }>('query($need: String!) { find(need: $need, limit: 3) { field source kind score } }', { need })).find;
        } catch {
          found[need] = [];
        }
      }
      if (current) setCandidates(found);
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [admin, needs.join('\n')]);

  const update = <T,>(rows: T[], set: (rows: T[]) => void, index: number, change: Partial<T>) => set(rows.map((row, i) => (i === index ? { ...row, ...change } : row)));
  const remove = <T,>(rows: T[], set: (rows: T[]) => void, index: number) => set(rows.filter((_, i) => i !== index));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setNotice(undefined);
    try {
      const request = requestOf(name, description, inputs, steps, dependencies);
      const { draftComposite } = await admin.request<{ draftComposite: Draft }>(
        'mutation($request: JSON!) { draftComposite(request: $request) { name document plan flow protocol matches { step field how } } }',
        { request },
      );
      setDraft(draftComposite);
    } catch (error) {
      setDraft(undefined);
      setNotice({ kind: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    if (!draft) return;
    setBusy(true);
    try {
      const { saveComposite: saved } = await admin.request<{ saveComposite: { name: string; version: number; state: string; liveVersion: number | null } }>(
        'mutation($document: String!, $name: String) { saveComposite(document: $document, name: $name, note: "drafted in the console") { name version state liveVersion } }',
        { document: draft.document, name: draft.name },
      );
      const served = saved.liveVersion ? `; v${saved.liveVersion} is served until you publish it` : '; publish it to serve it';
      setNotice({ kind: 'ok', text: `Saved ${saved.name} v${saved.version} (${saved.state.toLowerCase()})${served}.` });
    } catch (error) {
      setNotice({ kind: 'error', text: `${draft.name} was not saved: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Compose</h1>
      <p className="muted">Describe what each step needs in words; the gateway finds the operations, wires their data and drafts the composite. Nothing is stored until you save it.</p>
      <form onSubmit={submit} className="compose">
        <fieldset>
          <legend>Request</legend>
          <div className="field">
            <label htmlFor="compose-name">Composite name</label>
            <input id="compose-name" required pattern="[A-Za-z_][A-Za-z0-9_]*" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="compose-description">Description</label>
            <input id="compose-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
        </fieldset>

        <fieldset>
          <legend>Inputs</legend>
          {inputs.map((input, i) => (
            <div className="row" key={i}>
              <label>
                Input {i + 1} name <input value={input.name} onChange={(e) => update(inputs, setInputs, i, { name: e.target.value })} />
              </label>
              <label>
                Input {i + 1} type <input value={input.type} onChange={(e) => update(inputs, setInputs, i, { type: e.target.value })} />
              </label>
              <button type="button" className="secondary" onClick={() => remove(inputs, setInputs, i)} aria-label={`Remove input ${i + 1}`}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" className="secondary" onClick={() => setInputs([...inputs, { name: '', type: 'ID!' }])}>
            Add input
          </button>
        </fieldset>

        <fieldset>
          <legend>Steps</legend>
          {steps.map((step, i) => {
            const found = candidates[step.need.trim()] ?? [];
            return (
              <div className="step-row" key={i} data-step-row={i + 1}>
                <div className="row">
                  <label>
                    Step {i + 1} name <input value={step.name} onChange={(e) => update(steps, setSteps, i, { name: e.target.value })} />
                  </label>
                  <label className="grow">
                    Step {i + 1} need <input value={step.need} onChange={(e) => update(steps, setSteps, i, { need: e.target.value })} />
                  </label>
                  <button type="button" className="secondary" onClick={() => remove(steps, setSteps, i)} aria-label={`Remove step ${i + 1}`}>
                    Remove
                  </button>
                </div>
                {found.length ? (
                  <ul className="candidates" aria-label={`Candidates for step ${i + 1}`}>
                    {found.map((c) => (
                      <li key={c.field}>
                        <code>{c.field}</code> <span className="muted">({c.source}, {c.kind}, score {c.score.toFixed(1)})</span>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            );
          })}
          <button type="button" className="secondary" onClick={() => setSteps([...steps, emptyStep()])}>
            Add step
          </button>
        </fieldset>

        <fieldset>
          <legend>Dependencies</legend>
          <div className="table-scroll">
            <table className="dependencies">
              <thead>
                <tr>
                  <th scope="col">Step</th>
                  <th scope="col">Needs data of (comma-separated)</th>
                  <th scope="col">Condition</th>
                  <th scope="col">Branch</th>
                  <th scope="col">
                    <span className="visually-hidden">Remove</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {dependencies.map((d, i) => (
                  <tr key={i}>
                    <td>
                      <input aria-label={`Dependency ${i + 1} step`} value={d.step} onChange={(e) => update(dependencies, setDependencies, i, { step: e.target.value })} />
                    </td>
                    <td>
                      <input aria-label={`Dependency ${i + 1} data of`} value={d.on} onChange={(e) => update(dependencies, setDependencies, i, { on: e.target.value })} />
                    </td>
                    <td>
                      <input
                        aria-label={`Dependency ${i + 1} condition`}
                        placeholder="status == PASSED"
                        value={d.condition}
                        onChange={(e) => update(dependencies, setDependencies, i, { condition: e.target.value })}
                      />
                    </td>
                    <td>
                      <select aria-label={`Dependency ${i + 1} branch`} value={d.branch} onChange={(e) => update(dependencies, setDependencies, i, { branch: e.target.value as 'when' | 'unless' })}>
                        <option value="when">when it holds</option>
                        <option value="unless">unless it holds</option>
                      </select>
                    </td>
                    <td>
                      <button type="button" className="secondary" onClick={() => remove(dependencies, setDependencies, i)} aria-label={`Remove dependency ${i + 1}`}>
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button type="button" className="secondary" onClick={() => setDependencies([...dependencies, emptyDependency()])}>
            Add dependency
          </button>
        </fieldset>
        <button type="submit" disabled={busy}>
          Draft
        </button>
      </form>
      <Notice notice={notice} />
      {draft ? (
        <section aria-labelledby="draft-title" className="draft">
          <h2 id="draft-title">Draft of {draft.name}</h2>
          <p className="muted">
            Protocol {draft.protocol}; steps matched: {draft.matches.map((m) => `${m.step} → ${m.field}`).join(', ')}.
          </p>
          <FlowPicture flow={draft.flow} />
          <pre className="document" tabIndex={0} aria-label={`Document of ${draft.name}`}>
            {draft.document}
          </pre>
          <div className="toolbar">
            <button type="button" onClick={save} disabled={busy}>
              Save as draft
            </button>
            <a href={hrefOf({ page: 'composite', name: draft.name })}>Open {draft.name}</a>
          </div>
        </section>
      ) : null}
    </>
  );
}
