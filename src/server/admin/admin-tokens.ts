import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The admin API's bearer tokens, from SKEIN_ADMIN_TOKEN: one token (named `admin`), or
 * several named ones, `alice:secret1,ci:secret2`, so the audit trail says which acted.
 * Only digests are kept; a presented token is compared with every one of them in
 * constant time. Tokens are never logged or echoed.
 */
export class AdminTokens {
  readonly #entries: readonly { readonly name: string; readonly digest: Buffer }[];

  private constructor(entries: readonly { name: string; digest: Buffer }[]) {
    this.#entries = entries;
  }

  /** Reads SKEIN_ADMIN_TOKEN's format; undefined when it is unset or empty. */
  static parse(value: string | undefined): AdminTokens | undefined {
    const text = value?.trim();
    if (!text) return undefined;
    const items = text.split(',').map((item) => item.trim()).filter(Boolean);
    const named = items.length > 1 || /^[A-Za-z][\w.-]*:.+/.test(items[0]);
    const entries = items.map((item, i) => {
      if (!named) return { name: 'admin', secret: item };
      const colon = item.indexOf(':');
      const name = item.slice(0, colon);
      const secret = item.slice(colon + 1);
      if (colon < 1 || !/^[A-Za-z][\w.-]*$/.test(name) || !secret) {
        // Say which entry, never what it holds.
        throw new Error(`SKEIN_ADMIN_TOKEN entry ${i + 1} must be name:token (a name of letters, digits, _ . -, then a token)`);
      }
      return { name, secret };
    });
    const names = entries.map((e) => e.name);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`SKEIN_ADMIN_TOKEN names "${twice}" twice`);
    for (const entry of entries) {
      if (entry.secret.length < 8) throw new Error(`SKEIN_ADMIN_TOKEN: the token of "${entry.name}" is shorter than 8 characters`);
    }
    return new AdminTokens(entries.map((e) => ({ name: e.name, digest: digest(e.secret) })));
  }

  get names(): readonly string[] {
    return this.#entries.map((e) => e.name);
  }

  /** The name of the token in `Authorization: Bearer <token>`, or why there is none. */
  verify(authorization: string | undefined): { actor: string } | { reason: 'missing token' | 'malformed header' | 'unknown token' } {
    if (!authorization) return { reason: 'missing token' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { reason: 'malformed header' };
    const presented = digest(match[1]);
    let actor: string | undefined;
    // Every entry is compared, so the time taken does not tell which (or whether one) matched.
    for (const entry of this.#entries) {
      if (timingSafeEqual(presented, entry.digest) && actor === undefined) actor = entry.name;
    }
    return actor === undefined ? { reason: 'unknown token' } : { actor };
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
