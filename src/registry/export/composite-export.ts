/**
 * A composite as a portable file: its document and the sources it needs, by reference
 * (name, kind, the version it was exported with and a hash of that SDL). Importing it
 * needs sources of those names in the target registry; the hash only tells whether
 * they are the same text (the import then checks, by building, that they fit).
 */
export interface CompositeExport {
  /** Format version; 1 so far. */
  readonly format: 1;
  readonly name: string;
  readonly operation: 'query' | 'mutation';
  /** The exported version in the source registry. */
  readonly version: number;
  /** Its state there; the import does not carry it over. */
  readonly state: string;
  readonly description: string | null;
  /** The protocol it is served in besides GraphQL (REST or SOAP); an import records it with the new version. Absent in older exports. */
  readonly protocol?: 'REST' | 'SOAP';
  readonly document: string;
  readonly sources: readonly SourceReference[];
  readonly exportedAt: string;
  /** The gateway it came from, when known. */
  readonly exportedFrom: string | null;
}

export interface SourceReference {
  readonly name: string;
  readonly kind: string;
  readonly version: number;
  /** sha256 of the source SDL, hex. */
  readonly sha256: string;
}

export type ExportFormat = 'xml' | 'json';

/** The XML namespace of the export format. */
export const EXPORT_NAMESPACE = 'urn:skein:composite:1';
