/** The public page's Guide tab: how to call the graph and its composites from a program. */
export function GuideTab({ endpoint }: { endpoint: string }) {
  const origin = location.origin;
  const example = JSON.stringify({ query: '{ hotelOrder(orderId: "1") { order { id total } user { name } hotel { name } room { type } } }' });
  return (
    <section className="guide-tab" aria-labelledby="guide-tab-title">
      <h2 id="guide-tab-title" className="graphiql-doc-explorer-title">Guide</h2>
      <p>
        This gateway serves one GraphQL graph over REST and SOAP APIs. <strong>Composites</strong> are fields of it that call several APIs in one
        request, in parallel where their data allows: call them like any other field. The Docs tab lists every field; a composite's description
        says it is one.
      </p>
      <h3>From a program</h3>
      <pre tabIndex={0}>
        <code>{`curl ${origin}${endpoint} \\\n  -H 'content-type: application/json' \\\n  -d '${example}'`}</code>
      </pre>
      <p>
        Each composite is also a REST endpoint: <code>GET {origin}/api/hotelOrder?orderId=1</code>. The catalog at{' '}
        <a href="/api">/api</a> lists them with their OpenAPI document; <code>/soap/</code> serves them as SOAP operations.
      </p>
      <h3>Headers</h3>
      <dl>
        <dt>
          <code>Skein-Expose-Plan: true</code>
        </dt>
        <dd>The answer's extensions.plan lists each composite that ran: its stages, critical path and every step's start and end. This page sends it; the Plan tab draws it.</dd>
        <dt>
          <code>Authorization: Bearer &lt;token&gt;</code>
        </dt>
        <dd>When the gateway checks tokens (JWT); put it in the Headers pane below the query.</dd>
        <dt>
          <code>x-request-id</code>
        </dt>
        <dd>Sent back with every answer and written with every logged error: quote it when something fails.</dd>
      </dl>
      <h3>Examples from the demo</h3>
      <ul>
        <li>
          <code>hotelOrder(orderId: "1")</code>: the order first, then its user, hotel (REST) and room (SOAP) at once.
        </li>
        <li>
          <code>customerStatement(customerId: "3")</code>: a branch on data; the statement only if identity verification passed.
        </li>
        <li>
          <code>salary(employeeId: "1")</code>: three payroll calls in a chain (SOAP).
        </li>
      </ul>
    </section>
  );
}
