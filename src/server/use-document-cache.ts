import type { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import type { GatewayPlugin } from './gateway-plugin.js';

/** How much query text the cache keeps, in characters, and the longest text it keeps at all. */
export interface DocumentCacheLimits {
  readonly maxTotalChars: number;
  readonly maxDocumentChars: number;
}

export const DOCUMENT_CACHE_LIMITS: DocumentCacheLimits = { maxTotalChars: 2_000_000, maxDocumentChars: 64_000 };

/**
 * Parses and validates each document once, for both doors of /graphql. Parsed documents
 * (and syntax errors) are kept by their text, up to a total amount of text rather than a
 * count, so a stream of huge distinct queries cannot fill the memory; a document longer
 * than `maxDocumentChars` is parsed each time. Validation results are kept per schema and
 * document object, so a reload starts afresh and nothing outlives its schema. The
 * validation rules are fixed per pipeline, so they need no part in the key.
 */
export function useDocumentCache(limits: DocumentCacheLimits = DOCUMENT_CACHE_LIMITS): GatewayPlugin {
  const parsed = new Map<string, DocumentNode | Error>();
  let totalChars = 0;
  const validated = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly GraphQLError[]>>();

  const remember = (text: string, result: DocumentNode | Error) => {
    // A crash is not an answer to keep: only documents and syntax errors are.
    if (text.length > limits.maxDocumentChars || parsed.has(text)) return;
    if (result instanceof Error && result.name !== 'GraphQLError') return;
    // Oldest first: a Map iterates in insertion order.
    for (const oldest of parsed.keys()) {
      if (totalChars + text.length <= limits.maxTotalChars) break;
      parsed.delete(oldest);
      totalChars -= oldest.length;
    }
    parsed.set(text, result);
    totalChars += text.length;
  };

  return {
    name: 'document-cache',
    onParse({ params, setParsedDocument }) {
      const text = typeof params.source === 'string' ? params.source : params.source.body;
      const known = parsed.get(text);
      if (known) {
        // A syntax error is a result too: envelop throws it after the other plugins saw it.
        setParsedDocument(known as DocumentNode);
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
