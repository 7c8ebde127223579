// The SOAP round trip's public face (contract: corpus/lib/roundtrip/README.md).
export { roundTripWsdl } from './round-trip-wsdl.js';
export { hasXmllint, schemaValidator } from './xsd-validator.js';
export { compareAnswer } from './graphql-answer.js';
