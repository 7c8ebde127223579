import type { RequestContext, SourceConfig } from './protocol.js';

/**
 * The headers of a call that depend on who is calling: the incoming headers the source
 * may receive (`forwardHeaders`), and `@source` headers filled in from the caller's
 * verified token (`{jwt.sub}`, `{jwt.claims.tenant}`). One place, so REST and SOAP
 * calls carry the same ones. A header whose placeholders are all empty (no token) is
 * left out rather than sent blank.
 */
export function addCallerHeaders(source: SourceConfig, context: RequestContext, into: Record<string, string>): Record<string, string> {
  const incoming = context.request?.headers;
  if (incoming) {
    for (const name of source.forwardHeaders) {
      const value = incoming.get(name);
      if (value !== null) into[name] = value;
    }
  }
  if (source.callerHeaders.length > 0 && context.jwt) {
    const scope = { jwt: context.jwt, env: source.callerHeaderEnv };
    for (const header of source.callerHeaders) {
      const value = header.template.render(scope);
      if (value !== undefined) into[header.name] = value;
    }
  }
  return into;
}

/** Whether calls to the source carry any header that depends on the caller. */
export function hasCallerHeaders(source: SourceConfig): boolean {
  return source.forwardHeaders.length > 0 || source.callerHeaders.length > 0;
}
