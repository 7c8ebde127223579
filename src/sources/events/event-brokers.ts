import type { EventBroker } from './event-broker.js';

/**
 * The connected brokers of one graph, by `@source` name. Built with the graph (each event
 * source's `connect()` makes its broker) and closed with it; parts that consume or produce
 * events outside a GraphQL request (composite triggers, sync jobs) look their broker up here.
 */
export class EventBrokers {
  readonly #brokers: ReadonlyMap<string, EventBroker>;

  constructor(brokers: Iterable<readonly [string, EventBroker]> = []) {
    this.#brokers = new Map(brokers);
  }

  get(source: string): EventBroker | undefined {
    return this.#brokers.get(source);
  }

  /** The broker of `source`; throws an Error naming the event sources there are when it is not one. */
  require(source: string): EventBroker {
    const broker = this.#brokers.get(source);
    if (broker) return broker;
    const known = [...this.#brokers.keys()].map((name) => `"${name}"`).join(', ') || 'none is declared';
    throw new Error(`"${source}" is not an event source (NATS or MQTT) of this graph; event sources: ${known}`);
  }

  names(): string[] {
    return [...this.#brokers.keys()].sort();
  }

  [Symbol.iterator](): IterableIterator<[string, EventBroker]> {
    return this.#brokers.entries();
  }

  get size(): number {
    return this.#brokers.size;
  }
}
