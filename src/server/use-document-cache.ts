import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { GatewayPlugin } from './gateway-plugin.js';

/** How much memory the cache may hold in all, and the most one document may take to be kept at all, in estimated bytes. */
export interface DocumentCacheLimits {
  readonly maxTotalBytes: number;
  readonly maxDocumentBytes: number;
}

export const DOCUMENT_CACHE_LIMITS: DocumentCacheLimits = { maxTotalBytes: 32 * 1024 * 1024, maxDocumentBytes: 2 * 1024 * 1024 };

/**
 * What graphql-js's parsed document weighs per character of its text: measured at about
 * 100 bytes (every node keeps its location, every token is an object) for an ordinary
 * query with Node 20. The estimate need not be exact, only proportional.
 */
const AST_BYTES_PER_CHAR = 100;

/** Estimated bytes of a kept document: its text (two bytes a character once one is past Latin-1, as V8 stores it) and its AST. */
export function documentBytes(text: string): number {
  return text.length * ((/[^\u0000-\u00ff]/.test(text) ? 2 : 1) + AST_BYTES_PER_CHAR);
}

/**
 * Parses and validates each document once, for both doors of /graphql. Parsed documents
 * (and syntax errors) are kept by their text, up to a total of estimated bytes (text and
 * AST) rather than a count, so a stream of huge or non-Latin-1 distinct queries cannot
 * fill the memory; a document over `maxDocumentBytes` is parsed each time. The key is
 * the text itself, not a hash of it: the AST holds the text anyway (its locations point
 * into it), so a hash would save no memory and cost a digest per request. Validation results are kept per schema and
 * document object, so a reload starts afresh and nothing outlives its schema. The
 * validation rules are fixed per pipeline, so they need no part in the key.
 */
export function useDocumentCache(limits: DocumentCacheLimits = DOCUMENT_CACHE_LIMITS): GatewayPlugin {
  const parsed = new Map<string, { readonly result: DocumentNode | Error; readonly bytes: number }>();
  let totalBytes = 0;
  const validated = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();

  const remember = (text: string, result: DocumentNode | Error) => {
    // A crash is not an answer to keep: only documents and syntax errors are.
    if (parsed.has(text) || (result instanceof Error && result.name !== 'GraphQLError')) return;
    const bytes = documentBytes(text);
    if (bytes > limits.maxDocumentBytes) return;
    // Oldest first: a Map iterates in insertion order.
    for (const [oldest, entry] of parsed) {
      if (totalBytes + bytes <= limits.maxTotalBytes) break;
      parsed.delete(oldest);
      totalBytes -= entry.bytes;
    }
    parsed.set(text, { result, bytes });
    totalBytes += bytes;
  };

  return {
    name: 'document-cache',
    onParse({ params, setParsedDocument }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      const known = parsed.get(text);
      if (known) {
        // A syntax error is a result too: envelop throws it after the other plugins saw it.
        setParsedDocument(known.result as DocumentNode);
        return;
      }
      return ({ result }) => {
        if (result) remember(text, result as DocumentNode | Error);
      };
    },
    onValidate({ params: { schema, documentAST }, setResult }) {
      let bySchema = validated.get(schema);
      if (!bySchema) validated.set(schema, (bySchema = new WeakMap()));
      const known = bySchema.get(documentAST);
      if (known) {
        setResult(known as GraphQLError[]);
        return;
      }
      return ({ result }) => void bySchema.set(documentAST, result as readonly GraphQLError[]);
    },
  };
}
