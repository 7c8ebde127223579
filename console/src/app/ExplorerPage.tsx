import { useCallback } from 'react';
import type { FlowInput } from '../../../src/drawing/index';
import { compositesIn } from '../explorer/composites-in';
import { Explorer } from '../explorer/Explorer';
import { useAdmin } from './admin-context';

const DEFAULT_QUERY = `# The served graph, with the Plan tab: it draws the plan of every composite
# the operation calls, and after a run when each step started and ended.
{
  hotelOrder(orderId: "1") {
    order { id total }
    user { name }
    hotel { name }
    room { type }
  }
}
`;

/**
 * The console's explorer: GraphiQL over the served graph (/graphql, with the public
 * page's saved tabs), whose Plan tab looks up, through the admin API, the plans of the
 * composites in the editor before they run.
 */
export default function ExplorerPage() {
  const admin = useAdmin();
  const lookup = useCallback(
    async (query: string): Promise<readonly FlowInput[]> => {
      // The served version of each: what a run of the operation executes.
      const { composites } = await admin.request<{ composites: { name: string; liveVersion: number | null }[] }>('{ composites { name liveVersion } }');
      const live = new Map(composites.filter((c) => c.liveVersion !== null).map((c) => [c.name, c.liveVersion]));
      const called = compositesIn(query, new Set(live.keys()));
      return Promise.all(
        called.map(
          async (name) =>
            (await admin.request<{ plan: { flow: FlowInput } }>('query($name: String!, $version: Int) { plan(name: $name, version: $version) { flow } }', { name, version: live.get(name) }))
              .plan.flow,
        ),
      );
    },
    [admin],
  );
  return (
    <>
      <h1 className="visually-hidden">Explorer</h1>
      <div className="explorer-frame">
        <Explorer endpoint="/graphql" namespace="skein" defaultQuery={DEFAULT_QUERY} planTab guide={false} lookup={lookup} />
      </div>
    </>
  );
}
