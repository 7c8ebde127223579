import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skein } from '../helpers/cli.js';
import { DOORS, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { packageFile } from '../helpers/npm-fixtures.js';
import { startSoapServer, type RunningSoapServer } from '../fixtures/wsdl/soap-server.js';

// FedEx Ship v19 once passed `skein check` and then failed it, because none of its five
// operations landed on Query and a schema needs a Query field. Imported as a user would,
// with the CLI, it must check and serve however its operations are classified.
const fedexWsdl = () => packageFile('node-shipping-fedex@1.0.0', 'package/lib/wsdl/ShipService_v19.wsdl');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const OPERATIONS = ['processTag', 'processShipment', 'deleteTag', 'deleteShipment', 'validateShipment'];

/** `skein import wsdl` into a fresh schema folder; the SDL file's path and text. */
async function importFedex(url: string, ...options: string[]): Promise<{ folder: string; file: string; sdl: string }> {
  const folder = mkdtempSync(path.join(tmpdir(), 'skein-fedex-'));
  const file = path.join(folder, 'sources', 'fedex.graphql');
  // Inside the schema folder, the only place a gateway reads a source's WSDL from.
  const wsdl = path.join(folder, 'wsdl', 'ShipService_v19.wsdl');
  mkdirSync(path.dirname(wsdl));
  copyFileSync(fedexWsdl(), wsdl);
  const imported = await skein('import', 'wsdl', wsdl, '--source', 'fedex', '--url', url, '--out', file, ...options);
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  return { folder, file, sdl: readFileSync(file, 'utf8') };
}

describe('FedEx Ship v19 imported with skein import wsdl', () => {
  it('passes skein check as imported', async () => {
    const { folder } = await importFedex('http://127.0.0.1:9/web-services/ship');
    const checked = await skein('check', '--schema', folder);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain(`${folder}: ok (1 source, 5 operations, 0 composites)`);
  });

  it('passes skein check with every operation on Mutation, nothing of its own on Query', async () => {
    const { folder, sdl } = await importFedex('http://127.0.0.1:9/web-services/ship', '--mutation', OPERATIONS.join(','));
    expect(sdl).not.toMatch(/^type Query/m);
    const checked = await skein('check', '--schema', folder);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toBe(
      `${folder}: ok (1 source, 5 operations, 0 composites)\n  no Query field of its own: Query has only the gateway's built-in _skein\n`,
    );
  });
});

describe.each(DOORS)('FedEx Ship v19, mutations only, served through the %s door against a soap.listen service', (via) => {
  let upstream: RunningSoapServer;
  let gateway: TestGateway;
  const deletions: Record<string, any>[] = [];

  beforeAll(async () => {
    const wsdl = fedexWsdl();
    upstream = await startSoapServer({
      wsdl: readFileSync(wsdl, 'utf8'),
      uri: wsdl,
      path: '/web-services/ship',
      services: {
        ShipService: {
          ShipServicePort: {
            deleteShipment: (args: Record<string, any>) => {
              deletions.push(args);
              return {
                HighestSeverity: 'SUCCESS',
                Notifications: [{ Severity: 'SUCCESS', Source: 'ship', Code: '0000', Message: `deleted ${args.TrackingId?.TrackingNumber}` }],
                Version: { ServiceId: 'ship', Major: 19, Intermediate: 0, Minor: 0 },
              };
            },
          },
        },
      },
    });
    const { file, sdl } = await importFedex(upstream.url, '--mutation', OPERATIONS.join(','));
    gateway = await startTestGateway({ sources: { [file]: sdl } }, { onSourceError: 'fail' }, { via });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('answers the built-in query without calling FedEx', async () => {
    const before = upstream.received.length;
    const answer = await gateway.query('{ _skein { version sources { name kind } } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ _skein: { version: VERSION, sources: [{ name: 'fedex', kind: 'SOAP' }] } });
    expect(upstream.received.length).toBe(before);
  });

  it('calls deleteShipment: the service gets the request, the answer comes back typed', async () => {
    const answer = await gateway.query(`mutation {
      deleteShipment(
        WebAuthenticationDetail: { UserCredential: { Key: "key-1", Password: "pw-1" } }
        ClientDetail: { AccountNumber: "510087020", MeterNumber: "118785166" }
        Version: { ServiceId: "ship", Major: 19, Intermediate: 0, Minor: 0 }
        TrackingId: { TrackingIdType: FEDEX, TrackingNumber: "794608000000" }
        DeletionControl: DELETE_ALL_PACKAGES
      ) {
        HighestSeverity
        Notifications { Severity Source Code Message }
        Version { ServiceId Major Intermediate Minor }
      }
    }`);
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({
      deleteShipment: {
        HighestSeverity: 'SUCCESS',
        Notifications: [{ Severity: 'SUCCESS', Source: 'ship', Code: '0000', Message: 'deleted 794608000000' }],
        Version: { ServiceId: 'ship', Major: 19, Intermediate: 0, Minor: 0 },
      },
    });
    const received = deletions.at(-1)!;
    expect(received.TrackingId).toEqual({ TrackingIdType: 'FEDEX', TrackingNumber: '794608000000' });
    expect(received.DeletionControl).toBe('DELETE_ALL_PACKAGES');
    expect(received.ClientDetail).toEqual({ AccountNumber: '510087020', MeterNumber: '118785166' });
    expect(upstream.received.at(-1)!.body).toContain('http://fedex.com/ws/ship/v19');
  });
});
