import { validate } from '@readme/openapi-parser';
import { findNodeAtOffset, getNodePath, parseTree } from 'jsonc-parser';
import { SchemaError, SchemaErrors, type SchemaLocation } from '../../../errors/schema-error.js';
import { PARAMETER_PLACES, type SpecVersion } from './api-description.js';
import type { ImportWarning } from './import-warnings.js';
import { asObject } from './json-values.js';
import { segmentsOf } from './json-pointer.js';
import { follow } from './references.js';
import type { LoadedDocument } from './load-document.js';

/** A problem the OpenAPI library found, placed in the file as written. */
interface Problem {
  readonly message: string;
  readonly location: SchemaLocation;
  /** The JSON path of what is wrong, when known: it decides what the import does about it. */
  readonly path: readonly string[] | undefined;
}

// Rules the library can report as warnings rather than errors: a lenient import wants
// all of them, so that its schema check runs too and every problem is seen in one pass.
const ALL_AS_WARNINGS = Object.fromEntries(
  [
    'array-without-items',
    'duplicate-non-request-body-parameters',
    'duplicate-operation-id',
    'invalid-security-scheme-properties',
    'non-optional-path-parameters',
    'path-parameters-not-in-parameters',
    'path-parameters-not-in-path',
    'unknown-required-schema-property',
  ].map((rule) => [rule, 'warning' as const]),
);

/**
 * Checks a document against the Swagger 2.0 / OpenAPI 3.x schema with the OpenAPI
 * library and places each finding in the file as written. Strict: the findings are
 * thrown as SchemaErrors, and nothing is imported. Lenient (the default): they are
 * returned as warnings, each saying what the import makes of the part concerned.
 */
export async function validateDocument(
  document: LoadedDocument,
  value: Record<string, unknown>,
  version: SpecVersion,
  strict: boolean,
): Promise<ImportWarning[]> {
  // The library dereferences what it validates in place, and prints its code frames from
  // that dereferenced copy: keep it, to read the frames' lines back.
  const dereferenced = structuredClone(value);
  const result = await validate(
    dereferenced as never,
    strict ? undefined : { validate: { rules: { openapi: ALL_AS_WARNINGS, swagger: ALL_AS_WARNINGS } } },
  );
  const kind = version === '2.0' ? 'Swagger 2.0' : `OpenAPI ${version}`;
  const placer = new ProblemPlacer(document, value, dereferenced);
  const found = distinct([...(result.valid ? [] : result.errors), ...result.warnings].map((problem) => placer.place(problem.message)));
  const more = result.valid ? 0 : result.additionalErrors;
  if (strict) {
    if (found.length === 0) return [];
    const errors = found.map(
      (problem) => new SchemaError(`not a valid ${kind} document: ${problem.message} (without --strict it imports with a warning)`, problem.location),
    );
    if (more > 0) errors.push(new SchemaError(`… and ${more} more problems in ${document.name}`));
    throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);
  }
  const warnings = found
    // The description reader repairs an undeclared path parameter itself, and says so where it does.
    .filter((problem) => !MISSING_PATH_PARAMETERS.test(problem.message))
    .map((problem) => ({
      location: problem.location,
      message: `not valid ${kind}: ${problem.message.replace(/\.$/, '')}; ${consequence(problem, value)}`,
    }));
  if (more > 0) warnings.push({ location: { file: document.name, line: 1, column: 1 }, message: `… and ${more} more problems of the same kinds` });
  return warnings;
}

/** A schema used in several places is printed, and reported, once per place; it is written once. */
function distinct(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.location.line}:${problem.location.column}:${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const MISSING_PATH_PARAMETERS = /is missing path parameter\(s\) for/;

/** What the import does with the part a problem is about, in words for the warning. */
function consequence(problem: Problem, value: Record<string, unknown>): string {
  const { message, path } = problem;
  const duplicated = /operationId `([^`]*)` is duplicated/.exec(message);
  if (duplicated) return `the second field's name gets a number (${duplicated[1]}2, sanitised)`;
  if (/Path parameters (cannot|should not) be optional/.test(message)) return 'imported as a required argument';
  if (/has a path parameter named .* no corresponding/.test(message)) return 'the argument is imported but not sent';
  if (/`paths` object must begin with a leading slash/.test(message)) return 'it is not read as a path: its operations, if any, are left out';
  if (/is an array, so it (must|should) include an `items` schema/.test(message)) return 'imported as a list of JSON values';
  if (path && path.at(-1) === 'type' && isSchemaType(resolve(value, path))) return 'this schema is imported as JSON (untyped)';
  if (path && isUnreadableParameter(value, path)) return 'the parameter is left out';
  return 'imported as written: check the generated SDL there';
}

