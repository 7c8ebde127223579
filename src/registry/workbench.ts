import { createHash } from 'node:crypto';
import { explainPlan, flowOf, planToJSON, type CompositePlan, type PlanFormat } from '../composite/index.js';
import type { FlowInput } from '../drawing/index.js';
import type { Graph } from '../graph/index.js';
import type { GraphFactory } from './candidate.js';
import { sourcesOfComposite } from './composite-sources.js';
import { readCompositeHeader } from './documents.js';
import { RegistryError } from './errors.js';
import type { CompositeExport, ExportFormat } from './export/composite-export.js';
import { exportFromJSON, exportToJSON } from './export/export-json.js';
import { exportFromXML, exportToXML } from './export/export-xml.js';
import type { CompositeRecord } from './records.js';
import type { ChangeAuthor, Registry } from './registry.js';
import { candidateOf, type ServedGraph } from './served-graph.js';

export interface ExplainedPlan {
  readonly name: string;
  readonly version: number;
  readonly format: PlanFormat;
  /** The plan in `format`; a PNG is base64-encoded. */
  readonly text: string;
  readonly json: ReturnType<typeof planToJSON>;
  /** What the drawing shows, for a page that lays it out itself (src/drawing). */
  readonly flow: FlowInput;
}

export interface ImportResult {
  readonly composite: CompositeRecord;
  /** Sources that exist here but with another SDL than the exporter had (the build checked they fit). */
  readonly warnings: readonly string[];
}

/**
 * What the admin API does with one composite beyond its lifecycle: plan any version
 * (a draft is planned in a graph built with it included, never served), list the
 * sources it calls, export it, import an export.
 */
export class Workbench {
  constructor(
    readonly registry: Registry,
    private readonly graphs: GraphFactory,
    private readonly served: ServedGraph,
  ) {}

  /** Runs `use` with a graph holding the composite at `version` (the newest by default). */
  async withComposite<T>(name: string, version: number | undefined, use: (graph: Graph, plan: CompositePlan, version: number) => T | Promise<T>): Promise<T> {
    const record = await this.registry.composite(name);
    if (!record) throw new RegistryError('NOT_FOUND', `no composite named "${name}" is registered`);
    const chosen = version ?? record.version;
    const lease = this.served.acquire();
    try {
      const livePlan = lease.graph.plans.get(name);
      if (livePlan && record.liveVersion === chosen && this.served.revision >= 0) return await use(lease.graph, livePlan, chosen);
    } finally {
      lease.release();
    }
    const { document, protocol } = await this.registry.compositeVersion(name, chosen);
    const snapshot = await this.registry.snapshot();
    const candidate = candidateOf(snapshot);
    let graph: Graph;
    try {
      graph = await this.graphs.build({
        sources: candidate.sources,
        composites: [...candidate.composites.filter((c) => c.name !== name), { name, document, protocol: protocol ?? undefined, paused: false }],
      });
    } catch (error) {
      throw RegistryError.rejected(`planning composite "${name}" v${chosen}`, error);
    }
    try {
      return await use(graph, graph.plans.get(name)!, chosen);
    } finally {
      await graph.close();
    }
  }

  plan(name: string, version: number | undefined, format: PlanFormat): Promise<ExplainedPlan> {
    return this.withComposite(name, version, async (_graph, plan, chosen) => {
      const explained = await explainPlan(plan, format);
      return {
        name,
        version: chosen,
        format,
        text: typeof explained === 'string' ? explained : Buffer.from(explained).toString('base64'),
        json: planToJSON(plan),
        flow: flowOf(plan),
      };
    });
  }

