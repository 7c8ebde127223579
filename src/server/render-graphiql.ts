import type { GraphiQLOptions } from 'graphql-yoga';

/** Where each GraphiQL page of a gateway keeps its tabs, history and headers in the browser. */
export const GRAPHIQL_STORAGE_NAMESPACES = { graphql: 'skein', admin: 'skein-admin' } as const;

export type RenderGraphiQL = (options: GraphiQLOptions) => Promise<string>;

// The call in yoga's page that starts GraphiQL, and the element it renders into.
const RENDER_CALL = 'YogaGraphiQL.renderYogaGraphiQL(';
const ROOT_ELEMENT = '<div id="root"></div>';

/**
 * GraphiQL's page, served offline (no CDN), loaded on the first request for it: its
 * bundle is about 50 MB of memory once imported, which a gateway that nobody browses
 * should not pay for.
 *
 * GraphiQL saves its state in `localStorage` under one fixed prefix, and localStorage is
 * per origin: /graphql and /admin/graphql would share tabs, so /graphql would open on the
 * last admin query (which fails there). Yoga's options are JSON and cannot carry
 * GraphiQL's `storage` prop, so the page gets a small script that hands GraphiQL a
 * localStorage view whose keys all start with `namespace:`.
 */
export function graphiqlRenderer(namespace: string): RenderGraphiQL {
  return async (options) => {
    const { renderGraphiQL: render } = await import('@graphql-yoga/render-graphiql');
    // The start script sits before the bundle's script; the page calls it once the bundle has run.
    const page = replaceOnce(render(options), RENDER_CALL, 'skeinRenderGraphiQL(');
    return replaceOnce(page, ROOT_ELEMENT, `${ROOT_ELEMENT}\n<script>${namespacedStartScript(namespace)}</script>`);
  };
}

/**
 * Yoga's page is pinned with the package; if an upgrade changes what is replaced here,
 * the page fails to render (and the tests with it) rather than sharing storage again.
 */
function replaceOnce(page: string, search: string, replacement: string): string {
  const parts = page.split(search);
  if (parts.length !== 2) {
    throw new Error(`GraphiQL's page holds "${search}" ${parts.length - 1} times, not once; its storage cannot be namespaced`);
  }
  return parts.join(replacement);
}

/** The /graphql page. */
export const renderGraphiQL: RenderGraphiQL = graphiqlRenderer(GRAPHIQL_STORAGE_NAMESPACES.graphql);

/**
 * Browser code, placed before GraphiQL's bundle and called by the page instead of it:
 * starts GraphiQL with a Storage over localStorage whose keys all carry the prefix.
 */
function namespacedStartScript(namespace: string): string {
  return `
  function skeinRenderGraphiQL(root, options) {
    const prefix = ${JSON.stringify(`${namespace}:`)};
    const own = () => Object.keys(localStorage).filter((key) => key.startsWith(prefix));
    const storage = {
      getItem: (key) => localStorage.getItem(prefix + key),
      setItem: (key, value) => localStorage.setItem(prefix + key, value),
      removeItem: (key) => localStorage.removeItem(prefix + key),
      clear: () => own().forEach((key) => localStorage.removeItem(key)),
      get length() { return own().length; },
    };
    YogaGraphiQL.renderYogaGraphiQL(root, { ...options, storage });
  }
`;
}
