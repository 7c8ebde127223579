import { parse as parseJsonTolerantly, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { SchemaError } from './schema-error.js';

/**
 * JSON text parsed, or a SchemaError saying what is wrong and where (`name:line:column`).
 * JSON.parse says what is wrong but not always where; a tolerant parser finds the place.
 */
export function parseJsonText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw jsonSyntaxError(text, name, error as Error);
  }
}

function jsonSyntaxError(text: string, name: string, error: Error): SchemaError {
  const problems: ParseError[] = [];
  parseJsonTolerantly(text, problems, { allowTrailingComma: false, disallowComments: true });
  const first = problems[0];
  const offset = first?.offset ?? Number(/at position (\d+)/.exec(error.message)?.[1] ?? text.length);
  const found = text.slice(offset, offset + 20).split('\n')[0];
  const what = first ? (JSON_PROBLEMS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : error.message;
  return new SchemaError(`not valid JSON: ${what}, found ${found ? `'${found}'` : 'the end of the text'}`, {
    file: name,
    ...positionAt(lineStarts(text)(), offset),
  });
}

const JSON_PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'expected a JSON value',
  InvalidNumberFormat: 'expected a number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," before the next item',
  CloseBraceExpected: 'expected "," or "}"',
  CloseBracketExpected: 'expected "," or "]"',
  EndOfFileExpected: 'expected the end of the document after the top-level value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'expected the closing quote of a string',
  UnexpectedEndOfNumber: 'expected more digits',
  InvalidUnicode: 'expected four hex digits after \\u',
  InvalidEscapeCharacter: 'expected a valid escape after \\',
  InvalidCharacter: 'expected no control characters inside a string',
};

/** A function giving the offsets where lines start, computed once. */
export function lineStarts(text: string): () => number[] {
  let starts: number[] | undefined;
  return () => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    return starts;
  };
}

/** The 1-based line and column of a character offset. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low] + 1 };
}
