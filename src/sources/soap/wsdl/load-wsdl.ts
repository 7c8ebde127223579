import { SchemaSet } from '../xsd/schema-set.js';
import { ShapeResolver } from '../xsd/shapes.js';
import { loadWsdlDocuments, type LoadOptions } from './load-documents.js';
import { readWsdlDefinitions, type WsdlDefinitions } from './wsdl-model.js';

/** A WSDL read and indexed: its definitions and a resolver for the types its operations use. */
export interface LoadedWsdl {
  readonly definitions: WsdlDefinitions;
  readonly resolver: ShapeResolver;
  /** How many documents (the WSDL and what it imports) were read. */
  readonly documentCount: number;
}

/** Reads a WSDL and everything it imports. Types are resolved later, as operations need them. */
export async function loadWsdl(location: string, options: LoadOptions): Promise<LoadedWsdl> {
  const documents = await loadWsdlDocuments(location, options);
  return {
    definitions: readWsdlDefinitions(documents),
    resolver: new ShapeResolver(new SchemaSet(documents.schemas)),
    documentCount: new Set([...documents.wsdls.map((d) => d.file), ...documents.schemas.map((s) => s.file)]).size,
  };
}
