import type { GraphiQLOptions } from 'graphql-yoga';
import { builtConsole } from './console/console-files.js';

/** Where each GraphiQL page of a gateway keeps its tabs, history and headers in the browser. */
export const GRAPHIQL_STORAGE_NAMESPACES = { graphql: 'skein', admin: 'skein-admin' } as const;

export type RenderGraphiQL = (options: GraphiQLOptions) => Promise<string>;

/** What a GraphiQL page is told by the gateway (read by console/src/explorer-main.tsx). */
export interface ExplorerPageConfig {
  readonly title: string;
  /** The GraphQL endpoint the page sends operations to. */
  readonly endpoint: string;
  /** Its localStorage prefix (without the colon). */
  readonly namespace: string;
  readonly defaultQuery?: string;
  /** The Headers tab's first content (JSON text). */
  readonly defaultHeaders?: string;
  /** The Plan tab (composite plans, step waterfall) and the Guide tab: the public page's. */
  readonly planTab: boolean;
}

// The element of dist/console/explorer.html that carries the page's configuration.
const CONFIG_ELEMENT = '<script type="application/json" id="skein-explorer-config">{}</script>';

/**
 * A GraphiQL page: the console's explorer (built with the console, its scripts served
 * compressed and cached from /console/assets/), told its endpoint and storage prefix in
 * a JSON data element. Every page keeps its tabs under its own `localStorage` prefix:
 * storage is per origin, and /graphql would otherwise open on the last admin query.
 */
export function graphiqlRenderer(page: Omit<ExplorerPageConfig, 'title' | 'defaultQuery' | 'defaultHeaders'>): RenderGraphiQL {
  return async (options) => {
    const built = builtConsole();
    const html = built?.get('explorer.html')?.body.toString('utf8');
    if (!html) return notBuilt(options.title ?? 'Skein');
    const config: ExplorerPageConfig = {
      ...page,
      title: options.title ?? 'Skein',
      defaultQuery: options.defaultQuery,
      defaultHeaders: options.headers,
    };
    const parts = html.split(CONFIG_ELEMENT);
    if (parts.length !== 2) throw new Error(`dist/console/explorer.html holds its configuration element ${parts.length - 1} times, not once: rebuild with npm run build`);
    // `<` escaped: the JSON cannot close the script element, whatever the query holds.
    const data = JSON.stringify(config).replace(/</g, '\\u003c');
    return parts
      .join(`<script type="application/json" id="skein-explorer-config">${data}</script>`)
      .replace('<title>Skein</title>', `<title>${escapeHtml(config.title)}</title>`);
  };
}

/** The page while dist/console is missing: GraphQL itself works, its page needs a build. */
function notBuilt(title: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<p>GraphiQL is part of the console, which has not been built: run <code>npm run build</code> (it writes dist/console).
GraphQL itself is served here: POST a query as JSON.</p>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The /graphql page. */
export const renderGraphiQL: RenderGraphiQL = graphiqlRenderer({ endpoint: '/graphql', namespace: GRAPHIQL_STORAGE_NAMESPACES.graphql, planTab: true });
