import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { usePersistedOperations as persistedOperationsPlugin } from '@graphql-yoga/plugin-persisted-operations';
import type { GatewayPlugin } from './gateway-plugin.js';

/**
 * Persisted-operations mode, for production: the gateway serves only the operations of
 * a manifest, named by id. A client sends `{"extensions": {"persistedQuery": {"version":
 * 1, "sha256Hash": "<id>"}}}` or `{"documentId": "<id>"}` with its variables; a request
 * that carries a document of its own is refused (PERSISTED_QUERY_ONLY), as is an id the
 * manifest does not have (PERSISTED_QUERY_NOT_FOUND). The manifest is read once at
 * start-up. Composites published in the registry are persisted too: their REST
 * endpoints under /api are not affected by this mode.
 */
export function usePersistedOperations(manifest: ReadonlyMap<string, string>): GatewayPlugin {
  const plugin = persistedOperationsPlugin({
    getPersistedOperation: (id: string) => manifest.get(id) ?? null,
    extractPersistedOperationId: (params) => {
      const fromExtensions = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
      if (typeof fromExtensions === 'string') return fromExtensions;
      const documentId = (params as { documentId?: unknown }).documentId;
      return typeof documentId === 'string' ? documentId : null;
    },
    customErrors: {
      persistedQueryOnly: {
        message: 'This gateway serves persisted operations only: send the id of a registered operation (extensions.persistedQuery.sha256Hash or documentId), not a document',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      notFound: {
        message: 'No persisted operation has this id; register it in the manifest the gateway was started with',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Expected the id of a persisted operation in extensions.persistedQuery.sha256Hash or documentId; found neither',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
    },
  });
  return { ...(plugin as object), name: 'persisted-operations' } as GatewayPlugin;
}

/**
 * Reads a manifest: a JSON object of id → document (as Apollo's and Relay's tools write
 * them), or a JSON array of documents, each then named by the SHA-256 of its text.
 */
export function readPersistedOperations(file: string): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`the persisted operations file ${file} cannot be read as JSON: ${(error as Error).message}`);
  }
  const manifest = new Map<string, string>();
  if (Array.isArray(parsed)) {
    for (const [index, document] of parsed.entries()) {
      if (typeof document !== 'string') throw new Error(`${file}: entry ${index} is ${typeof document}, expected a GraphQL document as a string`);
      manifest.set(createHash('sha256').update(document).digest('hex'), document);
    }
  } else if (parsed && typeof parsed === 'object') {
    for (const [id, document] of Object.entries(parsed)) {
      if (typeof document !== 'string') throw new Error(`${file}: "${id}" is ${typeof document}, expected a GraphQL document as a string`);
      manifest.set(id, document);
    }
  } else {
    throw new Error(`${file}: expected a JSON object of id → document, or an array of documents`);
  }
  if (manifest.size === 0) throw new Error(`${file} holds no operations; persisted-operations mode would refuse every request`);
  return manifest;
}
