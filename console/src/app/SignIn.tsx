import { useState, type FormEvent } from 'react';
import { AdminClient } from '../shared/admin-client';

/** Sign-in with an admin token (one of SKEIN_ADMIN_TOKEN), checked by the admin API itself. */
export function SignIn({ onSignedIn, message }: { onSignedIn: (token: string, actor: string) => void; message?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(message);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const verdict = await AdminClient.signIn(token.trim());
    setBusy(false);
    if ('refused' in verdict) setError(verdict.refused);
    else onSignedIn(token.trim(), verdict.actor);
  };
  return (
    <main id="main" className="sign-in">
      <h1>Skein console</h1>
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <label htmlFor="admin-token">Admin token</label>
        <input id="admin-token" type="password" autoComplete="current-password" required value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
        <p id="sign-in-help" className="muted">
          A token of the gateway's SKEIN_ADMIN_TOKEN, the same the CLI uses (SKEIN_TOKEN). It is kept in this tab only, until you sign out or close it.
        </p>
        {error ? (
          <p role="alert" className="error">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
