import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exposeUpstreamErrors } from '../../src/server/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';
import { thingsWsdl, thingsXsd } from './things-wsdl.js';

// Issue 12, item 5: public pages showed what only operators should see. The /api catalog
// printed upstream base URLs with their credentials; SOURCE_UNAVAILABLE messages showed
// server file paths (soap-errors.test.ts now checks that); SOAP Fault detail and upstream
// body excerpts (internal host names) reached every client.

const INTERNAL = 'db-primary.internal.corp';

describe('what clients see of upstream failures', () => {
  let upstream: RecordingUpstream;
  let folder: string;
  const fault = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>
    <faultcode>soap:Server</faultcode><faultstring>Thing store unavailable</faultstring>
    <detail><trace>connect ECONNREFUSED ${INTERNAL}:5432</trace></detail></soap:Fault></soap:Body></soap:Envelope>`;

  beforeAll(async () => {
    upstream = await startRecordingUpstream({
      'GET /rest/thing': { status: 502, body: `<html>upstream ${INTERNAL} refused the connection</html>`, headers: { 'content-type': 'text/html' } },
      'POST /soap': { status: 500, body: fault, headers: { 'content-type': 'text/xml' } },
    });
    folder = mkdtempSync(path.join(tmpdir(), 'skein-public-'));
    writeFileSync(path.join(folder, 'things.xsd'), thingsXsd('A thing.'));
    writeFileSync(path.join(folder, 'things.wsdl'), thingsWsdl('<xsd:import namespace="urn:x" schemaLocation="things.xsd"/>'));
  });
  afterAll(() => upstream.close());

  const start = (exposeUpstreamErrors?: boolean): Promise<TestGateway> =>
    startTestGateway(
      {
        sources: {
          'rest.graphql': `extend schema @source(name: "rest", kind: REST, url: "${upstream.url}/rest")
            type Query { restThing: String @rest(source: "rest", path: "/thing") }`,
          [path.join(folder, 'soap.graphql')]: `extend schema @source(name: "soap", kind: SOAP, url: "${upstream.url}/soap", wsdl: "things.wsdl")
            type Query { soapThing(id: String!): JSON @soap(source: "soap", operation: "GetThing") }`,
        },
      },
      { exposeUpstreamErrors },
    );

  it('by default: code, source, status and the fault string, never the body excerpt or the Fault detail', async () => {
    const gateway = await start();
    try {
      const answer = await gateway.query('{ restThing soapThing(id: "1") }');
      expect(answer.data).toEqual({ restThing: null, soapThing: null });
      const [rest, soap] = ['restThing', 'soapThing'].map((field) => answer.errors!.find((e) => e.path?.[0] === field)!);
      expect(rest.extensions).toEqual({ code: 'UPSTREAM_HTTP_ERROR', source: 'rest', status: 502 });
      expect(soap.extensions).toEqual({ code: 'SOAP_FAULT', source: 'soap', status: 500, faultCode: 'soap:Server', faultString: 'Thing store unavailable' });
      expect(JSON.stringify(answer)).not.toContain(INTERNAL);
    } finally {
      await gateway.close();
    }
  });

  it('with the operator\'s switch: the excerpt and the detail too', async () => {
    const gateway = await start(true);
    try {
      const answer = await gateway.query('{ restThing soapThing(id: "1") }');
      const [rest, soap] = ['restThing', 'soapThing'].map((field) => answer.errors!.find((e) => e.path?.[0] === field)!);
      expect(rest.extensions?.body).toBe(`<html>upstream ${INTERNAL} refused the connection</html>`);
      expect(soap.extensions?.detail).toEqual({ trace: `connect ECONNREFUSED ${INTERNAL}:5432` });
    } finally {
      await gateway.close();
    }
  });

  it('the switch: --expose-upstream-errors or SKEIN_EXPOSE_UPSTREAM_ERRORS=on; on under --dev unless the variable says off', () => {
    expect(exposeUpstreamErrors(undefined, false, {})).toBe(false);
    expect(exposeUpstreamErrors(true, false, {})).toBe(true);
    expect(exposeUpstreamErrors(undefined, false, { SKEIN_EXPOSE_UPSTREAM_ERRORS: 'on' })).toBe(true);
    expect(exposeUpstreamErrors(undefined, true, {})).toBe(true);
    expect(exposeUpstreamErrors(undefined, true, { SKEIN_EXPOSE_UPSTREAM_ERRORS: 'off' })).toBe(false);
    expect(() => exposeUpstreamErrors(undefined, false, { SKEIN_EXPOSE_UPSTREAM_ERRORS: 'maybe' })).toThrow('SKEIN_EXPOSE_UPSTREAM_ERRORS must be on or off, not "maybe"');
  });
});

describe('the /api catalog and OpenAPI document', () => {
  const secretUrl = 'http://svc-user:svc-password@orders.internal.corp:8443/v2?api_key=k-123456';
  const start = (showSourceUrls: boolean) =>
    startTestGateway(
      {
        sources: {
          'orders.graphql': `extend schema @source(name: "orders", kind: REST, url: "${secretUrl}")
            type Query { order(id: ID!): String @rest(source: "orders", path: "/orders/{id}") }`,
        },
        composites: { 'o.graphql': 'query orderById($id: ID!) { order(id: $id) }' },
      },
      {},
      { settings: { showSourceUrls } },
    );
  const pages = async (gateway: TestGateway) => {
    const origin = new URL(gateway.url).origin;
    return [await (await fetch(`${origin}/api`)).text(), await (await fetch(`${origin}/api/openapi.json`)).text()];
  };

  it('name sources and operations, never where the upstreams are', async () => {
    const gateway = await start(false);
    try {
      const [catalog, openapi] = await pages(gateway);
      expect(catalog).toContain('id="source-orders"');
      expect(catalog).toContain('orderById');
      for (const page of [catalog, openapi]) {
        expect(page).not.toMatch(/orders\.internal\.corp|svc-password|svc-user|k-123456|api_key/);
      }
    } finally {
      await gateway.close();
    }
  });

  it('under --dev the catalog shows a source\'s address, without its credentials or query', async () => {
    const gateway = await start(true);
    try {
      const [catalog, openapi] = await pages(gateway);
      expect(catalog).toContain('http://orders.internal.corp:8443/v2');
      expect(catalog).not.toMatch(/svc-password|svc-user|k-123456|api_key/);
      expect(openapi).not.toContain('orders.internal.corp');
    } finally {
      await gateway.close();
    }
  });
});
