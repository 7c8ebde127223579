import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { XMLBuilder } from 'fast-xml-parser';
import type { Graph } from '../graph/index.js';
import { exportAttribute, exportDocument, exportWholeNumber, readExportRoot, sourceReferencesOf, sourcesOfComposite, type SourceReference } from '../registry/index.js';
import type { SyncDefinition } from './sync-definition.js';

/** The XML namespace of a sync job export. */
export const SYNC_EXPORT_NAMESPACE = 'urn:skein:sync:1';

/** A sync job as a portable file: its document, and the sources it reads and writes by reference (as a composite export names them). */
export interface SyncJobExport {
  readonly format: 1;
  readonly name: string;
  readonly version: number;
  /** Its state where it was exported; an import does not carry it over. */
  readonly state: string;
  readonly document: string;
  readonly sources: readonly SourceReference[];
  readonly exportedAt: string;
  readonly exportedFrom: string | null;
}

export function syncJobToXML(exported: SyncJobExport): string {
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', cdataPropName: '#cdata', format: true, indentBy: '  ', suppressEmptyNode: true });
  return builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    syncJob: {
      '@_xmlns': SYNC_EXPORT_NAMESPACE,
      '@_format': '1',
      '@_name': exported.name,
      '@_version': String(exported.version),
      '@_state': exported.state,
      '@_exportedAt': exported.exportedAt,
      ...(exported.exportedFrom ? { '@_exportedFrom': exported.exportedFrom } : {}),
      sources: { source: exported.sources.map((s) => ({ '@_name': s.name, '@_kind': s.kind, '@_version': String(s.version), '@_sha256': s.sha256 })) },
      document: { '#cdata': exported.document },
    },
  });
}

/** Reads an export written by syncJobToXML, with the composite export's safeguards (no DTD, no entities; line and column of malformed XML). */
export function syncJobFromXML(text: string): SyncJobExport {
  const root = readExportRoot(text, 'syncJob', SYNC_EXPORT_NAMESPACE);
  return {
    format: 1,
    name: exportAttribute(root, 'name', 'syncJob'),
    version: exportWholeNumber(exportAttribute(root, 'version', 'syncJob'), 'version'),
    state: exportAttribute(root, 'state', 'syncJob'),
    document: exportDocument(root.document),
    sources: sourceReferencesOf(root),
    exportedAt: exportAttribute(root, 'exportedAt', 'syncJob'),
    exportedFrom: typeof root.exportedFrom === 'string' ? root.exportedFrom : null,
  };
}

/** The sources a job calls: its read field's and its write mutations', by name, sorted. */
export function sourcesOfSyncJob(definition: SyncDefinition, graph: Graph): string[] {
  const fields: string[] = [];
  const read = definition.readDocument.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const root = read?.selectionSet.selections[0];
  if (root?.kind === Kind.FIELD) fields.push(`Query.${root.name.value}`);
  for (const call of Object.values(definition.writes)) {
    if (!call) continue;
    const selection = (parse(`mutation { ${call} }`).definitions[0] as OperationDefinitionNode).selectionSet.selections[0];
    if (selection.kind === Kind.FIELD) fields.push(`Mutation.${selection.name.value}`);
  }
  const names = new Set<string>();
  // The read may be a composite: the sources of its steps.
  if (root?.kind === Kind.FIELD && graph.plans.has(root.name.value)) for (const name of sourcesOfComposite(graph, root.name.value)) names.add(name);
  for (const field of fields) {
    const operation = graph.operations.get(field);
    if (operation) names.add(operation.source.name);
  }
  return [...names].sort();
}
