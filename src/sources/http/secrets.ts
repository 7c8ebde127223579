/**
 * Values that must never reach a client or a log: credentials that sources send to their
 * upstreams (header values taken from `{env.X}`, Authorization-like headers, WS-Security
 * and WSDL passwords). They are registered when a source is read; every UpstreamError
 * passes its message and upstream excerpt through `redactSecrets`, so an upstream that
 * echoes a credential back in an error page or a SOAP Fault does not leak it.
 */
const secrets = new Set<string>();
let pattern: RegExp | undefined;

/** Shorter values are too likely to be ordinary words to be replaced everywhere. */
const MIN_SECRET_LENGTH = 6;
const REDACTED = '[redacted]';

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
  secrets.add(value);
  // Also the bare credential of "Bearer xyz" / "Basic xyz".
  const credential = /^(?:Bearer|Basic|Token)\s+(\S+)$/i.exec(value)?.[1];
  if (credential && credential.length >= MIN_SECRET_LENGTH) secrets.add(credential);
  const alternatives = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  pattern = new RegExp(alternatives.join('|'), 'g');
}

/** `text` with every registered secret replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return pattern && secrets.size > 0 ? text.replace(pattern, REDACTED) : text;
}

/** Whether a header carries a credential by its name alone. */
export function isCredentialHeader(name: string): boolean {
  return /^(authorization|proxy-authorization|cookie)$|api[-_]?key|token|secret|password/i.test(name);
}
