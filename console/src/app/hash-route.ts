import { useEffect, useState } from 'react';

/** The console's pages live in the URL's fragment (`/console#/composites/hotelOrder`, `#/sync/crmContacts`): one served page, links that reload well. */
export type Route =
  | { page: 'composites' }
  | { page: 'composite'; name: string }
  | { page: 'compose' }
  | { page: 'sources' }
  | { page: 'sync' }
  | { page: 'syncJob'; name: string }
  | { page: 'explorer' };

export function routeOf(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'composites':
      return parts[1] ? { page: 'composite', name: parts[1] } : { page: 'composites' };
    case 'sync':
      return parts[1] ? { page: 'syncJob', name: parts[1] } : { page: 'sync' };
    case 'compose':
    case 'sources':
    case 'explorer':
      return { page: parts[0] };
    default:
      return { page: 'composites' };
  }
}

export function hrefOf(route: Route): string {
  if (route.page === 'composite') return `#/composites/${encodeURIComponent(route.name)}`;
  if (route.page === 'syncJob') return `#/sync/${encodeURIComponent(route.name)}`;
  return `#/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
