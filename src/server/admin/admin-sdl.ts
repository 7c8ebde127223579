/**
 * The admin API's schema: a GraphQL schema of its own at /admin/graphql, apart from the
 * served graph. Resolver types are generated from it (`npm run codegen` writes
 * src/generated/admin.ts), so the resolvers cannot drift from it.
 */
export const adminSDL = /* GraphQL */ `
"""
Skein's admin API: the registry of sources and composites, their versions and their
lifecycle (draft → published ⇄ paused → deleted), plans, export and import. Every request
needs the header \`Authorization: Bearer <token>\` (a token of SKEIN_ADMIN_TOKEN).
"""
schema {
  query: Query
  mutation: Mutation
}

"Any JSON value."
scalar JSON

enum CompositeState {
  "Saved; can be checked and planned, not called."
  DRAFT
  "Served at its live version: a GraphQL field and a REST endpoint."
  PUBLISHED
  "In the schema, answering COMPOSITE_PAUSED (HTTP 503 on its REST endpoint)."
  PAUSED
  "No longer served; its history stays."
  DELETED
}

enum SourceState {
  ACTIVE
  "Removed; its history stays and it can be registered again."
  REMOVED
}

"What the source SDL was made from."
enum SourceOrigin {
  SDL
  OPENAPI
  WSDL
  GRAPHQL
}

"""
The protocol a composite is served in besides GraphQL: by default the one most of its
steps' sources speak (a tie goes to REST), unless its version recorded another.
"""
enum Protocol {
  REST
  SOAP
}

enum PlanFormat {
  TEXT
  JSON
  MERMAID
  DOT
  "A standalone SVG picture of the flow, laid out by ELK."
  SVG
  "The same picture as a PNG image, base64-encoded in Plan.text."
  PNG
}

enum ExportFormat {
  XML
  JSON
}

enum AuditOutcome {
  OK
  "Checked and refused; nothing was stored."
  REJECTED
  "No valid token was shown."
  DENIED
}

enum StoreKind {
  "PGlite in the gateway's process."
  EMBEDDED
  POSTGRES
}

enum UploadAction {
  ADDED
  UPDATED
  "Unchanged text, now published."
  PUBLISHED
  UNCHANGED
  "Left as the registry had it (seeding never overwrites)."
  KEPT
}

"A circuit breaker's state."
enum BreakerState {
  "Calls go through."
  CLOSED
  "Calls fail fast with UPSTREAM_CIRCUIT_OPEN until halfOpenAfterMs have passed."
  OPEN
  "One call is probing the source; its outcome closes or reopens the circuit."
  HALF_OPEN
  "The source has no breaker (circuitBreaker: { failures: 0 })."
  DISABLED
}

"""
How a source is doing in this gateway process: its circuit breaker, its concurrency
limit and queue, and counters since the gateway started (kept across reloads while
the source's URL and policy stay the same).
"""
type SourceHealth {
  source: String!
  breaker: BreakerState!
  "When the circuit last opened (ISO 8601)."
  openedAt: String
  "What opened it last: an error code (UPSTREAM_TIMEOUT, UPSTREAM_UNREACHABLE) or an HTTP status."
  lastFailure: String
  "Calls in flight."
  inFlight: Int!
  "Calls waiting for a slot."
  queued: Int!
  calls: Float!
  "Attempts that failed against the source."
  failures: Float!
  retries: Float!
  "Calls refused at maxConcurrency with a full queue (UPSTREAM_OVERLOADED)."
  rejected: Float!
  "Calls refused while the circuit was open (UPSTREAM_CIRCUIT_OPEN)."
  shortCircuited: Float!
  "The policy in force: timeoutMs, retry, circuitBreaker, maxConcurrency, maxQueue."
  policy: JSON!
}

"An upstream API: one SDL text declaring one @source."
type Source {
  name: String!
  "REST or SOAP."
  kind: String!
  state: SourceState!
  "The newest version."
  version: Int!
  origin: SourceOrigin!
  "The base URL or endpoint this gateway calls (after SKEIN_SOURCE_<NAME>_URL)."
  url: String
  sdl: String!
  "Files stored with the SDL (a WSDL), by the relative path the SDL names them with."
  attachments: [String!]!
  updatedAt: String!
  updatedBy: String!
  "Its root fields in the served graph, such as Query.user."
  operations: [String!]!
  "Published and paused composites that call it."
  usedBy: [String!]!
  "Its circuit breaker, queue and counters in this gateway; null while no served graph calls it."
  health: SourceHealth
  versions: [SourceVersion!]!
}

type SourceVersion {
  version: Int!
  origin: SourceOrigin!
  sdl: String!
  createdAt: String!
  createdBy: String!
}

"A composite API: a named GraphQL operation over the graph, with its versions and state."
type Composite {
  name: String!
  state: CompositeState!
  "query or mutation."
  operation: String!
  "The newest saved version."
  version: Int!
  "The version served while published or paused."
  liveVersion: Int
  "The newest version's document."
  document: String!
  liveDocument: String
  "The sources its newest version calls."
  sources: [String!]!
  "Its REST address while published or paused, such as /api/hotelOrder."
  endpoint: String
  "The protocol of its newest version: recorded with it, else the majority of its steps' sources."
  protocol: Protocol!
  createdAt: String!
  updatedAt: String!
  "Who saved the newest version."
  updatedBy: String!
  versions: [CompositeVersion!]!
}

type CompositeVersion {
  version: Int!
  document: String!
  "Why it was made, when not a plain save: rollback to v2, imported from …"
  note: String
  "The protocol recorded with this version; null: the majority of its steps' sources."
  protocol: Protocol
  createdAt: String!
  createdBy: String!
}

type Plan {
  composite: String!
  version: Int!
  format: PlanFormat!
  "The plan in the requested format."
  text: String!
  "The plan as data, whatever the format."
  json: JSON!
  "What the drawing shows (steps, arrows, critical path), whatever the format: a FlowInput for src/drawing's layoutFlow/drawFlow."
  flow: JSON!
}

type Export {
  composite: String!
  version: Int!
  format: ExportFormat!
  "The portable file: XML or JSON."
  document: String!
}

"""A served operation ranked against a need (skein find, skein compose)."""
type OperationMatch {
  "Query.user"
  field: String!
  "The source it calls, or composite."
  source: String!
  "REST or SOAP."
  kind: String!
  "BM25 score with stemming and fuzzy terms; higher is better."
  score: Float!
  "The need's words that matched."
  words: [String!]!
  "Where they matched: name, description, source, args, result."
  fields: [String!]!
}

"""How one step of a request found its operation."""
type StepMatch {
  step: String!
  field: String!
  source: String!
  kind: String!
  "need (ranked from its words), api (named in the request) or pick (chosen with pick)."
  how: String!
  need: String
  "The best candidates, the chosen one first."
  candidates: [OperationMatch!]!
}

"""A composite drafted from a business request; nothing is saved."""
type Draft {
  name: String!
  "The composite document, as an author would write it."
  document: String!
  "Its plan as skein plan prints it."
  plan: String!
  "Its plan as data."
  planJSON: JSON!
  "What its drawing shows (steps, arrows, critical path): a FlowInput for src/drawing's drawFlow, as Plan.flow."
  flow: JSON!
  matches: [StepMatch!]!
  protocol: Protocol!
  "request (the request's protocol:) or majority (most of its steps' sources speak it)."
  protocolFrom: String!
}

type ImportResult {
  composite: Composite!
  "Sources that exist here with another SDL than the exporter had."
  warnings: [String!]!
}

type UploadItem {
  "source or composite."
  kind: String!
  name: String!
  action: UploadAction!
  version: Int!
  state: String!
}

type UploadResult {
  "Whether anything was stored."
  changed: Boolean!
  items: [UploadItem!]!
}

type AuditEntry {
  id: Int!
  at: String!
  "The token's name; null when no valid token was shown."
  actor: String
  "composite.publish, source.register, auth.denied, …"
  action: String!
  target: String
  version: Int
  outcome: AuditOutcome!
  detail: JSON!
}

type Status {
  store: StoreKind!
  "The data folder, or the PostgreSQL URL without its password."
  where: String!
  "The registry's revision: bumped by every change."
  revision: Int!
  "The revision this gateway serves."
  servedRevision: Int!
  servedSince: String!
  "Why the last reload failed, while this gateway serves an older revision because of it."
  lastError: String
  "The name of the token this request was made with."
  actor: String!
}

"A file stored with a source's SDL, named by the relative path the SDL uses."
input AttachmentInput {
  path: String!
  text: String!
}

"""
A source to register or update. Give exactly one of sdl (source SDL with one @source),
openapi (an OpenAPI 2.0/3.x document, JSON or YAML), wsdl (a WSDL document) or graphql
(a GraphQL API's SDL, or a federation subgraph's _service { sdl }); the last three are
imported into SDL first and need name; graphql needs url too (the endpoint the gateway calls).
"""
input SourceInput {
  name: String
  sdl: String
  openapi: String
  wsdl: String
  "A GraphQL API's SDL: its Query, Mutation and Subscription fields become @graphql fields; federation directives (@key) make it a subgraph."
  graphql: String
  "With graphql: true insists that the SDL is a federation subgraph's; false imports it as a plain API. Detected from its directives when left out."
  federation: Boolean
  "Base URL or endpoint to write into an imported @source."
  url: String
  "Refuse an OpenAPI document that is not valid OpenAPI; by default it imports, each problem a warning."
  strict: Boolean
  attachments: [AttachmentInput!]
}

"One source of an upload (a schema folder)."
input SourceUpload {
  sdl: String!
  "The file it came from, for messages."
  file: String
  attachments: [AttachmentInput!]
}

"One composite of an upload."
input CompositeUpload {
  document: String!
  file: String
}

enum SyncRunState {
  QUEUED
  RUNNING
  "The target failed every record (5xx): waiting until resumeAt, from its checkpoint."
  PAUSED
  SUCCEEDED
  FAILED
}

"A sync job: reads records from the graph, maps them, writes them to target mutations by key (schema/sync/<name>.graphql)."
type SyncJob {
  name: String!
  "Published jobs run (on their schedule, by webhook, on demand); paused ones do not."
  state: CompositeState!
  version: Int!
  liveVersion: Int
  document: String!
  "FULL, INCREMENTAL or DIFF."
  rule: String!
  "The cron expression and time zone, when scheduled."
  schedule: String
  "What starts its runs: schedule <cron (zone)>, webhook /sync/<name>/webhook, event <source>: <subject>, and always on demand."
  strategies: [String!]!
  "The newest run."
  lastRun: SyncRun
  "The incremental cursor reached (the highest cursor field value written)."
  cursor: String
  updatedAt: String!
  versions: [SyncJobVersion!]!
  runs(limit: Int = 10): [SyncRun!]!
  "Records a target refused, kept with their error for replay."
  failedRecords(limit: Int = 100): [SyncFailedRecord!]!
}

type SyncJobVersion {
  version: Int!
  document: String!
  note: String
  createdAt: String!
  createdBy: String!
}

"One run of a sync job, with its progress."
type SyncRun {
  id: Int!
  job: String!
  version: Int!
  "schedule <time>, manual, webhook, event <subject>."
  trigger: String!
  state: SyncRunState!
  rule: String!
  queuedAt: String!
  startedAt: String
  finishedAt: String
  durationMs: Float
  read: Int!
  written: Int!
  "Unchanged records (DIFF)."
  skipped: Int!
  failed: Int!
  deleted: Int!
  cursorFrom: String
  cursorTo: String
  error: String
  "The gateway working on it."
  leaseOwner: String
  resumeAt: String
  "For a webhook call's or message's changes: how many records and deleted keys it carried (null for a run that reads its source)."
  given: SyncGiven
  "Records of this run the target refused, kept with their error for replay."
  failedRecords(limit: Int = 100): [SyncFailedRecord!]!
}

type SyncGiven {
  records: Int!
  deleted: Int!
}

type SyncFailedRecord {
  runId: Int!
  key: String!
  operation: String
  record: JSON
  error: String
  attempts: Int!
}

type SyncReplay {
  replayed: Int!
  failed: Int!
}

type Query {
  "The store and the revision this gateway serves."
  status: Status!
  sources(includeRemoved: Boolean = false): [Source!]!
  source(name: String!): Source
  composites(includeDeleted: Boolean = false): [Composite!]!
  composite(name: String!): Composite
  "A composite's plan at a version (the newest by default); drafts are planned without being served."
  plan(name: String!, version: Int, format: PlanFormat = TEXT): Plan!
  "A composite as a portable file, with references to the sources it needs."
  export(name: String!, version: Int, format: ExportFormat = XML): Export!
  "Newest first."
  audit(limit: Int = 50, target: String): [AuditEntry!]!
  "Every source this gateway calls: circuit breakers, queues, counters."
  health: [SourceHealth!]!
  "The served operations that best match a need in words, best first (skein find)."
  find(need: String!, limit: Int = 10): [OperationMatch!]!
  syncJobs(includeDeleted: Boolean = false): [SyncJob!]!
  syncJob(name: String!): SyncJob
  "Newest first; of one job with job."
  syncRuns(job: String, limit: Int = 20): [SyncRun!]!
  syncRun(id: Int!): SyncRun
  "A sync job version (the newest by default) as a portable XML file, naming the sources it reads and writes."
  exportSyncJob(name: String!, version: Int): String!
}

type Mutation {
  "Registers a source, or stores a new version of it. Refused if the graph would not build."
  registerSource(input: SourceInput!): Source!
  "Refused while a published or paused composite, or another source, needs it."
  removeSource(name: String!): Source!
  "Saves a composite document as its next version; a new composite starts as a draft."
  saveComposite(document: String!, name: String, note: String, protocol: Protocol): Composite!
  """
  Drafts a composite from a business request over the served graph (skein compose) and
  saves nothing. request is the request document as text (YAML or JSON; errors then name
  its line and column in file) or as a JSON object. pick chooses operations for steps:
  ["user=Query.user"].
  """
  draftComposite(request: JSON!, file: String, pick: [String!]): Draft!
  "Serves a version (the newest by default)."
  publish(name: String!, version: Int): Composite!
  pause(name: String!): Composite!
  resume(name: String!): Composite!
  delete(name: String!): Composite!
  "Makes an earlier version current again, as a new version; served at once when live."
  rollback(name: String!, version: Int!): Composite!
  "Sources and composites in one change, checked as a whole (skein push). Changed texts become new versions."
  push(sources: [SourceUpload!]!, composites: [CompositeUpload!]!, publish: Boolean = false): UploadResult!
  "Imports an export (XML or JSON) as the composite's next version."
  import(document: String!, publish: Boolean = false): ImportResult!
  "Saves a sync job document as its next version (checked against the served graph; refused with file:line:column, nothing stored)."
  saveSyncJob(document: String!, file: String, note: String, publish: Boolean = false): SyncJob!
  "publish (a version, the newest by default), pause, resume or delete a sync job."
  changeSyncJob(name: String!, action: SyncJobAction!, version: Int): SyncJob!
  "Queues a run of a published job now; follow it with syncRun(id:)."
  runSyncJob(name: String!): SyncRun!
  "Writes again the records a target refused (of one run with runId)."
  replaySyncJob(name: String!, runId: Int): SyncReplay!
  "Imports an exported sync job as its next version; refused (MISSING_SOURCES) when a source it needs is not registered."
  importSyncJob(document: String!, publish: Boolean = false): SyncJob!
}

enum SyncJobAction {
  PUBLISH
  PAUSE
  RESUME
  DELETE
}
`;
