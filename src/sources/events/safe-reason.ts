import { redactSecrets } from '../http/secrets.js';

/** An error's message for a log or a client, credentials redacted (a broker URL may carry a password). */
export function safeReason(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return redactSecrets(text.replace(/\/\/[^/@\s]*@/g, '//'));
}
