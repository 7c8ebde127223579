import { createHash } from 'node:crypto';
import type { Graph } from '../graph/index.js';
import { DEAD_LETTER_REASON_HEADER, deadLetter, decodeJsonMessage, MalformedMessage, type EventBroker, type EventMessage, type EventSubscription } from '../sources/events/index.js';
import { GivenChangesError } from './given-changes.js';

/** A job that runs on messages: its name, and the subject of which event source. */
export interface EventDrivenJob {
  readonly name: string;
  readonly source: string;
  readonly subject: string;
}

/** Headers of a dead letter: why the message could not be applied, and by which job. */
export const SYNC_DEAD_LETTER_HEADERS = {
  /** The same header composite triggers set: one name for "why" on every dead letter. */
  reason: DEAD_LETTER_REASON_HEADER,
  job: 'Skein-Dead-Letter-Sync-Job',
  cause: 'Skein-Sync-Subject',
} as const;

/** Receives a message for a job: its JSON body (undefined when empty) and its id (a redelivery is the same run). */
export type ReceiveMessage = (job: string, trigger: string, body: unknown, once: string | undefined) => Promise<unknown>;

/**
 * Event-driven sync jobs: for each published job with `event: { source, subject }`, one
 * durable subscription on the event source (a JetStream durable consumer or an MQTT shared
 * subscription, through the events seam), named after the job and shared by every gateway
 * of a cluster, so each message is taken by one gateway. A message that carries records
 * (the webhook's body shape) queues a run that applies them; one without (empty, `{}`) is a
 * change notification and queues a run that reads the source (joining one still waiting).
 * The message is acknowledged once its run is queued. A message that cannot be applied (not
 * JSON, a record without its key, …) is dead-lettered: published as it came to
 * `<subject>.dlq` (`<topic>/dlq`) with the reason in a header, then acknowledged, so the
 * subscription goes on. Followed again when the graph changes or a job is published, paused
 * or deleted.
 */
export class SyncEventListener {
  #subscriptions = new Map<string, EventSubscription>();
  #graph: Graph | undefined;
  #busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly receive: ReceiveMessage,
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

  async #handle(job: EventDrivenJob, broker: EventBroker, message: EventMessage): Promise<void> {
    // A dead letter (ours, or a trigger's) on a subject the job also reads is not a change.
    if (message.headers[SYNC_DEAD_LETTER_HEADERS.reason]) return;
    const problem = await apply(this.receive, job, message);
    if (problem === undefined) return;
    const { subject, reason } = await deadLetter(broker, message, problem, {
      headers: { [SYNC_DEAD_LETTER_HEADERS.job]: job.name, [SYNC_DEAD_LETTER_HEADERS.cause]: message.subject },
      idPrefix: `dlq:sync:${job.name}`,
    });
    this.log(`sync job ${job.name}: a message on "${message.subject}" could not be applied and was put on "${subject}": ${reason}`);
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
      const subscription = await broker.subscribe(job.subject, (message) => this.#handle(job, broker, message), { durable: name, queue: name });
      this.#subscriptions.set(name, subscription);
    }
  }
}

/** Why a message cannot be applied, or undefined once its run is queued; rejects (redelivery) when that may pass. */
async function apply(receive: ReceiveMessage, job: EventDrivenJob, message: EventMessage): Promise<string | undefined> {
  const body = message.data.length === 0 ? undefined : decodeJsonMessage(message);
  if (body instanceof MalformedMessage) return body.reason;
  try {
    await receive(job.name, `event ${message.subject}`, body, message.id);
    return undefined;
  } catch (error) {
    if (error instanceof GivenChangesError) return error.message;
    throw error;
  }
}

/** The durable consumer of a job: its name and a hash of where it listens, so a job that listens elsewhere starts afresh. */
function consumerOf(job: EventDrivenJob): string {
  const hash = createHash('sha256').update(`${job.source}\n${job.subject}`).digest('hex').slice(0, 8);
  return `skein_sync_${job.name.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
}
