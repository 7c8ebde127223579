import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
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
import { topicMatches } from './topic-filter.js';

export interface MqttBrokerOptions {
  readonly source: string;
  /** `mqtt://host:port` (or mqtts://, ws://, wss://). */
  readonly url: string;
  /**
   * A fixed client id makes the session persistent (clean start off): the broker keeps the
   * subscriptions and the QoS 1 messages that arrive while the gateway is away. Without one,
   * each connection is a clean session with a random id.
   */
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  /** How long a publish waits for the PUBACK. */
  readonly timeoutMs: number;
  /** Pause between connection attempts while the broker cannot be reached. */
  readonly retryMs?: number;
  /** Told when the connection is made, lost or refused, or a message fails. */
  readonly log?: SourceLog;
}

/** CONNACK reason codes that refuse the credentials: MQTT 3.1.1's 4 and 5, MQTT 5's 134 and 135. */
const AUTH_REFUSALS: ReadonlySet<number> = new Set([4, 5, 134, 135]);

interface MqttSubscription extends EventSubscription {
  markReady(): void;
  /** The filter to match topics against: the subject without a `$share/<group>/` prefix. */
  readonly filter: string;
  /** What is sent in SUBSCRIBE: the filter, or `$share/<queue>/<filter>` for a queue group. */
  readonly wireTopic: string;
  readonly handler: EventHandler;
}

/**
 * Two MQTT connections (MQTT 5, QoS 1): one subscribes, one publishes. Publishes resolve on
 * the PUBACK. A received message is acknowledged only after every handler it matched has
 * finished, so with a persistent session (`clientId`) a message whose handler failed is
 * retried in place, with backoff, and one the gateway did not finish before going away is
 * sent again by the broker. Messages are handled one at a time, in the order they arrive:
 * the subscribing connection reads nothing else meanwhile, which is why a handler's own
 * publishes (a trigger's result) go through the other one. mqtt.js reconnects on its own and
 * subscribes again.
 */
export class MqttBroker implements EventBroker {
  readonly kind = 'MQTT' as const;
  readonly source: string;
  readonly #options: MqttBrokerOptions;
  readonly #client: MqttClient;
  readonly #publisher: MqttClient;
  #publisherConnected = false;
  readonly #state: BrokerState;
  #closed = false;
  readonly #subscriptions = new Set<MqttSubscription>();

