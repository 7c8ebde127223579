import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import type { EventBroker } from './event-broker.js';

/** The broker is not connected: nothing was sent. */
export function brokerUnavailable(broker: Pick<EventBroker, 'kind' | 'source' | 'status' | 'lastError'>, subject: string): UpstreamError {
  const why = broker.lastError();
  return new UpstreamError(
    UpstreamErrorCode.SOURCE_UNAVAILABLE,
    `Source "${broker.source}" (${broker.kind}) is ${broker.status() === 'connecting' ? 'not connected yet' : 'disconnected'}` +
      `${why ? ` (${why})` : ''}; nothing was published to "${subject}". The gateway keeps reconnecting; try again later`,
    { source: broker.source, subject },
  );
}

/** The broker answered but did not accept the message. */
export function brokerRefused(broker: Pick<EventBroker, 'kind' | 'source'>, subject: string, reason: string): UpstreamError {
  return new UpstreamError(
    UpstreamErrorCode.BROKER_REFUSED,
    `Source "${broker.source}" (${broker.kind}) did not accept the message for "${subject}": ${reason}`,
    { source: broker.source, subject },
  );
}

/** No acknowledgement within the source's timeout: the message may or may not have been stored. */
export function brokerTimeout(broker: Pick<EventBroker, 'kind' | 'source'>, subject: string, timeoutMs: number): UpstreamError {
  return new UpstreamError(
    UpstreamErrorCode.TIMEOUT,
    `Source "${broker.source}" (${broker.kind}) did not acknowledge the message for "${subject}" within ${timeoutMs} ms; it may or may not have been stored`,
    { source: broker.source, subject },
  );
}

/** Why a broker is down when it refused the source's credentials: for lastError() and the log, naming what to check, never a credential. */
export function authenticationFailed(kind: string, detail: string, settings: string): string {
  return `authentication failed: the ${kind} broker refused the source's credentials (${detail}); check the source's ${settings}`;
}

/** The delay before a message whose handler failed is delivered again: 1 s, doubling, at most 30 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(1_000 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}
