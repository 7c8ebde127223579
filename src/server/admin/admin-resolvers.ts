import { GraphQLError } from 'graphql';
import { composeRequest, operationIndexOf, type Candidate } from '../../compose/index.js';
import { flowOf, planToJSON } from '../../composite/index.js';
import { SchemaError, SchemaErrors } from '../../errors/schema-error.js';
import type { PlanFormat as PlanFormatName } from '../../composite/index.js';
import type { AttachmentInput, CompositeState, Resolvers, SourceOrigin } from '../../generated/admin.js';
import { GraphQLJSON } from '../../schema/index.js';
import {
  RegistryError,
  sourceFromDescription,
  sourcesOfComposite,
  type ChangeAuthor,
  type SourceInput,
} from '../../registry/index.js';
import type { AdminContext } from './admin-context.js';
import { readSyncDefinition, syncPath, type SyncService } from '../../sync/index.js';
import { servedHealth } from './source-health.js';

/**
 * The admin API's resolvers, typed by the code generated from its SDL. Each mutation is
 * one registry change; once it is stored, this gateway reloads before answering, so the
 * caller's next request already sees it. Registry errors become GraphQL errors whose
 * extensions carry `code` and `details` (one line per problem, with its place).
 */
export const adminResolvers: Resolvers = {
  JSON: GraphQLJSON,

  Query: {
    status: async (_root, _args, { registry, served, actor }) => ({
      store: registry.db.kind === 'postgres' ? 'POSTGRES' : 'EMBEDDED',
      where: registry.db.where,
      revision: await guard(() => registry.revision()),
      servedRevision: served.revision,
      servedSince: served.builtAt.toISOString(),
      lastError: served.lastError ?? null,
      actor,
    }),
    sources: (_root, { includeRemoved }, { registry }) => guard(() => registry.sources({ includeRemoved: includeRemoved ?? false })),
    source: async (_root, { name }, { registry }) => (await guard(() => registry.source(name))) ?? null,
    composites: (_root, { includeDeleted }, { registry }) => guard(() => registry.composites({ includeDeleted: includeDeleted ?? false })),
    composite: async (_root, { name }, { registry }) => (await guard(() => registry.composite(name))) ?? null,
    plan: (_root, { name, version, format }, { workbench }) =>
      guard(() => workbench.plan(name, version ?? undefined, (format ?? 'TEXT').toLowerCase() as PlanFormatName)),
    export: async (_root, { name, version, format }, { workbench, gatewayName }) => {
      const chosen = format ?? 'XML';
      const record = await guard(() => workbench.registry.composite(name));
      const document = await guard(() =>
        workbench.export(name, { version: version ?? undefined, format: chosen === 'JSON' ? 'json' : 'xml', exportedFrom: gatewayName }),
      );
      return { composite: name, version: version ?? record?.version ?? 0, format: chosen, document };
    },
    audit: (_root, { limit, target }, { registry }) => guard(() => registry.audit({ limit: limit ?? 50, target: target ?? undefined })),
    health: (_root, _args, { served }) => servedHealth(served.current().sources.keys()),
    find: (_root, { need, limit }, { served }) =>
      operationIndexOf(served.current()).search(need, { limit: Math.max(1, Math.min(limit ?? 10, 100)) }).map(operationMatch),
    syncJobs: (_root, { includeDeleted }, { sync }) => guard(() => syncOf(sync).store.jobs({ includeDeleted: includeDeleted ?? false })),
    syncJob: async (_root, { name }, { sync }) => (await guard(() => syncOf(sync).store.job(name))) ?? null,
    syncRuns: (_root, { job, limit }, { sync }) => guard(() => syncOf(sync).store.runs({ job: job ?? undefined, limit: limit ?? 20 })),
    syncRun: async (_root, { id }, { sync }) => (await guard(() => syncOf(sync).store.run(id))) ?? null,
    exportSyncJob: (_root, { name, version }, { sync, gatewayName }) => guard(() => syncOf(sync).exportJob(name, { version: version ?? undefined, exportedFrom: gatewayName })),
  },

  Mutation: {
    registerSource: async (_root, { input }, context) => {
      const given = [input.sdl, input.openapi, input.wsdl, input.graphql].filter((x) => x !== undefined && x !== null).length;
      if (given !== 1) throw toGraphQLError(new RegistryError('BAD_INPUT', `give exactly one of sdl, openapi, wsdl or graphql; ${given} were given`));
      let source: SourceInput;
      if (input.sdl !== undefined && input.sdl !== null) {
        source = { sdl: input.sdl, name: input.name ?? undefined, origin: 'sdl', attachments: attachments(input.attachments) };
      } else {
        if (!input.name) throw toGraphQLError(new RegistryError('BAD_INPUT', 'an imported source needs name: the name of its @source'));
        source = await guard(() =>
          sourceFromDescription({
            name: input.name!,
            openapi: input.openapi ?? undefined,
            wsdl: input.wsdl ?? undefined,
            graphql: input.graphql ?? undefined,
            federation: input.federation ?? undefined,
            url: input.url ?? undefined,
            strict: input.strict ?? undefined,
          }),
        );
      }
      return change(context, () => context.registry.registerSource(byAdmin(context), source));
    },
    removeSource: (_root, { name }, context) => change(context, () => context.registry.removeSource(byAdmin(context), name)),
    saveComposite: (_root, { document, name, note, protocol }, context) =>
      change(context, () =>
        context.registry.saveComposite(byAdmin(context), { document, name: name ?? undefined, note: note ?? undefined, protocol: protocol ?? undefined }),
      ),
    draftComposite: (_root, { request, file, pick }, { served }) => {
      const text = typeof request === 'string' ? request : JSON.stringify(request, null, 2);
      const picks = new Map<string, string>();
      for (const item of pick ?? []) {
        const [step, field] = item.split('=');
        if (!step || !field) throw toGraphQLError(new RegistryError('BAD_INPUT', `pick "${item}" is not step=Query.field`));
        picks.set(step.trim(), field.trim());
      }
      const lease = served.acquire();
      try {
        const draft = composeRequest(lease.graph, text, { file: file ?? (typeof request === 'string' ? 'request.yaml' : 'request.json'), picks });
        return {
          ...draft,
          plan: draft.planText,
          planJSON: planToJSON(draft.plan),
          flow: flowOf(draft.plan),
          matches: draft.matches.map((m) => ({ ...m, need: m.need ?? null, candidates: m.candidates.map(operationMatch) })),
        };
      } catch (error) {
        throw draftRefused(error);
      } finally {
        lease.release();
      }
    },
    publish: (_root, { name, version }, context) => change(context, () => context.registry.publish(byAdmin(context), name, version ?? undefined)),
    pause: (_root, { name }, context) => change(context, () => context.registry.pause(byAdmin(context), name)),
    resume: (_root, { name }, context) => change(context, () => context.registry.resume(byAdmin(context), name)),
    delete: (_root, { name }, context) => change(context, () => context.registry.delete(byAdmin(context), name)),
    rollback: (_root, { name, version }, context) => change(context, () => context.registry.rollback(byAdmin(context), name, version)),
    push: async (_root, { sources, composites, publish }, context) => {
      const result = await change(context, () =>
        context.registry.apply({ actor: context.actor, via: 'push' }, {
          sources: sources.map((s) => ({ sdl: s.sdl, file: s.file ?? undefined, attachments: attachments(s.attachments) })),
          composites: composites.map((c) => ({ document: c.document, file: c.file ?? undefined })),
          publish: publish ?? false,
        }),
        true,
      );
      return { changed: result.changed, items: result.record };
    },
    saveSyncJob: async (_root, { document, file, note, publish }, context) =>
      (await guard(() => syncOf(context.sync).save(byAdmin(context), document, { file: file ?? undefined, note: note ?? undefined, publish: publish ?? false }))).job,
    changeSyncJob: async (_root, { name, action, version }, context) =>
      (await guard(() => syncOf(context.sync).change(byAdmin(context), name, action.toLowerCase() as 'publish', version ?? undefined))).job,
    runSyncJob: (_root, { name }, { sync }) => guard(() => syncOf(sync).trigger(name, 'manual')),
    importSyncJob: async (_root, { document, publish }, context) =>
      (await guard(() => syncOf(context.sync).importJob({ actor: context.actor, via: 'import' }, document, { publish: publish ?? false }))).job,
    replaySyncJob: (_root, { name, runId }, { sync }) => guard(() => syncOf(sync).replay(name, runId ?? undefined)),
    import: async (_root, { document, publish }, context) => {
      const result = await guard(() => context.workbench.import(context.actor, document, { publish: publish ?? false }));
      await context.changed();
      return result;
    },
  },

  Source: {
    state: (source) => (source.state === 'active' ? 'ACTIVE' : 'REMOVED'),
    origin: (source) => source.origin.toUpperCase() as SourceOrigin,
    url: (source, _args, { served }) => (source.state === 'active' ? (served.current().sources.get(source.name)?.url ?? null) : null),
    attachments: (source) => Object.keys(source.attachments),
    updatedBy: (source) => source.createdBy,
    operations: (source, _args, { served }) =>
      source.state === 'active'
        ? [...served.current().operations.values()].filter((o) => o.source.name === source.name).map((o) => o.name)
        : [],
    usedBy: (source, _args, { served }) => {
      const graph = served.current();
      return [...graph.plans.keys()].filter((name) => sourcesOfComposite(graph, name).includes(source.name)).sort();
    },
    versions: (source, _args, { registry }) => guard(() => registry.sourceVersions(source.name)),
    health: (source, _args, { served }) =>
      source.state === 'active' && served.current().sources.has(source.name) ? (servedHealth([source.name])[0] ?? null) : null,
  },

  SourceVersion: {
    origin: (version) => version.origin.toUpperCase() as SourceOrigin,
  },

  Composite: {
    state: (composite) => composite.state.toUpperCase() as CompositeState,
    endpoint: (composite) => (composite.state === 'published' || composite.state === 'paused' ? `/api/${composite.name}` : null),
    sources: async (composite, _args, { workbench }) => {
      if (composite.state === 'deleted') return [];
      try {
        return await workbench.sourcesOf(composite.name);
      } catch {
        return []; // a version that no longer builds (a source changed since) calls nothing it can name
      }
    },
    versions: (composite, _args, { registry }) => guard(() => registry.compositeVersions(composite.name)),
    protocol: async (composite, _args, { workbench }) => {
      if (composite.protocol) return composite.protocol;
      try {
        return await workbench.protocolOf(composite.name);
      } catch {
        return 'REST'; // a version that no longer builds has no steps to count; REST is the tie's answer
      }
    },
  },

  SyncJob: {
    state: (job) => job.state.toUpperCase() as CompositeState,
    rule: (job) => definitionOf(job.liveDocument ?? job.document, job.name)?.rule ?? 'FULL',
    schedule: (job) => {
      const schedule = definitionOf(job.liveDocument ?? job.document, job.name)?.schedule;
      return schedule ? `${schedule.cron} (${schedule.timeZone})` : null;
    },
    strategies: (job) => {
      const definition = definitionOf(job.liveDocument ?? job.document, job.name);
      if (!definition) return ['on demand'];
      return [
        ...(definition.schedule ? [`schedule ${definition.schedule.cron} (${definition.schedule.timeZone})`] : []),
        ...(definition.webhook ? [`webhook /sync/${encodeURIComponent(job.name)}/webhook`] : []),
        ...(definition.event ? [`event ${definition.event.source}: ${definition.event.subject}`] : []),
        'on demand',
      ];
    },
    lastRun: async (job, _args, { sync }) => (await guard(() => syncOf(sync).store.runs({ job: job.name, limit: 1 })))[0] ?? null,
    cursor: (job, _args, { sync }) => guard(() => syncOf(sync).store.cursor(job.name)),
    versions: (job, _args, { sync }) => guard(() => syncOf(sync).store.versions(job.name)),
    runs: (job, { limit }, { sync }) => guard(() => syncOf(sync).store.runs({ job: job.name, limit: limit ?? 10 })),
    failedRecords: async (job, { limit }, { sync }) => (await guard(() => syncOf(sync).store.failedRecords(job.name))).slice(0, limit ?? 100),
  },

  SyncRun: {
    state: (run) => run.state.toUpperCase() as 'QUEUED' | 'RUNNING' | 'PAUSED' | 'SUCCEEDED' | 'FAILED',
    given: async (run, _args, { sync }) => (await guard(() => syncOf(sync).store.givenSize(run.id))) ?? null,
    failedRecords: async (run, { limit }, { sync }) => (await guard(() => syncOf(sync).store.failedRecords(run.job, run.id))).slice(0, limit ?? 100),
  },

  Plan: {
    composite: (plan) => plan.name,
    format: (plan) => plan.format.toUpperCase() as 'TEXT' | 'JSON' | 'MERMAID' | 'DOT',
  },

  AuditEntry: {
    outcome: (entry) => entry.outcome.toUpperCase() as 'OK' | 'REJECTED' | 'DENIED',
    detail: (entry) => entry.detail,
  },

  UploadItem: {
    action: (item) => item.action.toUpperCase() as 'ADDED' | 'UPDATED' | 'PUBLISHED' | 'UNCHANGED' | 'KEPT',
  },
};

