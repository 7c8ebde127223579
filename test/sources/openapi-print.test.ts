import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { importOpenAPI } from '../../src/sources/rest/openapi/index.js';

// Found by the corpus (billbee.io, magento.com, Microsoft Graph): a field without arguments
// whose type name is too long for one line was printed as `name(\n): Type`, which no GraphQL
// parser reads.
describe('OpenAPI import prints SDL that parses', () => {
  it('a field without arguments and a type name longer than a line', async () => {
    const type = `Rechnungsdruck${'WebAppControllersApiApiResultSystemCollections'.repeat(3)}Model`;
    const document = {
      openapi: '3.0.3',
      info: { title: 'Long names', version: '1' },
      paths: {
        '/cloudstorages': {
          get: {
            operationId: 'cloudStorageApiGetList',
            description: 'Gets a list of all connected cloud storage devices',
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${type}` } } } } },
          },
        },
      },
      components: { schemas: { [type]: { type: 'object', properties: { id: { type: 'integer' } } } } },
    };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'skein-print-')), 'long-names.json');
    writeFileSync(file, JSON.stringify(document));
    const imported = await importOpenAPI(file, { source: 'longnames' });
    expect(() => parse(imported.sdl)).not.toThrow();
    expect(imported.sdl).toContain(`  cloudStorageApiGetList: ${type}\n`);
  });
});
