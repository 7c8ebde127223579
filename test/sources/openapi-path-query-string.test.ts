import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importOpenAPI, type OpenAPIImport } from '../../src/sources/rest/openapi/index.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startRecordingUpstream, type RecordingUpstream } from '../helpers/recording-upstream.js';

// A path key with a query string whose placeholder names a declared query parameter
// (`/search/articles?query={query}` declaring `query` in: query, as Medium's API does). Found
// by the OpenAPI round trip (corpus/lib/roundtrip/openapi): Skein imported a second argument
// `query2` for the placeholder and sent `?query=…&query=…`, which the document does not allow.
const DOCUMENT = JSON.stringify({
  openapi: '3.0.0',
  info: { title: 'Search', version: '1' },
  servers: [{ url: 'https://search.example.com' }],
  paths: {
    '/search/articles?query={query}': {
      get: {
        parameters: [
          { name: 'query', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'page', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } } } } } },
      },
    },
    // A placeholder the operation declares in: path stays in the path's query string.
    '/latest?term={term}': {
      get: {
        operationId: 'latest',
        parameters: [{ name: 'term', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } } } } } } },
      },
    },
  },
});

describe('OpenAPI import: a path key with a query string', () => {
  let imported: OpenAPIImport;
  let upstream: RecordingUpstream;
  let gateway: TestGateway;

  beforeAll(async () => {
    imported = await importOpenAPI('search.json', { source: 'search', text: DOCUMENT });
    upstream = await startRecordingUpstream({ 'GET /search/articles': { json: { ids: ['a1'] } }, 'GET /latest': { json: { ids: ['b2'] } } });
    gateway = await startTestGateway({ sources: { 'search.graphql': imported.sdl } }, { urls: { search: upstream.url } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('sends a declared query parameter once, through the parameter, and says so', async () => {
    expect(imported.sdl).not.toContain('query2');
    const answer = await gateway.query('{ getSearchArticlesQueryQuery(query: "go lang") { ids } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data).toEqual({ getSearchArticlesQueryQuery: { ids: ['a1'] } });
    const request = upstream.received.at(-1)!;
    expect(request.path).toBe('/search/articles');
    expect(request.query.getAll('query')).toEqual(['go lang']);
    // An optional parameter not given is not sent.
    expect(request.query.has('page')).toBe(false);
    expect(imported.warnings.map((w) => w.message)).toContain(
      'GET /search/articles?query={query}: the path names {query} in its query string, and the operation declares it as a query parameter; the parameter sends it, once',
    );
  });

  it('fills a placeholder declared in: path where the path key puts it', async () => {
    const answer = await gateway.query('{ latest(term: "x y") { ids } }');
    expect(answer.data).toEqual({ latest: { ids: ['b2'] } });
    const request = upstream.received.at(-1)!;
    expect(request.path).toBe('/latest');
    expect(request.query.getAll('term')).toEqual(['x y']);
  });
});
