import type { JwtSettings } from './jwt-verifier.js';

/** The `skein serve` flags of JWT verification, as given. */
export interface JwtFlags {
  readonly jwtJwksUrl?: string;
  readonly jwtSecret?: string;
  readonly jwtIssuer?: string;
  readonly jwtAudience?: string;
}

/**
 * JWT settings from flags over SKEIN_JWT_JWKS_URL, SKEIN_JWT_SECRET, SKEIN_JWT_ISSUER and
 * SKEIN_JWT_AUDIENCE; undefined (tokens are not checked) when neither a JWKS URL nor a
 * secret is given. Throws, naming the flag and variable, on a value that cannot work.
 */
export function jwtSettingsFromEnvironment(flags: JwtFlags, env: Readonly<Record<string, string | undefined>> = process.env): JwtSettings | undefined {
  const pick = (flag: string | undefined, variable: string) => (flag || env[variable] || undefined)?.trim() || undefined;
  const jwksUrl = pick(flags.jwtJwksUrl, 'SKEIN_JWT_JWKS_URL');
  const secret = pick(flags.jwtSecret, 'SKEIN_JWT_SECRET');
  const issuer = pick(flags.jwtIssuer, 'SKEIN_JWT_ISSUER');
  const audience = pick(flags.jwtAudience, 'SKEIN_JWT_AUDIENCE');
  if (!jwksUrl && !secret) {
    if (issuer || audience) throw new Error('--jwt-issuer and --jwt-audience need --jwt-jwks-url (SKEIN_JWT_JWKS_URL) or --jwt-secret (SKEIN_JWT_SECRET)');
    return undefined;
  }
  if (jwksUrl && !/^https?:\/\/[^\s]+$/.test(jwksUrl)) {
    throw new Error(`--jwt-jwks-url / SKEIN_JWT_JWKS_URL must be an http(s) URL such as https://issuer.example.com/.well-known/jwks.json, not "${jwksUrl}"`);
  }
  // HS256 needs a key at least as long as its hash (RFC 7518 §3.2); the value itself is never repeated.
  if (secret && Buffer.byteLength(secret) < 32) {
    throw new Error(`--jwt-secret / SKEIN_JWT_SECRET must be at least 32 bytes for HS256 (it has ${Buffer.byteLength(secret)})`);
  }
  return { jwksUrl, secret, issuer, audience };
}
