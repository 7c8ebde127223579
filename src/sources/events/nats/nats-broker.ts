import { readFileSync } from 'node:fs';
import {
  AckPolicy,
  connect,
  credsAuthenticator,
  DeliverPolicy,
  Events,
  headers as natsHeaders,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from 'nats';
import type {
  EventBroker,
  EventBrokerStatus,
  EventHandler,
  EventMessage,
  EventSubscription,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
} from '../event-broker.js';
import { brokerRefused, brokerTimeout, brokerUnavailable, redeliveryDelayMs } from '../broker-errors.js';
import type { SourceLog } from '../../protocol.js';
import { BrokerState, readySignal } from '../broker-state.js';
import { safeReason } from '../safe-reason.js';

export interface NatsBrokerOptions {
  /** The `@source` name. */
  readonly source: string;
  /** `nats://host:port`, or several separated by commas. */
  readonly url: string;
  /** The JetStream stream publishes are stored in and durable consumers read from. */
  readonly stream: string;
  /** When given, the stream is created with these subjects if it does not exist. */
  readonly streamSubjects?: readonly string[];
  /** How long a publish waits for the PubAck. */
  readonly timeoutMs: number;
  /** Credentials, when the server asks for them. */
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  /** A credentials file (user JWT and NKey seed), read again at each connection, so a rotated file is picked up. */
  readonly credsFile?: string;
  /** Pause between first-connection attempts while the server cannot be reached (doubles up to 5 s). */
  readonly retryMs?: number;
  /** Told when the connection is made, lost or refused, or a consumer fails. */
  readonly log?: SourceLog;
}

/**
 * A NATS connection with JetStream: publishes wait for the stream's PubAck; plain
 * subscriptions are core NATS subscriptions (they see what is published while they are
 * open); durable ones are JetStream pull consumers with explicit acknowledgement.
 * It connects in the background and never gives up: a server down at start-up leaves the
 * broker `connecting`, and every subscription starts once it is up.
 */
export class NatsBroker implements EventBroker {
  readonly kind = 'NATS' as const;
  readonly source: string;
  readonly #options: NatsBrokerOptions;
  #connection: NatsConnection | undefined;
  #jetstream: JetStreamClient | undefined;
  readonly #state: BrokerState;
  #closed = false;
  readonly #subscriptions = new Set<NatsSubscription>();
  #retryTimer: NodeJS.Timeout | undefined;
  /** Ends the pause between connection attempts (close() calls it, so it need not wait the pause out). */
  #endPause: (() => void) | undefined;
  #connecting: Promise<void> | undefined;

  constructor(options: NatsBrokerOptions) {
    this.source = options.source;
    this.#options = options;
    this.#state = new BrokerState('NATS', options.source, options.log);
    this.#connecting = this.#connect(options.retryMs ?? 250);
  }

  status(): EventBrokerStatus {
    return this.#state.status;
  }

  lastError(): string | undefined {
    return this.#state.lastError;
  }

  async publish(subject: string, payload: Uint8Array, headers: Readonly<Record<string, string>> = {}, options: PublishOptions = {}): Promise<PublishReceipt> {
    const jetstream = this.#jetstream;
    if (this.#state.status !== 'up' || !jetstream) throw brokerUnavailable(this, subject);
    try {
      const ack = await jetstream.publish(subject, payload, {
        headers: toNatsHeaders(headers),
        msgID: options.messageId,
        timeout: this.#options.timeoutMs,
      });
      return { subject, stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '503') throw brokerRefused(this, subject, `no JetStream stream stores subjects like "${subject}"`);
      if (code === 'TIMEOUT') throw brokerTimeout(this, subject, this.#options.timeoutMs);
      if (this.#state.status !== 'up') throw brokerUnavailable(this, subject);
      throw brokerRefused(this, subject, safeReason(error));
    }
  }

  async subscribe(subject: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<EventSubscription> {
    if (this.#closed) throw new Error(`source "${this.source}" is closed`);
    const subscription = new NatsSubscription(subject, handler, options, this.#options, (message) => this.#state.warn(message), () => {
      this.#subscriptions.delete(subscription);
    });
    this.#subscriptions.add(subscription);
    if (this.#connection && this.#state.status === 'up') await subscription.attach(this.#connection, this.#jetstream!);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#endPause?.();
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) await connection.close().catch(() => undefined);
    await this.#connecting;
  }

  /** Tries to connect until it succeeds or the broker is closed. */
  async #connect(retryMs: number): Promise<void> {
    if (this.#closed) return;
    let connection: NatsConnection;
    try {
      connection = await connect({
        servers: this.#options.url.split(',').map((s) => s.trim()),
        name: `skein:${this.source}`,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        timeout: Math.min(this.#options.timeoutMs, 5_000),
        user: this.#options.user,
        pass: this.#options.pass,
        token: this.#options.token,
        authenticator: this.#options.credsFile ? credsAuthenticator(() => readFileSync(this.#options.credsFile!)) : undefined,
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Refused, not unreachable: down, and saying so, while it keeps trying (the server's accounts may be fixed).
      if (code === 'AUTHORIZATION_VIOLATION' || code === 'AUTHENTICATION_EXPIRED') this.#state.refused(safeReason(error), 'user and password, token or credsFile');
      else this.#state.failed(safeReason(error));
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#endPause = resolve;
        this.#retryTimer = setTimeout(resolve, retryMs);
      });
      return this.#connect(Math.min(retryMs * 2, 5_000));
    }
    if (this.#closed) {
      await connection.close().catch(() => undefined);
      return;
    }
    try {
      await this.#ensureStream(await connection.jetstreamManager({ timeout: this.#options.timeoutMs }));
    } catch (error) {
      // A server without JetStream, or a stream that cannot be made: publishing says so; keep connected.
      this.#state.warn(`JetStream stream "${this.#options.stream}" is not usable: ${safeReason(error)}`);
    }
    this.#connection = connection;
    this.#jetstream = connection.jetstream({ timeout: this.#options.timeoutMs });
    this.#state.up();
    for (const subscription of this.#subscriptions) void subscription.attach(connection, this.#jetstream);
    void this.#watch(connection);
  }

  async #watch(connection: NatsConnection): Promise<void> {
    (async () => {
      for await (const status of connection.status()) {
        if (status.type === Events.Disconnect) this.#state.lost('the connection to the NATS server was lost');
        else if (status.type === Events.Reconnect) this.#state.up();
      }
    })().catch(() => undefined);
    const closedWith = await connection.closed();
    if (this.#closed || this.#connection !== connection) return;
    // The client gave up (it does not with unlimited attempts, but a server can close it): start over.
    const reason = closedWith ? safeReason(closedWith) : 'the connection was closed';
    this.#state.lost(reason);
    this.#state.failed(reason);
    this.#connection = undefined;
    this.#jetstream = undefined;
    for (const subscription of this.#subscriptions) subscription.detach();
    this.#connecting = this.#connect(this.#options.retryMs ?? 250);
  }

  async #ensureStream(manager: JetStreamManager): Promise<void> {
    const { stream, streamSubjects } = this.#options;
    try {
      await manager.streams.info(stream);
      return;
    } catch (error) {
      if (!streamSubjects?.length || !/not found/i.test(String((error as Error).message))) throw error;
    }
    await manager.streams.add({ name: stream, subjects: [...streamSubjects] });
    this.#state.info(`created JetStream stream "${stream}" for ${streamSubjects.join(', ')}`);
  }
}

/** One subscription: a core NATS subscription, or a durable JetStream consumer. Re-attached after a new connection. */
class NatsSubscription implements EventSubscription {
  readonly ready: Promise<void>;
  readonly #markReady: () => void;
  #core: Subscription | undefined;
  #consumer: ConsumerMessages | undefined;
  #closed = false;

  constructor(
    readonly subject: string,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly broker: NatsBrokerOptions,
    private readonly log: (message: string) => void,
    private readonly onClose: () => void,
  ) {
    const signal = readySignal();
    this.ready = signal.ready;
    this.#markReady = signal.markReady;
  }

  /** Resolves once the server has the subscription (or the consumer), so what is published next is seen. */
  async attach(connection: NatsConnection, jetstream: JetStreamClient): Promise<void> {
    if (this.#closed) return;
    if (this.options.durable) {
      await new Promise<void>((started) => void this.#consume(connection, jetstream, this.options.durable!, started));
    } else {
      this.#subscribeCore(connection);
      await connection.flush().catch(() => undefined);
      this.#markReady();
    }
  }

  detach(): void {
    this.#core = undefined;
    this.#consumer = undefined;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
    this.#core?.unsubscribe();
    await this.#consumer?.close();
  }

  #subscribeCore(connection: NatsConnection): void {
    const subscription = connection.subscribe(this.subject, { queue: this.options.queue });
    this.#core = subscription;
    void (async () => {
      for await (const message of subscription) {
        try {
          await this.handler(fromCore(message));
        } catch (error) {
          // Core NATS has no redelivery: the handler's failure is the handler's to report.
          this.log(`a handler of "${this.subject}" failed: ${safeReason(error)}`);
        }
      }
    })();
  }

  async #consume(connection: NatsConnection, jetstream: JetStreamClient, durable: string, started: () => void): Promise<void> {
    const stream = this.broker.stream;
    try {
      const manager = await connection.jetstreamManager({ timeout: this.broker.timeoutMs });
      try {
        await manager.consumers.info(stream, durable);
      } catch {
        // New consumers start with what is published from now on; once created they keep their place.
        await manager.consumers.add(stream, {
          durable_name: durable,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.New,
          filter_subject: this.subject,
          ack_wait: 30_000_000_000,
        });
      }
      const consumer = await jetstream.consumers.get(stream, durable);
      const messages = await consumer.consume({ max_messages: 1 });
      if (this.#closed) {
        await messages.close();
        return;
      }
      this.#consumer = messages;
      started();
      this.#markReady();
      for await (const message of messages) {
        const event: EventMessage = {
          subject: message.subject,
          data: message.data,
          headers: fromNatsHeaders(message.headers),
          deliveryCount: message.info.deliveryCount,
          id: `${message.info.stream}:${message.info.streamSequence}`,
        };
        try {
          await this.handler(event);
          await message.ackAck().catch(() => message.ack());
        } catch (error) {
          const delay = redeliveryDelayMs(event.deliveryCount);
          this.log(`message ${message.seq} on "${message.subject}" failed (delivery ${event.deliveryCount}); redelivered in ${delay} ms: ${safeReason(error)}`);
          message.nak(delay);
        }
      }
    } catch (error) {
      if (this.#closed) return;
      this.log(`durable consumer "${durable}" on stream "${stream}" stopped: ${safeReason(error)}; retrying`);
      // Whoever waits for the start is not held up by a broker that refuses: the retries go on in the background.
      started();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (!this.#closed && !connection.isClosed()) return this.#consume(connection, jetstream, durable, () => undefined);
    }
  }
}

function fromCore(message: Msg): EventMessage {
  return { subject: message.subject, data: message.data, headers: fromNatsHeaders(message.headers), deliveryCount: 1 };
}

function fromNatsHeaders(headers: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, values] of headers) out[name] = values.join(', ');
  return out;
}

function toNatsHeaders(headers: Readonly<Record<string, string>>): MsgHdrs | undefined {
  const entries = Object.entries(headers);
  if (entries.length === 0) return undefined;
  const out = natsHeaders();
  for (const [name, value] of entries) out.set(name, value);
  return out;
}
