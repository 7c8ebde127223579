import type { DocumentScope } from '../sources/document-scope.js';

/** One file a schema author wrote, with the path used in error messages. */
export interface SchemaFile {
  readonly path: string;
  readonly text: string;
  /**
   * Where the sources it declares may read the documents they name (a WSDL and its
   * imports). Default: files inside the folder this file is in, and http(s) URLs.
   */
  readonly documents?: DocumentScope;
  /** Composites only: the protocol recorded with the version, when it overrides the majority of its steps'. */
  readonly protocol?: 'REST' | 'SOAP';
}

/**
 * Everything a gateway serves, as text: source SDL and composite documents. It comes
 * from a schema folder (`skein serve`, `skein check`) or from the registry; the
 * builders do not care which.
 */
export interface SchemaInput {
  readonly sources: readonly SchemaFile[];
  readonly composites: readonly SchemaFile[];
  /** Sync job documents (`sync/*.graphql`, src/sync); not part of the graph, seeded into the registry beside it. */
  readonly sync?: readonly SchemaFile[];
}
