import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compareAnswer, hasXmllint, roundTripWsdl } from '../../corpus/lib/roundtrip/soap/index.js';
import { packageFile } from '../helpers/npm-fixtures.js';

// Issue 11, item 5 (SOAP): every passing WSDL of the corpus slice (corpus/slice.json) served by
// a soap.listen service that answers every operation with values generated from the WSDL's
// XSD; Skein calls each operation through GraphQL, must hand back every value with its
// type, and must send envelopes that xmllint validates against the WSDL's schemas
// (corpus/lib/roundtrip/README.md). corpus/roundtrip-expect.json records, per document, how
// many operations round-trip; a document doing worse fails here.

interface SliceEntry {
  readonly corpus: 'openapi' | 'wsdl';
  readonly spec: string;
  readonly path: string;
  readonly expect: string;
}

interface Expectation {
  readonly operations: number;
  readonly passed: number;
}

const slice = (JSON.parse(readFileSync('corpus/slice.json', 'utf8')) as { documents: SliceEntry[] }).documents.filter(
  (e) => e.corpus === 'wsdl' && e.expect === 'pass',
);
const expectations = (JSON.parse(readFileSync('corpus/roundtrip-expect.json', 'utf8')) as { wsdl: Record<string, Expectation> }).wsdl;

// Documents are independent (each has its own service, gateway and schema folder), so they run side by side.
describe.concurrent('SOAP round trips over the corpus slice', () => {
  it('has xmllint to validate envelopes with (apt-get install libxml2-utils; .ci/run does)', async () => {
    expect(await hasXmllint()).toBe(true);
  });

  it('covers FedEx Ship v19 and the AFIP services', () => {
    expect(slice.some((e) => e.path.endsWith('ShipService_v19.wsdl'))).toBe(true);
    expect(slice.some((e) => e.path.endsWith('wsfe-production.wsdl'))).toBe(true);
  });

  for (const entry of slice) {
    const name = `${entry.spec} ${entry.path}`;
    it(name, async () => {
      const result = await roundTripWsdl({ file: packageFile(entry.spec, entry.path) });
      // A document the expectations do not list yet must round-trip every operation.
      const expected = expectations[name] ?? { operations: result.operations, passed: result.operations };
      const report = result.failures.map((f) => `${f.operation} (${f.stage}): ${f.message}`);
      expect(result.operations, report.join('\n')).toBe(expected.operations);
      expect(result.passed, report.join('\n')).toBeGreaterThanOrEqual(expected.passed);
      expect(result.operations).toBeGreaterThan(0);
    });
  }
});

describe('the comparison of answers with what was sent', () => {
  const schema = buildSchema(`
    scalar Long
    enum Color { RED DARK_BLUE @deprecated }
    type Customer { id: Long! name: String color: Color tags: [String!]! }
    type Query { customer: Customer }
  `);
  const type = schema.getQueryType()!.getFields().customer.type;
  const sent = { id: '9007199254740993', name: 'a <&> b', color: { enum: 'RED' }, tags: ['x', 'y'] };

  it('accepts an answer carrying every value with its type', () => {
    expect(compareAnswer(sent, { id: '9007199254740993', name: 'a <&> b', color: 'RED', tags: ['x', 'y'] }, type, 'customer')).toEqual([]);
  });

  it('names every value that came back wrong: a Long as a number, a dropped value, another enum value, a missing list item', () => {
    const problems = compareAnswer(sent, { id: 9007199254740992, name: null, color: 'DARK_BLUE', tags: ['x'] }, type, 'customer');
    expect(problems).toEqual([
      'customer.id: sent "9007199254740993", got 9007199254740992 (type Long)',
      'customer.name: sent "a <&> b", got null (type String)',
      'customer.color: sent enumeration value "RED", got "DARK_BLUE" (wire "DARK_BLUE")',
      'customer.tags: sent 2 item(s), got ["x"]',
    ]);
  });
});
