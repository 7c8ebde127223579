import { validate } from '@readme/openapi-parser';
import { findNodeAtOffset, getNodePath, parseTree } from 'jsonc-parser';
import { SchemaError, SchemaErrors, type SchemaLocation } from '../../../errors/schema-error.js';
import type { SpecVersion } from './api-description.js';
import type { LoadedDocument } from './load-document.js';

/**
 * Checks a document against the Swagger 2.0 / OpenAPI 3.x schema with the OpenAPI
 * library, and turns its findings into located SchemaErrors. The library shows each
 * problem in a code frame of the document re-printed as JSON; the frame's line is
 * mapped back to a JSON pointer, and the pointer to the line in the file as written.
 */
export async function validateDocument(document: LoadedDocument, value: Record<string, unknown>, version: SpecVersion): Promise<void> {
  // The library dereferences what it validates in place; give it a copy.
  const result = await validate(structuredClone(value) as never);
  if (result.valid) return;
  let reprinted: string | undefined;
  const errors = result.errors.map((error) => {
    const { message, frameLine, frameColumn } = readFrame(error.message);
    let location: SchemaLocation | undefined;
    if (frameLine !== undefined) {
      reprinted ??= JSON.stringify(value, null, 2);
      location = locateInReprint(document, reprinted, frameLine, frameColumn);
    }
    return new SchemaError(
      `not a valid ${version === '2.0' ? 'Swagger 2.0' : `OpenAPI ${version}`} document: ${message} (import it anyway with --no-validate)`,
      location ?? { file: document.name, line: 1, column: 1 },
    );
  });
  if (result.additionalErrors > 0) errors.push(new SchemaError(`… and ${result.additionalErrors} more problems in ${document.name}`));
  throw errors.length === 1 ? errors[0] : new SchemaErrors(errors);
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

function locateInReprint(document: LoadedDocument, reprinted: string, line: number, column: number): SchemaLocation | undefined {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    offset = reprinted.indexOf('\n', offset) + 1;
    if (offset === 0) return undefined;
  }
  const tree = parseTree(reprinted);
  const node = tree && findNodeAtOffset(tree, offset + Math.max(0, column - 1), true);
  if (!node) return undefined;
  return document.locate(getNodePath(node).map(String));
}
