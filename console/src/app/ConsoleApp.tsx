import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { AdminClient } from '../shared/admin-client';
import { AdminContext } from './admin-context';
import { ComposePage } from './ComposePage';
import { CompositePage } from './CompositePage';
import { CompositesPage } from './CompositesPage';
import { hrefOf, useRoute, type Route } from './hash-route';
import { SignIn } from './SignIn';
import { SourcesPage } from './SourcesPage';
import { SyncJobPage } from './SyncJobPage';
import { SyncJobsPage } from './SyncJobsPage';

// GraphiQL is most of the console's code: loaded when the Explorer is opened, not on the first visit.
const ExplorerPage = lazy(() => import('./ExplorerPage'));

// sessionStorage: the token lives as long as the tab, and never reaches another tab or disk profile sync.
const TOKEN_KEY = 'skein-admin:console-token';

type Session = { state: 'checking' } | { state: 'signed-out'; message?: string } | { state: 'signed-in'; token?: string; actor: string };

const PAGES: readonly { route: Route; label: string }[] = [
  { route: { page: 'composites' }, label: 'Composites' },
  { route: { page: 'compose' }, label: 'Compose' },
  { route: { page: 'sources' }, label: 'Sources' },
  { route: { page: 'sync' }, label: 'Sync' },
  { route: { page: 'explorer' }, label: 'Explorer' },
];

export function ConsoleApp() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const route = useRoute();

  useEffect(() => {
    // A token kept by this tab, else none: a --dev gateway opens without one.
    const saved = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    void AdminClient.signIn(saved).then((verdict) =>
      setSession('actor' in verdict ? { state: 'signed-in', token: saved, actor: verdict.actor } : { state: 'signed-out', message: saved ? verdict.refused : undefined }),
    );
  }, []);

  const signOut = useCallback((message?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setSession({ state: 'signed-out', message });
  }, []);
  const client = useMemo(
    () =>
      session.state === 'signed-in'
        ? new AdminClient(session.token, () => signOut('The admin API no longer accepts this token; sign in again.'))
        : undefined,
    [session, signOut],
  );

  if (session.state === 'checking') return <p className="muted" aria-busy="true">Opening the console…</p>;
  if (session.state === 'signed-out' || !client) {
    return (
      <SignIn
        message={session.state === 'signed-out' ? session.message : undefined}
        onSignedIn={(token, actor) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          setSession({ state: 'signed-in', token, actor });
        }}
      />
    );
  }
  const current = route.page === 'composite' ? 'composites' : route.page === 'syncJob' ? 'sync' : route.page;
  return (
    <AdminContext.Provider value={client}>
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href="#/composites">
          Skein console
        </a>
        <nav aria-label="Console">
          <ul>
            {PAGES.map(({ route: target, label }) => (
              <li key={label}>
                <a href={hrefOf(target)} aria-current={target.page === current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          Signed in as <strong>{session.actor}</strong>
        </span>
        {session.token ? (
          <button type="button" className="secondary" onClick={() => signOut()}>
            Sign out
          </button>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} className={route.page === 'explorer' ? 'wide' : undefined}>
        {route.page === 'composites' ? <CompositesPage /> : null}
        {route.page === 'composite' ? <CompositePage key={route.name} name={route.name} /> : null}
        {route.page === 'compose' ? <ComposePage /> : null}
        {route.page === 'sources' ? <SourcesPage /> : null}
        {route.page === 'sync' ? <SyncJobsPage /> : null}
        {route.page === 'syncJob' ? <SyncJobPage key={route.name} name={route.name} /> : null}
        {route.page === 'explorer' ? (
          <Suspense fallback={<p className="muted" aria-busy="true">Loading GraphiQL…</p>}>
            <ExplorerPage />
          </Suspense>
        ) : null}
      </main>
    </AdminContext.Provider>
  );
}