/** Within a parameter without a name or a known place, which the description reader leaves out. */
function isUnreadableParameter(value: Record<string, unknown>, path: readonly string[]): boolean {
  const at = path.lastIndexOf('parameters');
  if (at === -1 || at + 1 >= path.length) return false;
  const parameter = asObject(resolve(value, path.slice(0, at + 2)));
  if (parameter.$ref !== undefined) return false;
  return typeof parameter.name !== 'string' || parameter.name === '' || !PARAMETER_PLACES.has(String(parameter.in));
}

function isSchemaType(type: unknown): boolean {
  return typeof type === 'string' || Array.isArray(type);
}

function resolve(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const segment of path) node = Array.isArray(node) ? node[Number(segment)] : asObject(node)[segment];
  return node;
}

/**
 * Places the library's messages in the file as written. Schema findings come with a code
 * frame of the dereferenced copy; spec findings name an id (`/paths/pets/{id}/get`). Either
 * gives a path through the dereferenced copy, which is walked through the document as
 * written, following each `$ref` to where its target is written.
 */
class ProblemPlacer {
  #reprinted: string | undefined;

  constructor(
    private readonly document: LoadedDocument,
    private readonly value: Record<string, unknown>,
    private readonly dereferenced: Record<string, unknown>,
  ) {}

  place(text: string): Problem {
    const { message, frameLine, frameColumn } = readFrame(text);
    let path: string[] | undefined;
    if (frameLine !== undefined) {
      this.#reprinted ??= JSON.stringify(this.dereferenced, null, 2);
      const printed = pathInReprint(this.#reprinted, frameLine, frameColumn);
      path = printed && writtenPath(this.value, printed.map((segment) => (node) => exactKey(segment, node)));
    } else {
      path = pathOfSpecMessage(this.value, message);
    }
    const location = (path && this.document.locate(path)) ?? { file: this.document.name, line: 1, column: 1 };
    return { message, location, path };
  }
}

/** How one step chooses its key in a node as written: the segment, and how much of an id it used. */
type Step = (node: unknown) => { segment: string; length: number } | undefined;

function exactKey(segment: string, node: unknown): { segment: string; length: number } | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  return Object.hasOwn(node, segment) ? { segment, length: 0 } : undefined;
}

/** Walks steps through the document as written, following `$ref`s; as far as it goes. */
function writtenPath(value: Record<string, unknown>, steps: readonly Step[]): string[] {
  let path: string[] = [];
  let node: unknown = value;
  for (const step of steps) {
    const followed = follow(value, node);
    if (followed.wrappers.length > 0) {
      const target = segmentsOf(String(followed.wrappers.at(-1)!.$ref));
      if (!target) break;
      path = [...target];
      node = followed.value;
    }
    const key = step(node);
    if (!key) break;
    path.push(key.segment);
    node = Array.isArray(node) ? node[Number(key.segment)] : (node as Record<string, unknown>)[key.segment];
  }
  return path;
}

/**
 * `ENUM must be equal to one of the allowed values\n(a, b)\n\n  15 | …\n> 16 | "type": "strin"\n | ^^^ Did you mean string here?`
 * → the message, the hint under the caret, and the framed line and column.
 */
function readFrame(text: string): { message: string; frameLine?: number; frameColumn: number } {
  const lines = text.split('\n');
  const blank = lines.indexOf('');
  const head = (blank === -1 ? lines : lines.slice(0, blank)).join(' ').replace(/^[A-Z]+ (?=[a-z])/, '');
  const pointed = lines.findIndex((line) => /^> +\d+ \|/.test(line));
  if (pointed === -1) return { message: head, frameColumn: 1 };
  const frameLine = Number(/^> +(\d+) \|/.exec(lines[pointed])![1]);
  const gutter = lines[pointed].indexOf('|') + 2;
  const marker = lines[pointed + 1] ?? '';
  const caret = marker.indexOf('^');
  const hint = caret === -1 ? '' : marker.slice(caret).replace(/^\^+\s*/, '').trim();
  return {
    message: hint ? `${head} (${hint})` : head,
    frameLine,
    frameColumn: caret === -1 ? 1 : caret - gutter + 1,
  };
}

