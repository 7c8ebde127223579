import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLInputType,
} from 'graphql';
import { parseXml, XmlSyntaxError, type XmlElement } from '../../sources/soap/xml/xml-tree.js';
import { clientFault, type SoapFault } from './fault-writer.js';
import { envelopeNamespace, versionOfNamespace, XSI, type SoapVersion } from './soap-versions.js';
import { readEnum, readScalar } from './wire-scalars.js';
import { ARRAY_ITEM, optionalInput, type SoapContract } from './wsdl-writer.js';

/** A request the gateway answers with a Fault instead of running anything. */
export class FaultError extends Error {
  override readonly name = 'FaultError';
  constructor(readonly fault: SoapFault) {
    super(fault.errors.map((e) => e.message).join('; '));
  }
}

export interface SoapRequestMessage {
  readonly version: SoapVersion;
  /** The one element of the Body: the operation's wrapper. */
  readonly operation: XmlElement;
}

/** How deeply input objects may nest in a request; deeper is refused, never recursed into. */
const MAX_INPUT_DEPTH = 32;

/**
 * Reads a request envelope with the project's strict XML reader: a DTD (so any entity
 * expansion or external entity), XML that is not well-formed, something other than a
 * SOAP 1.1 or 1.2 Envelope, a header block marked mustUnderstand, or a Body that does not
 * hold exactly one element is a FaultError, each saying what it found.
 */
export function readEnvelope(text: string): SoapRequestMessage {
  let root: XmlElement;
  try {
    root = parseXml(text, { namespaces: true });
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    throw new FaultError(clientFault([`the request is not well-formed XML, or not XML Skein accepts (line ${error.line}, column ${error.column}): ${error.message}`]));
  }
  if (root.local !== 'Envelope') {
    throw new FaultError(clientFault([`expected a SOAP Envelope, found <${root.name}> at line ${root.line}`]));
  }
  const version = versionOfNamespace(root.uri);
  if (!version) {
    throw new FaultError({
      kind: 'versionMismatch',
      errors: [{ code: 'BAD_REQUEST', message: `the Envelope's namespace "${root.uri}" is neither SOAP 1.1's (${envelopeNamespace('1.1')}) nor SOAP 1.2's (${envelopeNamespace('1.2')})` }],
    });
  }
  const ns = envelopeNamespace(version);
  const header = root.children.find((c) => c.local === 'Header' && c.uri === ns);
  for (const block of header?.children ?? []) {
    if (mustUnderstand(block, ns, version)) {
      throw new FaultError({
        kind: 'mustUnderstand',
        errors: [{ code: 'BAD_REQUEST', message: `header block <${block.name}> (${block.uri || 'no namespace'}) is marked mustUnderstand; this gateway understands no header blocks` }],
      });
    }
  }
  const body = root.children.find((c) => c.local === 'Body' && c.uri === ns);
  if (!body) throw new FaultError(clientFault([`the Envelope has no Body in ${ns}`]));
  if (body.children.length !== 1) {
    throw new FaultError(clientFault([`the Body holds ${body.children.length} elements; it must hold exactly one, the operation's request element`]));
  }
  return { version, operation: body.children[0] };
}

/**
 * The composite's variables from its request element, typed by the XSD the WSDL declares:
 * numbers, booleans, enum values, lists as repeated elements, input objects as nested
 * elements, `xsi:nil="true"` as null. Elements are matched by local name (as Skein reads
 * SOAP answers), in any order. Unknown, repeated, missing and malformed elements are one
 * client Fault naming each problem; graphql-js then coerces the values like any request's.
 */
export function readVariables(contract: SoapContract, operation: XmlElement): Record<string, unknown> {
  if (operation.local !== contract.name) {
    throw new FaultError(
      clientFault([`the Body holds <${operation.name}>; /soap/${contract.name} answers <${contract.name}> in ${contract.namespace} (its WSDL: /soap/${contract.name}?wsdl)`]),
    );
  }
  const problems: string[] = [];
  const slots = contract.field.args.map((a) => ({ name: a.name, type: a.type, optional: optionalInput(a) }));
  const variables = readObject(slots, operation, contract.name, 0, problems);
  if (problems.length) throw new FaultError(clientFault(problems));
  return variables;
}

interface Slot {
  readonly name: string;
  readonly type: GraphQLInputType;
  readonly optional: boolean;
}

