import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** How a gateway checks bearer tokens; `skein serve` fills it from --jwt-* flags and SKEIN_JWT_* variables. */
export interface JwtSettings {
  /** Where the signing keys are published (RS*, PS*, ES*, EdDSA tokens). */
  readonly jwksUrl?: string;
  /** The shared secret of HS256 tokens. */
  readonly secret?: string;
  /** The `iss` a token must carry, when set. */
  readonly issuer?: string;
  /** An `aud` a token must carry, when set. */
  readonly audience?: string;
  /** How long fetched keys are used before they are fetched again (jose's default: 10 minutes). */
  readonly jwksCacheMaxAgeMs?: number;
  /** The least time between two fetches caused by an unknown `kid` (jose's default: 30 s). */
  readonly jwksCooldownMs?: number;
}

/** A token that passed every check: what header templates (`{jwt.sub}`, `{jwt.claims.tenant}`) and authorization read. */
export interface VerifiedToken {
  readonly sub: string | undefined;
  readonly claims: JWTPayload;
  /** From the `scope` claim (space-separated) or the `scp` claim (an array or a string). */
  readonly scopes: ReadonlySet<string>;
}

/** A token that failed a check: `check` names which, in words a client can act on. The token itself is never repeated. */
export class TokenRejected extends Error {
  constructor(readonly check: string) {
    super(`the bearer token was rejected: ${check}`);
  }
}

/** A token verified lately is answered at once (no promise), the others once checked. */
export type JwtVerifier = (token: string) => VerifiedToken | Promise<VerifiedToken>;

/** How long a verified token is trusted without checking it again, and how many are kept. */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 10_000;

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/**
 * Verifies compact JWS tokens with jose: the signature (HS256 with the secret, anything
 * asymmetric with the JWKS; `alg: none` never), `exp` and `nbf`, and the issuer and
 * audience when configured. JWKS keys are cached and refetched when stale or when a
 * token names an unknown `kid` (at most once per cooldown); when a refetch fails (the
 * JWKS server is down or slow), the keys fetched last keep verifying the tokens they signed.
 */
export function createJwtVerifier(settings: JwtSettings): JwtVerifier {
  if (!settings.jwksUrl && !settings.secret) throw new Error('JWT verification needs --jwt-jwks-url or --jwt-secret');
  const secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
  const remote = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), {
        cacheMaxAge: settings.jwksCacheMaxAgeMs,
        cooldownDuration: settings.jwksCooldownMs,
      })
    : undefined;
  const algorithms = [...(secret ? ['HS256'] : []), ...(remote ? ASYMMETRIC : [])];

  const keyOf: JWTVerifyGetKey = async (header, token) => {
    if (header.alg === 'HS256') {
      if (!secret) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
      return secret;
    }
    if (!remote) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
    try {
      return await remote(header, token);
    } catch (error) {
      // Keys could not be fetched: the last ones fetched still verify what they signed.
      const known = remote.jwks();
      if (known && !(error instanceof errors.JWKSNoMatchingKey) && !(error instanceof errors.JWKSMultipleMatchingKeys)) {
        return createLocalJWKSet(known)(header, token);
      }
      throw error;
    }
  };

  // Tokens verified lately, so a client's every request does not pay for a signature check
  // again (an RSA verification costs more than the rest of a pass-through request). An entry
  // lasts until the token expires, at most VERIFIED_TTL_MS, so a key withdrawn from the JWKS
  // stops being trusted within that time.
  const verified = new Map<string, { readonly token: VerifiedToken; readonly until: number }>();

  const check = async (token: string): Promise<VerifiedToken> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keyOf, { algorithms, issuer: settings.issuer, audience: settings.audience }));
    } catch (error) {
      throw new TokenRejected(failedCheck(error));
    }
    const result: VerifiedToken = { sub: payload.sub, claims: payload, scopes: scopesOf(payload) };
    const until = Math.min(Date.now() + VERIFIED_TTL_MS, payload.exp !== undefined ? payload.exp * 1000 : Infinity);
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    verified.set(token, { token: result, until });
    return result;
  };
  return (token) => {
    const known = verified.get(token);
    if (known) {
      if (Date.now() < known.until) return known.token;
      verified.delete(token);
    }
    return check(token);
  };
}

/** Which check a jose error reports, without the token. */
function failedCheck(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired (exp)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return 'it is not valid yet (nbf)';
      case 'iat':
        return 'it was issued in the future (iat)';
      case 'iss':
        return 'wrong issuer (iss)';
      case 'aud':
        return 'wrong audience (aud)';
      default:
        return `claim "${error.claim}" is invalid (${error.reason})`;
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'its algorithm (alg) is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no known key has its key id (kid)';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'several keys match its key id (kid)';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'the signing keys (JWKS) could not be fetched';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'it is not a well-formed signed JWT';
  if (error instanceof errors.JOSEError) return `it could not be verified (${error.code})`;
  // A fetch that failed below jose (connection refused): the keys are unavailable.
  return 'the signing keys (JWKS) could not be fetched';
}

function scopesOf(payload: JWTPayload): ReadonlySet<string> {
  const scopes = new Set<string>();
  const add = (value: unknown) => {
    const list: unknown[] = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of list) if (typeof scope === 'string' && scope !== '') scopes.add(scope);
  };
  add(payload.scope);
  add(payload.scp);
  return scopes;
}
