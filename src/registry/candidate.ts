import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildGraph, type Graph, type GraphOptions } from '../graph/index.js';
import type { SchemaFile, SchemaInput } from '../schema/index.js';
import { compositePath, sourcePath } from './documents.js';

/** A set of sources and composites that could be served: the registry's, or one with a change applied. */
export interface Candidate {
  readonly sources: readonly CandidateSource[];
  readonly composites: readonly CandidateComposite[];
}

export interface CandidateSource {
  readonly name: string;
  readonly sdl: string;
  readonly attachments: Readonly<Record<string, string>>;
}

export interface CandidateComposite {
  readonly name: string;
  readonly document: string;
  /** The protocol recorded with the version, if any (else the majority of its steps'). */
  readonly protocol?: 'REST' | 'SOAP';
  /** In the schema, answering COMPOSITE_PAUSED. */
  readonly paused: boolean;
}

/** Builds the graph of a candidate: what a gateway serves, and how every change is checked first. */
export interface GraphFactory {
  build(candidate: Candidate): Promise<Graph>;
  /** What it was made with, so the thread that checks changes can make the same one. */
  readonly options: GraphFactoryOptions;
}

export interface GraphFactoryOptions extends Omit<GraphOptions, 'pausedComposites'> {
  /** Where attachments (WSDL files) are written so relative paths in source SDL resolve. */
  readonly attachmentsDir?: string;
}

export function graphFactory(options: GraphFactoryOptions = {}): GraphFactory {
  const { attachmentsDir = path.join(tmpdir(), 'skein-attachments'), ...graphOptions } = options;
  return {
    options,
    async build(candidate) {
      const paused = new Set(candidate.composites.filter((c) => c.paused).map((c) => c.name));
      return buildGraph(candidateInput(candidate, attachmentsDir), { ...graphOptions, pausedComposites: paused });
    },
  };
}

/** How many `..` a relative path starts with, once normalized. */
function leadingParents(relative: string): number {
  const parts = path.posix.normalize(relative.replaceAll('\\', '/')).split('/');
  let count = 0;
  while (parts[count] === '..') count++;
  return count;
}

/**
 * The candidate as the schema builders read it. A source with attachments is written to
 * a folder of its own (named by its content, so every gateway writes the same thing
 * once) and its SDL is read from there, so `wsdl: "rooms.wsdl"` resolves beside it.
 */
function candidateInput(candidate: Candidate, attachmentsDir: string): SchemaInput {
  const sources: SchemaFile[] = candidate.sources.map((source) => {
    const files = Object.entries(source.attachments);
    // Nothing was uploaded with it: it reads documents from http(s) URLs only.
    if (files.length === 0) return { path: sourcePath(source.name), text: source.sdl, documents: 'urls' };
    const hash = createHash('sha256').update(source.sdl).update(JSON.stringify(files)).digest('hex').slice(0, 16);
    const folder = path.join(attachmentsDir, `${source.name}-${hash}`);
    // The SDL sits as deep in the folder as its attachments' paths climb (`../../wsdl/x.wsdl`),
    // so each relative path resolves to a file inside the folder.
    const climb = Math.max(0, ...files.map(([relative]) => leadingParents(relative)));
    const sdlFolder = path.join(folder, ...Array.from({ length: climb }, (_, i) => `_${i}`));
    for (const [relative, text] of files) {
      const target = path.resolve(sdlFolder, relative);
      if (path.isAbsolute(relative) || !target.startsWith(folder + path.sep)) {
        throw new Error(`attachment path "${relative}" of source ${source.name} must be a relative path`);
      }
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    mkdirSync(sdlFolder, { recursive: true });
    const file = path.join(sdlFolder, `${source.name}.graphql`);
    writeFileSync(file, source.sdl);
    // Its documents are what was uploaded with it, in its own folder (or http(s) URLs), nothing else on this machine.
    return { path: file, text: source.sdl, documents: { folder } };
  });
  const composites = candidate.composites.map((c) => ({ path: compositePath(c.name), text: c.document, ...(c.protocol ? { protocol: c.protocol } : {}) }));
  return { sources, composites };
}
