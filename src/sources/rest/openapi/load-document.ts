import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTree, type Node as JsonNode } from 'jsonc-parser';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document as YamlDocument, type Node as YamlNode } from 'yaml';
import { SchemaError, type SchemaLocation } from '../../../errors/schema-error.js';
import { lineStarts, parseJsonText, positionAt } from '../../../errors/json-text.js';

/**
 * An API description read from a file or an http(s) URL and parsed, JSON or YAML, with
 * a way back from any JSON pointer to its line and column, so every later message can
 * say where in the text the problem is.
 */
export interface LoadedDocument {
  /** The file path or URL as given; messages name it. */
  readonly name: string;
  /** Absolute path or URL: relative references and server URLs resolve against it. */
  readonly location: string;
  readonly isUrl: boolean;
  readonly format: 'json' | 'yaml';
  readonly text: string;
  /** The parsed document. */
  readonly value: Record<string, unknown>;
  /**
   * Where the value at `path` starts in the text. Computed on first use (a second
   * parse that keeps positions), because only error paths need it.
   */
  locate(path: readonly string[]): SchemaLocation | undefined;
}

export interface LoadOptions {
  /** Time allowed to download a URL, in milliseconds. */
  readonly timeoutMs?: number;
  /** The document's text when it is not to be read from `source` (an upload); `source` then only names it. */
  readonly text?: string;
}

/**
 * Reads and parses an API description. Throws a SchemaError naming the file and, for a
 * syntax error, its line and column.
 */
export async function loadDocument(source: string, options: LoadOptions = {}): Promise<LoadedDocument> {
  const isUrl = /^https?:\/\//i.test(source);
  const location = isUrl ? source : path.resolve(source);
  const raw = options.text ?? (isUrl ? await download(source, options.timeoutMs ?? 30_000) : await readText(source));
  const text = stripBom(raw);
  const pathname = isUrl ? new URL(location).pathname : location;
  const format = /\.ya?ml$/i.test(pathname) || !/^\s*[{[]/.test(text) ? 'yaml' : 'json';
  const parsed = format === 'json' ? parseJson(text, source) : parseYaml(text, source);
  if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new SchemaError(
      `${source} is not an API description: expected an object with "openapi" or "swagger", found ${describe(parsed.value)}`,
      { file: source, line: 1, column: 1 },
    );
  }
  return {
    name: source,
    location,
    isUrl,
    format,
    text,
    value: parsed.value as Record<string, unknown>,
    locate: parsed.locate,
  };
}

interface Parsed {
  readonly value: unknown;
  readonly locate: (path: readonly string[]) => SchemaLocation | undefined;
}

function parseJson(text: string, name: string): Parsed {
  const value = parseJsonText(text, name);
  let tree: JsonNode | undefined;
  const lines = lineStarts(text);
  return {
    value,
    locate(segments) {
      tree ??= parseTree(text);
      const node = tree && findJsonNode(tree, segments);
      return node ? { file: name, ...positionAt(lines(), node.offset) } : undefined;
    },
  };
}

function parseYaml(text: string, name: string): Parsed {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  const error = document.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new SchemaError(`not valid YAML: ${firstLine(error.message)}`, { file: name, line, column: col });
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 10_000 });
  } catch (problem) {
    throw new SchemaError(`not usable YAML: ${(problem as Error).message}`, { file: name, line: 1, column: 1 });
  }
  return {
    value,
    locate(segments) {
      const node = findYamlNode(document, segments);
      const offset = node?.range?.[0];
      if (offset === undefined) return undefined;
      const { line, col } = lineCounter.linePos(offset);
      return { file: name, line, column: col };
    },
  };
}

function findJsonNode(root: JsonNode, segments: readonly string[]): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  for (const segment of segments) {
    if (node?.type === 'object') {
      node = node.children?.find((property) => property.children?.[0]?.value === segment)?.children?.[1];
    } else if (node?.type === 'array') {
      node = node.children?.[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node;
}

function findYamlNode(document: YamlDocument, segments: readonly string[]): YamlNode | undefined {
  let node: unknown = document.contents;
  for (const segment of segments) {
    if (isMap(node)) {
      node = node.items.find((pair) => (isScalar(pair.key) ? String(pair.key.value) : pair.key) === segment)?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node as YamlNode | undefined;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new SchemaError(`cannot read ${file}: ${reason}`);
  }
}

async function download(url: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json, application/yaml;q=0.9, */*;q=0.5' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new SchemaError(`cannot download ${url}: ${cause}`);
  }
  if (!response.ok) throw new SchemaError(`cannot download ${url}: the server answered HTTP ${response.status}`);
  return response.text();
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty document';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
