import type { ApiDescription, Note, SecurityScheme } from './api-description.js';
import type { LoadedDocument } from './load-document.js';

/**
 * What the generated file says about its source: the base URL for `@source`, and the
 * comment at the top (where it came from, what was left out, how to authenticate).
 */

/** `--url`, else the document's server; a relative one resolves against the document's URL. */
export function sourceUrl(explicit: string | undefined, description: ApiDescription, document: LoadedDocument, notes: Note[]): string {
  const trim = (url: string) => url.replace(/\/+$/, '');
  if (explicit) return trim(explicit);
  const server = description.serverUrl;
  if (server && /^https?:\/\//i.test(server)) return trim(server);
  if (document.isUrl) return trim(new URL(server ?? '/', document.location).href);
  const fallback = trim(`http://localhost${server?.startsWith('/') ? server : `/${server ?? ''}`}`);
  notes.push({
    where: document.name,
    message: server
      ? `the server URL "${server}" is relative; the source uses ${fallback} (pass --url, or set SKEIN_SOURCE_<NAME>_URL)`
      : `the document names no server; the source uses ${fallback} (pass --url, or set SKEIN_SOURCE_<NAME>_URL)`,
  });
  return fallback;
}

const MAX_LISTED = 25;

/** The comment lines at the top of the file. No timestamps: the same document gives the same file. */
export function headerLines(documentName: string, description: ApiDescription, source: string): string[] {
  const spec = description.specVersion === '2.0' ? 'Swagger 2.0' : `OpenAPI ${description.specVersion}`;
  const title = [description.title, description.version].filter(Boolean).join(' ');
  const lines = [
    `Imported by \`skein import openapi\` from ${documentName}${title ? `: ${title}` : ''} (${spec}).`,
    'Edit freely; importing again overwrites this file.',
  ];
  if (description.skipped.length > 0) {
    lines.push('', 'Left out (@rest cannot call them as described):');
    for (const note of description.skipped.slice(0, MAX_LISTED)) lines.push(`  ${note.where}: ${note.message}`);
    if (description.skipped.length > MAX_LISTED) lines.push(`  … and ${description.skipped.length - MAX_LISTED} more`);
  }
  const auth = description.securitySchemes.map((scheme) => `  ${scheme.name}: ${credentialHint(scheme, source)}`);
  if (auth.length > 0) {
    lines.push('', 'Authentication the API declares (not applied: add what you use to @source above):', ...auth);
  }
  return lines;
}

/** What to write on `@source` to send a scheme's credentials; values come from the environment. */
function credentialHint(scheme: SecurityScheme, source: string): string {
  // Under SKEIN_SOURCE_, the prefix sources may read without SKEIN_ENV_ALLOW (env-access.ts).
  const variable = `SKEIN_SOURCE_${source.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${scheme.type === 'apiKey' ? 'API_KEY' : 'TOKEN'}`;
  if (scheme.type === 'apiKey' && scheme.in === 'header') {
    return `headers: [{ name: "${scheme.parameterName}", value: "{env.${variable}}" }]`;
  }
  if (scheme.type === 'apiKey') return `an API key in the ${scheme.in} "${scheme.parameterName}" (add it to each @rest)`;
  if (scheme.type === 'basic' || scheme.scheme === 'basic') {
    return `headers: [{ name: "Authorization", value: "Basic {env.${variable}}" }]`;
  }
  if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
    return `headers: [{ name: "Authorization", value: "Bearer {env.${variable}}" }], or forwardHeaders: ["Authorization"]`;
  }
  return `${scheme.type} (not something @source can send)`;
}
