export type { RegistryDatabase, SqlExecutor, ListenHandlers } from './database.js';
export { RegistryUnavailableError } from './database.js';
export { openEmbeddedDatabase } from './embedded-database.js';
export { openPostgresDatabase, redactUrl } from './postgres-database.js';
export { migrate, MIGRATIONS, type Migration } from './migrations.js';
export { openRegistry, DEFAULT_DATA_DIR, type OpenRegistryOptions } from './open-registry.js';
export {
  Registry,
  CHANGE_CHANNEL,
  SEEDING,
  type AppliedItem,
  type ChangeAuthor,
  type Changed,
  type ChangeVia,
  type CompositeInput,
  type SourceInput,
  type Upload,
} from './registry.js';
export type * from './records.js';
export { RegistryError, type RegistryErrorCode } from './errors.js';
export { transition, isLive, type LifecycleAction } from './lifecycle.js';
export { ThreadChecker, type CandidateChecker } from './candidate-checker.js';
export {
  DEFAULT_REGISTRY_LIMITS,
  REGISTRY_LIMIT_VARIABLES,
  registryLimitsFromEnvironment,
  type RegistryLimits,
} from './limits.js';
export { graphFactory, type Candidate, type GraphFactory, type GraphFactoryOptions } from './candidate.js';
export { ServedGraph, candidateOf, revisionOf, type GraphLease, type ServedGraphOptions } from './served-graph.js';
export { Workbench, type ExplainedPlan, type ImportResult } from './workbench.js';
export { folderUpload } from './folder-upload.js';
export { sourcesOfComposite } from './composite-sources.js';
export { readCompositeHeader, readSourceHeader, compositePath, sourcePath } from './documents.js';
export type { CompositeExport, ExportFormat, SourceReference } from './export/composite-export.js';
export {
  exportToXML,
  exportFromXML,
  readExportRoot,
  sourceReferencesOf,
  attribute as exportAttribute,
  wholeNumber as exportWholeNumber,
  documentOf as exportDocument,
} from './export/export-xml.js';
export { exportToJSON, exportFromJSON } from './export/export-json.js';
export { sourceFromDescription, type DescribedSource } from './import-source.js';