  constructor(options: MqttBrokerOptions) {
    this.source = options.source;
    this.#options = options;
    this.#state = new BrokerState('MQTT', options.source, options.log);
    const random = Math.random().toString(36).slice(2, 10);
    const clientOptions: IClientOptions = {
      protocolVersion: 5,
      clientId: options.clientId ?? `skein_${options.source}_${random}`,
      clean: options.clientId === undefined,
      username: options.username,
      password: options.password,
      reconnectPeriod: options.retryMs ?? 500,
      connectTimeout: Math.min(options.timeoutMs, 10_000),
      resubscribe: true,
      // Publishes are refused while disconnected (never queued for later), so nothing waits offline.
      queueQoSZero: false,
      // A refused connection (bad credentials) is tried again too: the broker's accounts may be fixed.
      reconnectOnConnackError: true,
    };
    this.#client = mqtt.connect(options.url, clientOptions);
    this.#publisher = mqtt.connect(options.url, { ...clientOptions, clientId: `${options.clientId ?? `skein_${options.source}_${random}`}_pub`, clean: true });
    this.#publisher.on('connect', () => {
      this.#publisherConnected = true;
    });
    this.#publisher.on('error', (error) => this.#failed(error));
    this.#client.handleMessage = (packet, callback) => {
      void this.#deliver(packet).then(() => callback(), () => callback());
    };
    this.#client.on('connect', () => {
      const first = this.#state.up();
      // Subscriptions made before the first connection are sent now; later ones mqtt.js re-sends.
      if (first) for (const subscription of this.#subscriptions) void this.#sendSubscribe(subscription);
    });
    this.#client.on('close', () => {
      if (!this.#closed) this.#state.lost();
    });
    this.#client.on('error', (error) => this.#failed(error));
  }

  /** An error of either connection: kept for lastError(); a refusal of the credentials makes the broker down. */
  #failed(error: Error & { code?: unknown }): void {
    if (typeof error.code === 'number' && AUTH_REFUSALS.has(error.code)) this.#state.refused(safeReason(error), 'username and password');
    else this.#state.failed(safeReason(error));
  }

  /** Up when both connections are. */
  status(): EventBrokerStatus {
    const status = this.#state.status;
    if (status === 'up' && !this.#publisher.connected) return this.#publisherConnected ? 'down' : 'connecting';
    return status;
  }

  lastError(): string | undefined {
    // The publishing connection's trouble too, while the subscribing one is up.
    return this.status() === 'up' ? undefined : this.#state.reason;
  }

  async publish(subject: string, payload: Uint8Array, headers: Readonly<Record<string, string>> = {}, options: PublishOptions = {}): Promise<PublishReceipt> {
    if (this.status() !== 'up') throw brokerUnavailable(this, subject);
    const userProperties = { ...headers, ...(options.messageId ? { 'Msg-Id': options.messageId } : {}) };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(brokerTimeout(this, subject, this.#options.timeoutMs)), this.#options.timeoutMs);
    });
    try {
      const acked = await Promise.race([
        this.#publisher.publishAsync(subject, Buffer.from(payload), {
          qos: 1,
          properties: Object.keys(userProperties).length > 0 ? { userProperties } : undefined,
        }),
        timeout,
      ]);
      const reasonCode = (acked as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
      // 0 success, 16 "no matching subscribers" (still accepted); anything ≥ 128 is a refusal.
      if (reasonCode >= 128) throw brokerRefused(this, subject, `PUBACK reason code ${reasonCode}`);
      return { subject, duplicate: false };
    } catch (error) {
      if ((error as { extensions?: unknown }).extensions) throw error;
      if (this.#state.status !== 'up') throw brokerUnavailable(this, subject);
      throw brokerRefused(this, subject, safeReason(error));
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe(subject: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<EventSubscription> {
    if (this.#closed) throw new Error(`source "${this.source}" is closed`);
    const wireTopic = options.queue ? `$share/${options.queue}/${subject}` : subject;
    const { ready, markReady } = readySignal();
    const subscription: MqttSubscription = {
      subject,
      ready,
      markReady,
      filter: subject,
      wireTopic,
      handler,
      close: async () => {
        if (!this.#subscriptions.delete(subscription)) return;
        const stillWanted = [...this.#subscriptions].some((s) => s.wireTopic === wireTopic);
        if (!stillWanted && this.#client.connected) await this.#client.unsubscribeAsync(wireTopic).catch(() => undefined);
      },
    };
    this.#subscriptions.add(subscription);
    if (this.#state.status === 'up') await this.#sendSubscribe(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriptions.clear();
    await Promise.all([this.#client.endAsync(true).catch(() => undefined), this.#publisher.endAsync(true).catch(() => undefined)]);
  }

  /** Resolves on the SUBACK, so what is published next is seen. */
  #sendSubscribe(subscription: MqttSubscription): Promise<void> {
    return this.#client.subscribeAsync(subscription.wireTopic, { qos: 1 }).then(
      (grants) => {
        const refused = grants.find((g) => g.qos >= 128);
        if (!refused) subscription.markReady();
        if (refused) this.#state.warn(`the broker refused the subscription to "${subscription.subject}" (reason code ${refused.qos})`);
      },
      (error) => this.#state.warn(`subscribing to "${subscription.subject}" failed: ${safeReason(error)}`),
    );
  }

  /** Runs every matching handler; a failing one is retried in place until it succeeds or the broker closes. */
  async #deliver(packet: IPublishPacket): Promise<void> {
    const topic = packet.topic;
    const data = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload) : new Uint8Array(packet.payload);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(packet.properties?.userProperties ?? {})) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    for (const subscription of [...this.#subscriptions]) {
      if (!topicMatches(subscription.filter, topic)) continue;
      for (let deliveryCount = packet.dup ? 2 : 1; !this.#closed && this.#subscriptions.has(subscription); deliveryCount++) {
        const message: EventMessage = { subject: topic, data, headers, deliveryCount };
        try {
          await subscription.handler(message);
          break;
        } catch (error) {
          const delay = redeliveryDelayMs(deliveryCount);
          this.#state.warn(`a message on "${topic}" failed (delivery ${deliveryCount}); retried in ${delay} ms: ${safeReason(error)}`);
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
      }
    }
  }
}
