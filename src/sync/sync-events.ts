import { createHash } from 'node:crypto';
import type { Graph } from '../graph/index.js';
import type { EventSubscription } from '../sources/events/index.js';

/** A job that runs on messages: its name, and the subject of which event source. */
export interface EventDrivenJob {
  readonly name: string;
  readonly source: string;
  readonly subject: string;
}

/**
 * Event-driven sync jobs: for each published job with `event: { source, subject }`, one
 * durable subscription on the event source (a JetStream durable consumer or an MQTT shared
 * subscription, through the events seam), named after the job and shared by every gateway
 * of a cluster, so each message is taken by one gateway. A message queues a run (joining
 * one that is still waiting) and is acknowledged once the run is queued: the message is a
 * change notification, the run reads what changed. Followed again when the graph changes
 * or a job is published, paused or deleted.
 */
export class SyncEventListener {
  #subscriptions = new Map<string, EventSubscription>();
  #graph: Graph | undefined;
  #busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly trigger: (job: string, trigger: string) => Promise<unknown>,
    private readonly log: (message: string) => void,
  ) {}

  /** Subscribes what `jobs` needs on `graph`'s brokers and closes what it no longer needs. */
  follow(graph: Graph, jobs: readonly EventDrivenJob[]): Promise<void> {
    this.#busy = this.#busy.then(() => this.#follow(graph, jobs)).catch((error: Error) => this.log(`sync events: ${error.message}`));
    return this.#busy;
  }

  async close(): Promise<void> {
    await this.#busy;
    await Promise.all([...this.#subscriptions.values()].map((s) => s.close()));
    this.#subscriptions.clear();
  }

  async #follow(graph: Graph, jobs: readonly EventDrivenJob[]): Promise<void> {
    const graphChanged = graph !== this.#graph;
    this.#graph = graph;
    const wanted = new Map(jobs.map((job) => [consumerOf(job), job]));
    for (const [name, subscription] of this.#subscriptions) {
      if (graphChanged || !wanted.has(name)) {
        await subscription.close();
        this.#subscriptions.delete(name);
      }
    }
    for (const [name, job] of wanted) {
      if (this.#subscriptions.has(name)) continue;
      const broker = graph.brokers.get(job.source);
      if (!broker) {
        this.log(`sync job ${job.name} runs on messages of source "${job.source}", which is not an event source of the served graph`);
        continue;
      }
      const subscription = await broker.subscribe(
        job.subject,
        async (message) => {
          await this.trigger(job.name, `event ${message.subject}`);
        },
        { durable: name, queue: name },
      );
      this.#subscriptions.set(name, subscription);
    }
  }
}

/** The durable consumer of a job: its name and a hash of where it listens, so a job that listens elsewhere starts afresh. */
function consumerOf(job: EventDrivenJob): string {
  const hash = createHash('sha256').update(`${job.source}\n${job.subject}`).digest('hex').slice(0, 8);
  return `skein_sync_${job.name.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
}
