import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/index.js';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';
import { importWsdl } from '../../src/sources/soap/importer/import-wsdl.js';
import { skein } from '../helpers/cli.js';
import { packageFile } from '../helpers/npm-fixtures.js';

const fedex = (file: string) => packageFile('node-shipping-fedex@1.0.0', `package/lib/wsdl/${file}`);
const AWS_STYLE = path.resolve('test/fixtures/openapi/aws-style-posts.json');

const splitOf = (operations: readonly { operation: string; root: string }[]) => ({
  Query: operations.filter((o) => o.root === 'Query').map((o) => o.operation),
  Mutation: operations.filter((o) => o.root === 'Mutation').map((o) => o.operation),
});

describe('WSDL import: reads on Query, writes on Mutation, by the words of the names', () => {
  // Every FedEx web service in node-shipping-fedex, as a person reading the operation names would split them.
  const FEDEX: Record<string, { Query: string[]; Mutation: string[] }> = {
    'ShipService_v19.wsdl': { Query: ['validateShipment'], Mutation: ['processTag', 'processShipment', 'deleteTag', 'deleteShipment'] },
    'TrackService_v12.wsdl': {
      Query: ['track', 'retrieveSignatureProofOfDeliveryLetter'],
      Mutation: ['sendNotifications', 'sendSignatureProofOfDeliveryFax'],
    },
    'PickupService_v13.wsdl': { Query: ['getPickupAvailability'], Mutation: ['createPickup', 'cancelPickup'] },
    // Closing the day's shipments, and reprinting what a close produced, are writes.
    'CloseService_v4.wsdl': {
      Query: [],
      Mutation: ['closeWithDocuments', 'groundClose', 'groundCloseReportsReprint', 'groundCloseWithDocuments', 'reprintGroundCloseDocuments', 'smartPostClose'],
    },
    'RateService_v20.wsdl': { Query: ['getRates'], Mutation: [] },
    'LocationsService_v5.wsdl': { Query: ['searchLocations'], Mutation: [] },
    'ASYNCService_v4.wsdl': { Query: ['retrieveJobResults'], Mutation: [] },
    'AddressValidationService_v4.wsdl': { Query: ['addressValidation'], Mutation: [] },
    'ValidationAvailabilityAndCommitmentService_v6.wsdl': { Query: ['serviceAvailability'], Mutation: [] },
  };
  for (const [file, expected] of Object.entries(FEDEX)) {
    it(`splits FedEx ${file}`, async () => {
      const imported = await importWsdl({ location: fedex(file), source: 'fedex' });
      const split = splitOf(imported.operations);
      expect({ Query: [...split.Query].sort(), Mutation: [...split.Mutation].sort() }).toEqual({
        Query: [...expected.Query].sort(),
        Mutation: [...expected.Mutation].sort(),
      });
    });
  }

  it('says why each operation landed where it did, and a flag wins over the name', async () => {
    const imported = await importWsdl({ location: fedex('ShipService_v19.wsdl'), source: 'fedex' });
    expect(imported.operations.map((o) => `${o.operation} ${o.root} ${o.classifiedBy}`)).toEqual([
      'processTag Mutation process',
      'processShipment Mutation process',
      'deleteTag Mutation delete',
      'deleteShipment Mutation delete',
      'validateShipment Query validate',
    ]);
    const moved = await importWsdl({ location: fedex('ShipService_v19.wsdl'), source: 'fedex', mutations: ['validateShipment'], queries: ['deleteTag'] });
    const byName = Object.fromEntries(moved.operations.map((o) => [o.operation, o]));
    expect(byName.validateShipment).toMatchObject({ root: 'Mutation' });
    expect(byName.deleteTag).toMatchObject({ root: 'Query' });
    expect(byName.validateShipment.classifiedBy).toBeUndefined();
  });

  it('FedEx Ship v19 builds a schema on its own again: validateShipment is its Query', async () => {
    const imported = await importWsdl({ location: fedex('ShipService_v19.wsdl'), source: 'fedex' });
    const graph = await buildGraph({ sources: [{ path: 'fedex.graphql', text: imported.sdl, documents: 'anywhere' as const }], composites: [] }, { onSourceError: 'fail' });
    try {
      expect(graph.schema.getQueryType()?.getFields().validateShipment).toBeDefined();
      expect(graph.schema.getMutationType()?.getFields().processShipment).toBeDefined();
    } finally {
      await graph.close();
    }
  });

  it('skein import wsdl lists the classifications, reads first, and skein check accepts the folder', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'skein-classify-'));
    const out = path.join(dir, 'sources', 'fedex.graphql');
    // Inside the schema folder, the only place a gateway reads a source's WSDL from.
    const wsdl = path.join(dir, 'wsdl', 'ShipService_v19.wsdl');
    mkdirSync(path.dirname(wsdl));
    copyFileSync(fedex('ShipService_v19.wsdl'), wsdl);
    const imported = await skein('import', 'wsdl', wsdl, '--source', 'fedex', '--out', out);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('5 operations (1 Query, 4 Mutation)');
    expect(imported.stdout).toContain(
      '  classified by name: validateShipment → Query (validate), processTag → Mutation (process), processShipment → Mutation (process), ' +
        'deleteTag → Mutation (delete), deleteShipment → Mutation (delete)\n',
    );
    const checked = await skein('check', '--schema', dir);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});

describe('OpenAPI import: a POST whose name reads is a Query (test/fixtures/openapi/aws-style-posts.json)', () => {
  it('classifies POSTs by operationId, else the last path segment; GET, PUT and the rest keep their method', async () => {
    const imported = await importOpenAPI(AWS_STYLE, { source: 'aws' });
    const query = /type Query \{([^}]*)\}/.exec(imported.sdl)![1];
    const mutation = /type Mutation \{([^}]*)\}/.exec(imported.sdl)![1];
    const fields = (block: string) => [...block.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]);
    expect(fields(query).sort()).toEqual(['deleteThing', 'describeTable', 'getDescribeInstances', 'postDescribeInstances', 'postV1Search', 'query'].sort());
    expect(fields(mutation).sort()).toEqual(['getThing', 'postRunInstances', 'postV1Pets', 'putItem'].sort());
    expect(imported.classified).toEqual([
      { operation: 'DescribeTable', root: 'Query', reason: 'Describe' },
      { operation: 'Query', root: 'Query', reason: 'Query' },
      { operation: 'POST_DescribeInstances', root: 'Query', reason: 'Describe' },
      { operation: 'POST /v1/search', root: 'Query', reason: 'search' },
    ]);
  });

  it('--mutation wins over the name, and skein import openapi prints what the names decided', async () => {
    const moved = await importOpenAPI(AWS_STYLE, { source: 'aws', mutation: ['DescribeTable'] });
    expect(/type Mutation \{([^}]*)\}/.exec(moved.sdl)![1]).toContain('describeTable(');
    expect(moved.classified.map((c) => c.operation)).not.toContain('DescribeTable');

    const out = path.join(mkdtempSync(path.join(tmpdir(), 'skein-classify-')), 'sources', 'aws.graphql');
    const imported = await skein('import', 'openapi', AWS_STYLE, '--source', 'aws', '--out', out);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('10 operations (6 Query, 4 Mutation)');
    expect(imported.stdout).toContain(
      '  classified by name: DescribeTable → Query (Describe), Query → Query (Query), POST_DescribeInstances → Query (Describe), POST /v1/search → Query (search)\n',
    );
  });
});