  /** The sources a version calls; remembered per version and served revision (lists ask for every composite). */
  async sourcesOf(name: string, version?: number): Promise<string[]> {
    const record = version === undefined ? await this.registry.composite(name) : undefined;
    const key = `${name}@${version ?? record?.version}#${this.served.revision}`;
    let found = this.#sources.get(key);
    if (!found) {
      found = this.withComposite(name, version, (graph) => sourcesOfComposite(graph, name));
      this.#sources.set(key, found);
      found.catch(() => this.#sources.delete(key));
      if (this.#sources.size > 500) this.#sources.delete(this.#sources.keys().next().value!);
    }
    return found;
  }

  readonly #sources = new Map<string, Promise<string[]>>();

  /**
   * The protocol of a version (the newest by default): the one recorded with it, else the
   * majority of its steps' sources, as the graph holding it says (Graph.protocols).
   */
  async protocolOf(name: string, version?: number): Promise<'REST' | 'SOAP'> {
    const record = await this.registry.composite(name);
    const chosen = version ?? record?.version;
    const recorded = chosen === record?.version ? record?.protocol : (await this.registry.compositeVersion(name, chosen!)).protocol;
    if (recorded) return recorded;
    const key = `${name}@${chosen}#${this.served.revision}`;
    let found = this.#protocols.get(key);
    if (!found) {
      found = this.withComposite(name, chosen, (graph) => graph.protocols.get(name) ?? 'REST');
      this.#protocols.set(key, found);
      found.catch(() => this.#protocols.delete(key));
      if (this.#protocols.size > 500) this.#protocols.delete(this.#protocols.keys().next().value!);
    }
    return found;
  }

  readonly #protocols = new Map<string, Promise<'REST' | 'SOAP'>>();

  async export(name: string, options: { version?: number; format: ExportFormat; exportedFrom?: string }): Promise<string> {
    const exported = await this.withComposite(name, options.version, async (graph, plan, chosen): Promise<CompositeExport> => {
      const record = (await this.registry.composite(name))!;
      const { document } = await this.registry.compositeVersion(name, chosen);
      const sources = await this.registry.sources();
      return {
        format: 1,
        name,
        operation: plan.operation,
        version: chosen,
        state: record.state,
        description: plan.description ?? null,
        protocol: graph.protocols.get(name),
        document,
        sources: sourcesOfComposite(graph, name).map((sourceName) => {
          const source = sources.find((s) => s.name === sourceName);
          return {
            name: sourceName,
            kind: source?.kind ?? graph.sources.get(sourceName)?.kind ?? 'REST',
            version: source?.version ?? 0,
            sha256: sha256(source?.sdl ?? ''),
          };
        }),
        exportedAt: new Date().toISOString(),
        exportedFrom: options.exportedFrom ?? null,
      };
    });
    return options.format === 'json' ? exportToJSON(exported) : exportToXML(exported);
  }

  /**
   * Imports an export (XML or JSON, told apart by its first character) as the
   * composite's next version: a draft, or published with `publish`. Refused, naming
   * them, when sources it refers to are missing here.
   */
  async import(actor: string, text: string, options: { publish?: boolean } = {}): Promise<ImportResult> {
    const by: ChangeAuthor = { actor, via: 'import' };
    let exported: CompositeExport;
    let warnings: string[];
    try {
      exported = text.trimStart().startsWith('<') ? exportFromXML(text) : exportFromJSON(text);
      const header = readCompositeHeader(exported.document, `the exported document of ${exported.name}`);
      if (header.name !== exported.name) {
        throw new RegistryError('BAD_INPUT', `the export is named "${exported.name}" but its document's operation is "${header.name}"`);
      }
      const here = new Map((await this.registry.sources()).map((s) => [s.name, s]));
      const missing = exported.sources.filter((s) => !here.has(s.name));
      if (missing.length > 0) {
        throw new RegistryError(
          'MISSING_SOURCES',
          `composite "${exported.name}" needs ${missing.length === 1 ? 'a source' : 'sources'} this registry does not have: ` +
            `${missing.map((s) => `${s.name} (${s.kind})`).join(', ')}; register ${missing.length === 1 ? 'it' : 'them'} first`,
          missing.map((s) => s.name),
        );
      }
      warnings = exported.sources
        .filter((s) => sha256(here.get(s.name)!.sdl) !== s.sha256)
        .map((s) => `source ${s.name} differs from the one it was exported with (v${s.version} there, v${here.get(s.name)!.version} here); the composite was checked against this one`);
    } catch (error) {
      if (error instanceof RegistryError) await this.registry.recordRejected(by, 'composite.import', null, error);
      throw error;
    }
    const from = exported.exportedFrom ? ` from ${exported.exportedFrom}` : '';
    // apply() checks the build and audits (and audits its own rejections).
    await this.registry.apply(by, {
      sources: [],
      composites: [{ document: exported.document, note: `imported${from} (v${exported.version})`, protocol: exported.protocol }],
      publish: options.publish,
    });
    return { composite: (await this.registry.composite(exported.name))!, warnings };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