function pathInReprint(reprinted: string, line: number, column: number): string[] | undefined {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    offset = reprinted.indexOf('\n', offset) + 1;
    if (offset === 0) return undefined;
  }
  const tree = parseTree(reprinted);
  const node = tree && findNodeAtOffset(tree, offset + Math.max(0, column - 1), true);
  return node ? getNodePath(node).map(String) : undefined;
}

/**
 * The library's own checks name what they are about by an id written without escaping,
 * `/paths/pets/{id}/get/parameters/id` (the path key `/pets/{id}`, a parameter by its
 * name), or by an operationId. The id is walked through the document, longest key first,
 * as far as it goes; a duplicated operationId is placed at its second use.
 */
function pathOfSpecMessage(value: Record<string, unknown>, message: string): string[] | undefined {
  const duplicated = /operationId `([^`]*)` is duplicated/.exec(message);
  if (duplicated) return secondOperationWithId(value, duplicated[1]);
  if (/`paths` object must begin with a leading slash/.test(message)) {
    const key = Object.keys(asObject(value.paths)).find((path) => !path.startsWith('/'));
    return key === undefined ? ['paths'] : ['paths', key];
  }
  // The dereferencer names where it stopped by an escaped JSON pointer: `… of /paths/~1pets/get/…`.
  const pointer = /\bof (\/(?:paths|components|definitions)\/\S*)/.exec(message)?.[1];
  if (pointer) {
    // It is about the `$ref` written there, so the walk does not follow it.
    const path: string[] = [];
    let node: unknown = value;
    for (const segment of pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
      if (!exactKey(segment, node)) break;
      path.push(segment);
      node = (node as Record<string, unknown>)[segment];
    }
    return path;
  }
  const id = /`(\/(?:paths|components|definitions)\/[^`]*)`/.exec(message)?.[1];
  if (!id) return undefined;
  // Each step eats the part of the id its key accounts for.
  let rest = id;
  const eat: Step = (node) => {
    if (rest === '' || node === null || typeof node !== 'object') return undefined;
    const key = Array.isArray(node) ? parameterIndex(value, node, rest) : longestKey(node as Record<string, unknown>, rest);
    if (key) rest = rest.slice(key.length);
    return key;
  };
  return writtenPath(value, Array.from({ length: id.split('/').length }, () => eat));
}

/** The key of `node` that `rest` starts with (`/key…`, or `/pets/{id}…` for a path key), longest first. */
function longestKey(node: Record<string, unknown>, rest: string): { segment: string; length: number } | undefined {
  let best: { segment: string; length: number } | undefined;
  for (const key of Object.keys(node)) {
    const written = key.startsWith('/') ? key : `/${key}`;
    const fits = rest.startsWith(written) && (rest.length === written.length || rest[written.length] === '/');
    if (fits && (!best || written.length > best.length)) best = { segment: key, length: written.length };
  }
  return best;
}

/** Parameters are named by their `name` in the library's ids. */
function parameterIndex(value: unknown, list: unknown[], rest: string): { segment: string; length: number } | undefined {
  const names = list.map((item) => `/${String(asObject(follow(value, item).value).name)}`);
  const index = names.findIndex((name) => rest.startsWith(name) && (rest.length === name.length || rest[name.length] === '/'));
  return index === -1 ? undefined : { segment: String(index), length: names[index].length };
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function secondOperationWithId(value: Record<string, unknown>, operationId: string): string[] | undefined {
  let seen = 0;
  for (const [path, item] of Object.entries(asObject(value.paths))) {
    for (const method of METHODS) {
      if (asObject(asObject(item)[method]).operationId !== operationId) continue;
      seen++;
      if (seen === 2) return ['paths', path, method, 'operationId'];
    }
  }
  return undefined;
}
