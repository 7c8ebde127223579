import type { SourceLog } from '../protocol.js';
import type { EventBrokerKind, EventBrokerStatus } from './event-broker.js';
import { authenticationFailed } from './broker-errors.js';

/**
 * The connection state every broker adapter keeps (nats/, mqtt/), and says alike: its
 * status, why it is not up, and one log line per change (`source "bus": …`), a refusal
 * said once rather than at every attempt. Reasons given to it must already be safe
 * (`safeReason`): it shows them in lastError(), the log and /readyz.
 */
export class BrokerState {
  #status: EventBrokerStatus = 'connecting';
  #lastError: string | undefined;
  #connectedOnce = false;

  constructor(
    private readonly kind: EventBrokerKind,
    private readonly source: string,
    private readonly logTo: SourceLog | undefined,
  ) {}

  get status(): EventBrokerStatus {
    return this.#status;
  }

  /** Why it is not up; undefined while it is. */
  get lastError(): string | undefined {
    return this.#status === 'up' ? undefined : this.#lastError;
  }

  /** The last reason kept, even while up (an adapter with a second connection shows it when that one is down). */
  get reason(): string | undefined {
    return this.#lastError;
  }

  /** Connected, the first time or again: up. Returns whether it is the first time (subscriptions made before are sent then). */
  up(): boolean {
    const first = !this.#connectedOnce;
    this.#connectedOnce = true;
    this.#status = 'up';
    this.#lastError = undefined;
    this.info(`${first ? 'connected' : 'reconnected'} to ${this.kind}`);
    return first;
  }

  /**
   * A connection that was up is lost: down, said once (the attempts that follow are quiet).
   * `reason`, when given, replaces what was kept; else what was kept (the error that broke it) stays.
   */
  lost(reason?: string): void {
    if (this.#status !== 'up') return;
    this.#status = 'down';
    this.#lastError = reason ?? this.#lastError ?? `the connection to the ${this.kind} broker was lost`;
    this.warn(`${this.#lastError}; reconnecting`);
  }

  /** A connection attempt failed or the client reported an error: kept as the reason, the status unchanged. */
  failed(reason: string): void {
    this.#lastError = reason;
  }

  /** The broker refused the source's credentials (`settings` names what to check): down while it keeps trying, said once. */
  refused(detail: string, settings: string): void {
    const reason = authenticationFailed(this.kind, detail, settings);
    if (reason !== this.#lastError || this.#status !== 'down') this.warn(reason);
    this.#status = 'down';
    this.#lastError = reason;
  }

  /** Says what needs the operator's attention. */
  warn(message: string): void {
    this.logTo?.warn?.(`source "${this.source}": ${message}`);
  }

  /** Says what is expected (connected, a stream created). */
  info(message: string): void {
    this.logTo?.info?.(`source "${this.source}": ${message}`);
  }
}

/** A promise and what settles it: a subscription's `ready`, settled once the broker has it. */
export function readySignal(): { readonly ready: Promise<void>; readonly markReady: () => void } {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  return { ready, markReady };
}
