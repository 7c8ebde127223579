import { GraphQLError, TokenKind, type DocumentNode, type ParseOptions, type Source } from 'graphql';
import { Parser } from 'graphql/language/parser.js';

/** How much of a document the parser reads before it refuses it. */
export interface ParserLimits {
  /** Lexical tokens in the whole document. */
  readonly maxTokens: number;
  /** Brackets, braces and parentheses open at once: nested selections, lists, objects. */
  readonly maxNesting: number;
}

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * graphql-js's parser, counting as it reads. graphql-js parses by recursive descent, so
 * a list literal nested a few thousand levels deep overflows the stack before any
 * validation rule sees the document; here the nesting is counted token by token and the
 * document refused at the first bracket too many, long before that. Tokens are counted
 * the same way, so a huge document is never built.
 */
class LimitedParser extends Parser {
  #depth = 0;
  readonly #limits: ParserLimits;

  constructor(source: string | Source, options: ParseOptions | undefined, limits: ParserLimits) {
    super(source, { ...options, maxTokens: undefined });
    this.#limits = limits;
  }

  override advanceLexer(): void {
    super.advanceLexer();
    const token = this._lexer.token;
    if (OPENING.has(token.kind)) {
      if (++this.#depth > this.#limits.maxNesting) {
        throw limitError(
          `The document nests selections or values more than ${this.#limits.maxNesting} levels deep ` +
            `(line ${token.line}, column ${token.column}), the limit of this gateway (raise it with SKEIN_MAX_NESTING)`,
          'QUERY_TOO_NESTED',
        );
      }
    } else if (CLOSING.has(token.kind)) {
      this.#depth--;
    }
    if (this.tokenCount > this.#limits.maxTokens) {
      throw limitError(`The document has more than ${this.#limits.maxTokens} tokens, the limit of this gateway (raise it with SKEIN_MAX_TOKENS)`, 'TOO_MANY_TOKENS');
    }
  }
}

/** Parses a client's document within the limits; a document past one is refused with a 400 and its code. */
export function parseWithLimits(source: string | Source, options: ParseOptions | undefined, limits: ParserLimits): DocumentNode {
  return new LimitedParser(source, options, limits).parseDocument();
}

function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: 400 } } });
}
