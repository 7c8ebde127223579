import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { roundTripWsdl, type RoundTrip } from '../../../corpus/lib/roundtrip/soap/index.js';
import { FIXTURES } from '../../fixtures/wsdl/soap-server.js';

// The SOAP round trip (corpus/lib/roundtrip/soap) on WSDLs made to hold what the corpus WSDLs
// rarely do: choices, extensions, attributes (one named like an element), simpleContent,
// enumerations GraphQL must rename, xsd:list, nillable and optional elements, ArrayOf
// wrappers, a recursive type, anyType, a ref into a second namespace, fixed values (the
// features WSDL); two namespaces with unqualified children (hotel); rpc/encoded (calculator).

const features = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'roundtrip-features.wsdl');

function failures(result: RoundTrip): string {
  return result.failures.map((f) => `${f.operation} (${f.stage}): ${f.message}`).join('\n');
}

describe('SOAP round trip of every XSD construct', () => {
  it('hands back every value the service sent, with its type, and sends envelopes the schema accepts', async () => {
    const result = await roundTripWsdl({ file: features });
    expect(failures(result)).toBe('');
    expect(result.harness).toEqual([]);
    expect(result).toMatchObject({ operations: 2, passed: 2, envelopes: { validated: 2, valid: 2, notValidatable: 0 } });
    // The answers did exercise what the WSDL holds (a generator that stopped sending them would pass vacuously).
    for (const counted of ['attributes', 'enums', 'lists', 'nil', 'absent', 'choiceSkipped'] as const) {
      expect(result.sent[counted], counted).toBeGreaterThan(0);
    }
  });

  it('does the same over the SOAP 1.2 port of a WSDL with two namespaces', async () => {
    const result = await roundTripWsdl({ file: path.join(FIXTURES, 'hotel.wsdl'), soapVersion: '1.2' });
    expect(failures(result)).toBe('');
    expect(result.soapVersion).toBe('1.2');
    expect(result.passed).toBe(result.operations);
    expect(result.envelopes.valid).toBe(result.operations);
  });

  it('calls rpc/encoded operations and counts their envelopes as not validatable rather than valid', async () => {
    const result = await roundTripWsdl({ file: path.join(FIXTURES, 'calculator-rpc.wsdl') });
    expect(failures(result)).toBe('');
    expect(result).toMatchObject({ operations: 2, passed: 2, envelopes: { validated: 0, valid: 0, notValidatable: 2 } });
  });
});