/** Runs a registry change, then makes this gateway serve it before answering. */
async function change<T>(context: AdminContext, run: () => Promise<{ record: T; changed: boolean }>, whole: true): Promise<{ record: T; changed: boolean }>;
async function change<T>(context: AdminContext, run: () => Promise<{ record: T; changed: boolean }>): Promise<T>;
async function change<T>(context: AdminContext, run: () => Promise<{ record: T; changed: boolean }>, whole?: true) {
  const result = await guard(run);
  if (result.changed) await context.changed();
  return whole ? result : result.record;
}

/** Registry errors as GraphQL errors a client can act on; anything else stays an internal error. */
async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGraphQLError(error);
  }
}

/** A single change made through the admin API, by the request's token. */
function byAdmin(context: AdminContext): ChangeAuthor {
  return { actor: context.actor, via: 'admin' };
}

function toGraphQLError(error: unknown): unknown {
  if (error instanceof RegistryError) {
    return new GraphQLError(error.message, { extensions: { code: error.code, ...(error.details.length ? { details: error.details } : {}) } });
  }
  // A store failure (RegistryUnavailableError) and anything unexpected are answered and
  // logged, with the request id, by the admin app's error plugin.
  return error;
}

/** This gateway's sync jobs, or a clear refusal when it runs none. */
function syncOf(sync: SyncService | undefined): SyncService {
  if (!sync) throw new RegistryError('BAD_INPUT', 'this gateway runs no sync jobs (it was started without them)');
  return sync;
}

/** A stored document read again; undefined if it no longer reads (it did when it was saved). */
function definitionOf(document: string, name: string) {
  try {
    return readSyncDefinition(document, syncPath(name));
  } catch {
    return undefined;
  }
}

function operationMatch(candidate: Candidate) {
  return { ...candidate, words: [...candidate.words], fields: [...candidate.fields] };
}

/** A request that cannot be drafted: its first problem's code, one detail per problem (`file:line:column: message`). */
function draftRefused(error: unknown): unknown {
  const errors = error instanceof SchemaErrors ? error.errors : error instanceof SchemaError ? [error] : undefined;
  if (!errors) return error;
  const details = errors.map((e) => e.format());
  const code = (errors[0] as { code?: string }).code ?? 'BAD_REQUEST';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return new GraphQLError(`the request cannot be drafted: ${details[0]}${more}`, { extensions: { code, details } });
}

function attachments(list: readonly AttachmentInput[] | null | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((a) => [a.path, a.text]));
}
