import { isEnumType, isListType, isNonNullType, isObjectType, isScalarType, type GraphQLType } from 'graphql';
import { escapeAttribute, escapeText } from '../../sources/soap/xml/xml-text.js';
import { errorsElement, type SoapError } from './fault-writer.js';
import { envelopeNamespace, XSI, type SoapVersion } from './soap-versions.js';
import { wireText } from './wire-scalars.js';
import { ARRAY_ITEM, type SoapContract } from './wsdl-writer.js';

/**
 * The response envelope of a composite's answer: `<name>Response` holding `<name>Result`,
 * the composite's value written as its WSDL declares it (every element in the contract's
 * namespace, fields in the type's order, lists as repeated elements, null as
 * `xsi:nil="true"`). An answer that is partial (some steps failed) carries their errors
 * in a `<skein:errors>` header block, so they are not lost.
 */
export function answerEnvelope(version: SoapVersion, contract: SoapContract, value: unknown, errors: readonly SoapError[] = []): string {
  const out: string[] = [];
  writeValue(out, contract.result, contract.field.type, value);
  const header = errors.length ? `<soap:Header>${errorsElement(errors)}</soap:Header>` : '';
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<soap:Envelope xmlns:soap="${envelopeNamespace(version)}" xmlns:xsi="${XSI}">${header}<soap:Body>` +
    `<tns:${contract.response} xmlns:tns="${escapeAttribute(contract.namespace)}">${out.join('')}</tns:${contract.response}>` +
    `</soap:Body></soap:Envelope>`
  );
}

function writeValue(out: string[], name: string, type: GraphQLType, value: unknown): void {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) {
    // A list is its items, each an element of the list's name; null or empty, none.
    if (!Array.isArray(value)) return;
    const item = nullable.ofType as GraphQLType;
    const inner = isNonNullType(item) ? item.ofType : item;
    for (const entry of value) {
      if (entry === null || entry === undefined) out.push(`<tns:${name} xsi:nil="true"/>`);
      else if (isListType(inner)) {
        out.push(`<tns:${name}>`);
        writeValue(out, ARRAY_ITEM, inner, entry);
        out.push(`</tns:${name}>`);
      } else writeValue(out, name, inner, entry);
    }
    return;
  }
  if (value === null || value === undefined) {
    out.push(`<tns:${name} xsi:nil="true"/>`);
    return;
  }
  if (isObjectType(nullable)) {
    const object = value as Record<string, unknown>;
    out.push(`<tns:${name}>`);
    for (const field of Object.values(nullable.getFields())) writeValue(out, field.name, field.type, object[field.name]);
    out.push(`</tns:${name}>`);
    return;
  }
  const text = isScalarType(nullable) ? wireText(nullable, value) : isEnumType(nullable) ? String(value) : JSON.stringify(value);
  out.push(`<tns:${name}>${escapeText(text)}</tns:${name}>`);
}
