import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Explorer } from './explorer/Explorer';

/** What the gateway wrote into the page (src/server/render-graphiql.ts, ExplorerPageConfig). */
interface PageConfig {
  title: string;
  endpoint: string;
  namespace: string;
  defaultQuery?: string;
  defaultHeaders?: string;
  planTab: boolean;
}

const config = JSON.parse(document.getElementById('skein-explorer-config')?.textContent ?? '{}') as PageConfig;
if (!config.endpoint) throw new Error('this page lacks its configuration (skein-explorer-config); serve it through the gateway');
document.title = config.title;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <main className="explorer-page" aria-label={config.title}>
      <Explorer
        endpoint={config.endpoint}
        namespace={config.namespace}
        defaultQuery={config.defaultQuery}
        defaultHeaders={config.defaultHeaders}
        planTab={config.planTab}
        guide={config.planTab}
      />
    </main>
  </StrictMode>,
);