function readObject(slots: readonly Slot[], element: XmlElement, path: string, depth: number, problems: string[]): Record<string, unknown> {
  const byName = new Map<string, XmlElement[]>();
  for (const child of element.children) {
    const list = byName.get(child.local);
    if (list) list.push(child);
    else byName.set(child.local, [child]);
  }
  const known = new Set(slots.map((s) => s.name));
  for (const name of byName.keys()) {
    if (!known.has(name)) {
      const takes = slots.length ? `it takes ${slots.map((s) => `${s.name} (${s.type})`).join(', ')}` : 'it takes none';
      problems.push(`unknown element <${name}> in ${path}; ${takes}`);
    }
  }
  const value: Record<string, unknown> = {};
  for (const slot of slots) {
    const elements = byName.get(slot.name) ?? [];
    const nullable = isNonNullType(slot.type) ? slot.type.ofType : slot.type;
    if (elements.length === 0) {
      // An absent repeated element is an empty list; an absent required value is missing.
      if (isListType(nullable) && isNonNullType(slot.type)) value[slot.name] = [];
      else if (!slot.optional) problems.push(depth === 0 ? `missing variable ${slot.name} (${slot.type})` : `missing element ${slot.name} (${slot.type}) in ${path}`);
      continue;
    }
    value[slot.name] = readElements(slot.type, elements, `${path}.${slot.name}`, depth, problems);
  }
  return value;
}

function readElements(type: GraphQLInputType, elements: readonly XmlElement[], path: string, depth: number, problems: string[]): unknown {
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isListType(nullable)) {
    const item = nullable.ofType as GraphQLInputType;
    const inner = isNonNullType(item) ? item.ofType : item;
    return elements.map((element, index) => {
      if (isNil(element)) return null;
      if (isListType(inner)) return readElements(inner, element.children.filter((c) => c.local === ARRAY_ITEM), `${path}[${index}]`, depth + 1, problems);
      return readElement(inner, element, `${path}[${index}]`, depth, problems);
    });
  }
  if (elements.length > 1) {
    problems.push(`${path} appears ${elements.length} times; it takes one value (${type})`);
    return undefined;
  }
  return readElement(nullable, elements[0], path, depth, problems);
}

function readElement(type: GraphQLInputType, element: XmlElement, path: string, depth: number, problems: string[]): unknown {
  if (isNil(element)) return null;
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (isInputObjectType(nullable)) {
    if (depth >= MAX_INPUT_DEPTH) {
      problems.push(`${path} nests input objects deeper than ${MAX_INPUT_DEPTH} levels`);
      return undefined;
    }
    const slots = Object.values(nullable.getFields()).map((f) => ({ name: f.name, type: f.type, optional: optionalInput(f) }));
    return readObject(slots, element, path, depth + 1, problems);
  }
  if (isListType(nullable)) return readElements(nullable, element.children.filter((c) => c.local === ARRAY_ITEM), path, depth + 1, problems);
  if (element.children.length > 0) {
    problems.push(`${path} holds elements (<${element.children[0].name}>); it takes a value (${nullable})`);
    return undefined;
  }
  try {
    if (isEnumType(nullable)) return readEnum(nullable, element.text);
    if (isScalarType(nullable)) return readScalar(nullable, element.text);
  } catch (error) {
    problems.push(`${path}: ${(error as Error).message}`);
  }
  return undefined;
}

/** `xsi:nil="true"` (or `1`), whatever the prefix. */
function isNil(element: XmlElement): boolean {
  const value = attribute(element, XSI, 'nil');
  return value === 'true' || value === '1';
}

/** A header block addressed to this node (no actor/role, or the next one) that must be understood. */
function mustUnderstand(block: XmlElement, ns: string, version: SoapVersion): boolean {
  const flag = attribute(block, ns, 'mustUnderstand');
  if (flag !== '1' && flag !== 'true') return false;
  const target = attribute(block, ns, version === '1.1' ? 'actor' : 'role');
  return (
    target === undefined ||
    target === 'http://schemas.xmlsoap.org/soap/actor/next' ||
    target === 'http://www.w3.org/2003/05/soap-envelope/role/next' ||
    target === 'http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver'
  );
}

function attribute(element: XmlElement, uri: string, local: string): string | undefined {
  for (const [name, value] of Object.entries(element.attributes)) {
    const colon = name.indexOf(':');
    if (colon === -1 || name.slice(colon + 1) !== local) continue;
    if (element.scope[name.slice(0, colon)] === uri) return value.trim();
  }
  return undefined;
}
