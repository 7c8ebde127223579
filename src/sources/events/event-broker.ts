/**
 * The seam between Skein and a message broker. NATS (JetStream) and MQTT implement it
 * (nats/, mqtt/); a Kafka adapter would be a third implementation, registered the same way
 * (README.md says how). Everything above it (subscription fields, publishing mutations,
 * composite triggers, sync jobs) talks to brokers only through this interface.
 */

/** The broker kinds Skein speaks, as written in `@source(kind: …)`. */
export type EventBrokerKind = 'NATS' | 'MQTT';

/**
 * `connecting`: not connected yet (the first connection is being tried, the broker may be
 * down at start-up); `up`: connected; `down`: the connection was lost and is being
 * re-established. A broker never gives up on its own: only `close()` ends it.
 */
export type EventBrokerStatus = 'connecting' | 'up' | 'down';

/** One message as a handler sees it, whatever the broker. */
export interface EventMessage {
  /** The subject (NATS) or topic (MQTT) it was published to: concrete, never a wildcard. */
  readonly subject: string;
  readonly data: Uint8Array;
  /** Message headers (NATS headers, MQTT 5 user properties); empty when the broker has none. */
  readonly headers: Readonly<Record<string, string>>;
  /** How many times this message has been delivered, 1 the first time (redeliveries count up). */
  readonly deliveryCount: number;
  /**
   * What identifies this message across redeliveries, where the broker gives one (JetStream:
   * `<stream>:<sequence>`, for messages of a durable consumer): a handler derives the message
   * ids of what it publishes from it, so a redelivered message's output is stored once.
   */
  readonly id?: string;
}

/**
 * Handles one message. Resolving acknowledges it (a durable consumer will not see it again);
 * rejecting leaves it unacknowledged, so the broker redelivers it after a backoff
 * (at-least-once). A handler that must give up on a message (it cannot be decoded) says so by
 * dead-lettering it and resolving (see dead-letter.ts), never by rejecting forever.
 */
export type EventHandler = (message: EventMessage) => Promise<void>;

export interface SubscribeOptions {
  /**
   * A durable consumer name: the broker remembers what was acknowledged, so a gateway that
   * restarts goes on where it stopped, and messages published while it was away are delivered.
   * Without it the subscription sees only messages published while it is open.
   */
  readonly durable?: string;
  /** A queue group: each message goes to one subscriber of the group (several gateways share the work). */
  readonly queue?: string;
}

export interface PublishOptions {
  /**
   * An id the broker uses to drop a duplicate publish (JetStream's `Nats-Msg-Id`, within the
   * stream's duplicate window): a retried publish with the same id is stored once.
   * MQTT has no such thing; there it is sent as a header only.
   */
  readonly messageId?: string;
}

/** What the broker said when it accepted a message. */
export interface PublishReceipt {
  readonly subject: string;
  /** The JetStream stream that stored it; undefined for MQTT. */
  readonly stream?: string;
  /** Its sequence number in the stream; undefined for MQTT. */
  readonly sequence?: number;
  /** JetStream recognised the message id and did not store it again. */
  readonly duplicate: boolean;
}

export interface EventSubscription {
  /** The subject or pattern subscribed to, as given. */
  readonly subject: string;
  /**
   * Settles once the broker has the subscription the first time (at once when `subscribe`
   * was called while up; on connecting otherwise): what is published after that is delivered.
   */
  readonly ready: Promise<void>;
  /** Stops delivery. A durable consumer stays on the broker (it is durable); only this gateway stops reading. */
  close(): Promise<void>;
}

export interface EventBroker {
  readonly kind: EventBrokerKind;
  /** The `@source` name this broker was connected for. */
  readonly source: string;
  /**
   * Publishes and resolves once the broker accepted the message: a JetStream PubAck, an MQTT
   * QoS 1 PUBACK. Rejects with an UpstreamError (SOURCE_UNAVAILABLE while not connected,
   * UPSTREAM_ERROR when the broker refused) and never queues a message for later.
   */
  publish(subject: string, payload: Uint8Array, headers?: Readonly<Record<string, string>>, options?: PublishOptions): Promise<PublishReceipt>;
  /**
   * Starts delivering messages on `subject` (the broker's wildcards allowed: NATS `*` and `>`,
   * MQTT `+` and `#`) to `handler`, one at a time per subscription, in order. While the broker
   * is up it resolves once the broker has the subscription, so every message published after
   * that is delivered; while it is not, it resolves at once and the subscription starts when
   * the broker is up. It resumes after every reconnect.
   */
  subscribe(subject: string, handler: EventHandler, options?: SubscribeOptions): Promise<EventSubscription>;
  status(): EventBrokerStatus;
  /** Why the broker is not `up`, for logs and /readyz (no credentials in it). */
  lastError(): string | undefined;
  /** Closes the subscriptions and the connection. Safe to call twice. */
  close(): Promise<void>;
}
