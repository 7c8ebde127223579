import { GraphQLError } from 'graphql';
import { redactSecrets } from './http/secrets.js';

/**
 * The stable list of `extensions.code` values for upstream failures, the same for
 * every protocol. Clients may switch on these; do not rename them.
 */
export const UpstreamErrorCode = {
  /** The upstream answered with a status outside 2xx. */
  HTTP_ERROR: 'UPSTREAM_HTTP_ERROR',
  /** The body could not be parsed (bad JSON or XML), or had the wrong shape. */
  BAD_RESPONSE: 'UPSTREAM_BAD_RESPONSE',
  /** No connection: refused, reset, DNS failure. */
  UNREACHABLE: 'UPSTREAM_UNREACHABLE',
  /** No complete answer within the source's timeout. */
  TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The answer was larger than the source allows. */
  RESPONSE_TOO_LARGE: 'UPSTREAM_RESPONSE_TOO_LARGE',
  /** The source could not be prepared at startup (an unreachable WSDL, say). */
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  /** A SOAP Fault; extensions carry faultCode, faultString and detail. */
  SOAP_FAULT: 'SOAP_FAULT',
  /** Not sent: the source's circuit breaker is open after consecutive failures. */
  CIRCUIT_OPEN: 'UPSTREAM_CIRCUIT_OPEN',
  /** Not sent: the source's maxConcurrency calls are in flight and its maxQueue are waiting. */
  OVERLOADED: 'UPSTREAM_OVERLOADED',
  /** A message broker (NATS, MQTT) answered but did not accept a message (no stream stores the subject, say). */
  BROKER_REFUSED: 'UPSTREAM_BROKER_REFUSED',
  /** Abandoned: the client went away or the gateway is stopping. Not counted against the source. */
  CANCELLED: 'UPSTREAM_CANCELLED',
} as const;

export type UpstreamErrorCode = (typeof UpstreamErrorCode)[keyof typeof UpstreamErrorCode];

export interface UpstreamErrorDetails {
  readonly source: string;
  readonly status?: number;
  /** The start of the upstream body, to help whoever reads the error. */
  readonly body?: string;
  readonly [extra: string]: unknown;
}

const BODY_EXCERPT_LENGTH = 500;

/**
 * An upstream call failed. The field that made the call becomes null and this error is
 * reported at its path; sibling fields are not affected. Messages name the source and
 * the field, never the upstream's URL; credentials the source sends are redacted from
 * the message and from what the upstream wrote (body excerpt, fault text).
 */
export class UpstreamError extends GraphQLError {
  readonly code: UpstreamErrorCode;

  constructor(code: UpstreamErrorCode, message: string, details: UpstreamErrorDetails) {
    const { body, ...rest } = details;
    const extensions: Record<string, unknown> = { code, ...rest };
    for (const key of Object.keys(rest)) {
      const value = rest[key];
      if (typeof value === 'string') extensions[key] = redactSecrets(value);
      else if (value !== null && typeof value === 'object') extensions[key] = redactedJson(value);
    }
    if (body !== undefined) extensions.body = excerpt(body);
    super(redactSecrets(message), { extensions });
    this.code = code;
  }
}

/** Shortens an upstream body for an error message, with credentials redacted. */
export function excerpt(body: string): string {
  // Redact before cutting, so a credential across the cut is not half shown.
  const whole = body.length <= BODY_EXCERPT_LENGTH * 2;
  const head = redactSecrets(whole ? body : body.slice(0, BODY_EXCERPT_LENGTH * 2));
  return whole && head.length <= BODY_EXCERPT_LENGTH ? head : `${head.slice(0, BODY_EXCERPT_LENGTH)}…`;
}

function redactedJson(value: object): unknown {
  const text = JSON.stringify(value);
  const redacted = redactSecrets(text);
  return redacted === text ? value : JSON.parse(redacted);
}

/** Extensions that repeat what an upstream wrote, which may name its internals (hosts, paths, stack traces). */
const UPSTREAM_TEXT = ['body', 'detail'] as const;

/**
 * The error as every client may see it: without the upstream's body excerpt and SOAP
 * Fault `detail`, unless the operator turned them on (`--expose-upstream-errors`).
 * Other errors pass unchanged.
 */
export function withoutUpstreamText(error: unknown): unknown {
  if (!(error instanceof UpstreamError) || !UPSTREAM_TEXT.some((key) => key in error.extensions)) return error;
  const { code: _code, ...details } = error.extensions as Record<string, unknown>;
  for (const key of UPSTREAM_TEXT) delete details[key];
  return new UpstreamError(error.code, error.message, details as unknown as UpstreamErrorDetails);
}
