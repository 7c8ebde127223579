import { diffLines } from 'diff';
import { useId, useState } from 'react';

interface Version {
  version: number;
  document: string;
}

/** Two versions of a document side by side as one line diff (removed lines −, added lines +). */
export function VersionDiff({ versions }: { versions: readonly Version[] }) {
  const newest = versions[0]?.version ?? 1;
  const [from, setFrom] = useState(versions[1]?.version ?? newest);
  const [to, setTo] = useState(newest);
  const id = useId();
  const text = (version: number) => versions.find((v) => v.version === version)?.document ?? '';
  const parts = diffLines(text(from), text(to));
  const changed = parts.some((p) => p.added || p.removed);
  const picker = (label: string, value: number, set: (v: number) => void, suffix: string) => (
    <label htmlFor={`${id}-${suffix}`}>
      {label}{' '}
      <select id={`${id}-${suffix}`} value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="version-diff">
      <div className="row">
        {picker('Compare', from, setFrom, 'from')}
        {picker('with', to, setTo, 'to')}
      </div>
      <pre className="diff" tabIndex={0} aria-label={`Changes from v${from} to v${to}`} data-from={from} data-to={to}>
        {!changed ? <span className="muted">v{from} and v{to} hold the same document.</span> : null}
        {changed
          ? parts.map((part, i) =>
              part.added ? (
                <ins key={i}>{prefixLines(part.value, '+ ')}</ins>
              ) : part.removed ? (
                <del key={i}>{prefixLines(part.value, '− ')}</del>
              ) : (
                <span key={i}>{prefixLines(part.value, '  ')}</span>
              ),
            )
          : null}
      </pre>
    </div>
  );
}

function prefixLines(text: string, prefix: string): string {
  return text.replace(/\n$/, '').split('\n').map((line) => prefix + line).join('\n') + '\n';
}
