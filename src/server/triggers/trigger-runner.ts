import { createHash } from 'node:crypto';
import type { ExecutionResult, GraphQLError, GraphQLField } from 'graphql';
import { defaultMaxDeliveries, type CompositeTrigger } from '../../composite/index.js';
import type { Graph } from '../../graph/index.js';
import {
  DEAD_LETTER_REASON_HEADER,
  deadLetter,
  decodeJsonMessage,
  encodeJson,
  MalformedMessage,
  type EventBroker,
  type EventMessage,
  type EventSubscription,
} from '../../sources/events/index.js';
import { documentFor } from '../capabilities/composite-endpoint.js';
import { BadVariables, variablesFromBody } from '../capabilities/request-variables.js';
import { errorJSON } from '../finish-result.js';
import type { LiveGraph } from '../gateway.js';
import type { TrustedOperation } from '../pipeline.js';

/** Headers Skein sets on what it publishes; a trigger never runs on a message that carries one. */
export const TRIGGER_HEADERS = {
  /** On a result: the composite that made it. */
  resultOf: 'Skein-Result-Of',
  /** On a result and a dead letter: the subject of the message that caused it. */
  cause: 'Skein-Trigger-Subject',
  /** On a dead letter: why the message could not be run. */
  deadLetterReason: DEAD_LETTER_REASON_HEADER,
  deadLetterComposite: 'Skein-Dead-Letter-Composite',
} as const;

/**
 * Upstream failures that may pass (a timeout, a 503, an open breaker, a paused composite,
 * a rate limit): the message is not acknowledged and comes again after a backoff. Any
 * other failure is the message's own: it is dead-lettered or its result says so.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  'UPSTREAM_UNREACHABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_CIRCUIT_OPEN',
  'UPSTREAM_OVERLOADED',
  'UPSTREAM_CANCELLED',
  'UPSTREAM_BROKER_REFUSED',
  'SOURCE_UNAVAILABLE',
  'COMPOSITE_PAUSED',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
]);

export interface TriggerRunnerOptions {
  /** The graph served; its triggers are started, and started again on every new graph. */
  readonly live: LiveGraph;
  /** Runs a composite's document through the pipeline (GraphQLPipeline.execute). */
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
  readonly log: (line: string) => void;
}

export interface TriggerRunner {
  /** Stops reading messages (what is being run finishes first). */
  close(): Promise<void>;
}

/**
 * Runs composites on messages (`# @trigger`): for each trigger of the served graph, one
 * durable subscription (a JetStream durable consumer, or an MQTT shared subscription) named
 * after the composite, shared by every gateway of a cluster. Each message runs the composite
 * once, with the message's JSON fields as its variables (fields that are not variables are
 * ignored), through the pipeline as /api runs it. Then:
 *
 * - the result `{ data, errors? }` is published to `# @publishTo`, with a message id derived
 *   from the message's (so a redelivered message's result is stored once), and the message
 *   is acknowledged after the broker accepted the result: at least once, end to end;
 * - an upstream failure that may pass leaves the message unacknowledged: it comes again
 *   after a backoff (1 s, doubling, at most 30 s);
 * - a message that cannot run (not JSON, not an object, a variable missing or of the wrong
 *   type, or a composite that answered nothing for it) is dead-lettered: published as it came
 *   to `<subject>.dlq` (or `deadLetter:`) with its reason in a header, then acknowledged, so
 *   the subscription goes on.
 */
export function startTriggers(options: TriggerRunnerOptions): TriggerRunner {
  let running: Promise<EventSubscription[]> = startFor(options.live.current(), options);
  let closed = false;
  const stopWatching = options.live.subscribe?.((graph) => {
    if (closed) return;
    const previous = running;
    running = previous.then(async (subscriptions) => {
      await Promise.all(subscriptions.map((s) => s.close()));
      return startFor(graph, options);
    });
  });
  return {
    async close() {
      closed = true;
      stopWatching?.();
      const subscriptions = await running;
      await Promise.all(subscriptions.map((s) => s.close()));
    },
  };
}

async function startFor(graph: Graph, options: TriggerRunnerOptions): Promise<EventSubscription[]> {
  const subscriptions: EventSubscription[] = [];
  for (const trigger of graph.triggers ?? []) {
    try {
      const broker = graph.brokers.require(trigger.source);
      const name = consumerName(trigger);
      const handler = (message: EventMessage) => runBounded(graph, trigger, broker, message, options);
      const subscription = await broker.subscribe(trigger.subject, handler, { durable: name, queue: name });
      subscriptions.push(subscription);
      void subscription.ready.then(() =>
        options.log(`skein: composite ${trigger.composite} runs on messages on "${trigger.subject}" (source ${trigger.source}, consumer ${name})`),
      );
    } catch (error) {
      // One trigger that cannot start does not stop the others, nor the gateway.
      options.log(`skein: composite ${trigger.composite} cannot run on messages on "${trigger.subject}": ${(error as Error).message}`);
    }
  }
  return subscriptions;
}

/**
 * The durable consumer's name: the composite's, and a hash of the subject, so a version that
 * reads another subject starts a consumer of its own rather than meet the old one's filter.
 */
export function consumerName(trigger: CompositeTrigger): string {
  const hash = createHash('sha256').update(`${trigger.source}\n${trigger.subject}`).digest('hex').slice(0, 8);
  return `skein_${trigger.composite.replace(/[^A-Za-z0-9_-]/g, '_')}_${hash}`;
}

/**
 * One delivery of a message: its run, and when that fails (the message is to come again)
 * after the trigger's maxDeliveries, its dead letter with the reason instead, so a message
 * that keeps failing does not hold up an MQTT source's later messages for ever.
 */
async function runBounded(graph: Graph, trigger: CompositeTrigger, broker: EventBroker, message: EventMessage, options: TriggerRunnerOptions): Promise<void> {
  try {
    await runOnce(graph, trigger, broker, message, options);
  } catch (error) {
    const bound = trigger.maxDeliveries ?? defaultMaxDeliveries(broker.kind);
    if (bound === undefined || message.deliveryCount < bound) throw error;
    const reason = `gave up after ${message.deliveryCount} deliveries (maxDeliveries ${bound}): ${(error as Error).message}`;
    // When dead-lettering fails too, this rejects and the message comes again.
    await putAside(trigger, broker, message, reason, options);
  }
}

async function runOnce(graph: Graph, trigger: CompositeTrigger, broker: EventBroker, message: EventMessage, options: TriggerRunnerOptions): Promise<void> {
  // Skein's own output (a result, a dead letter) on a subject the trigger also reads is not an order to run.
  if (message.headers[TRIGGER_HEADERS.resultOf] || message.headers[TRIGGER_HEADERS.deadLetterReason]) return;
  const name = trigger.composite;
  const plan = graph.plans.get(name);
  const root = plan?.operation === 'mutation' ? graph.schema.getMutationType() : graph.schema.getQueryType();
  const field = root?.getFields()[name] as GraphQLField<unknown, unknown> | undefined;
  if (!plan || !field) throw new Error(`composite ${name} is not in the served graph`);

  const event = decodeJsonMessage(message);
  if (event instanceof MalformedMessage) return putAside(trigger, broker, message, event.reason, options);
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return putAside(trigger, broker, message, `expected a JSON object whose fields are ${name}'s variables, found ${Array.isArray(event) ? 'an array' : JSON.stringify(event)}`, options);
  }
  const fields = event as Record<string, unknown>;
  let variables: Record<string, unknown>;
  try {
    const named = Object.fromEntries(field.args.filter((a) => a.name in fields).map((a) => [a.name, fields[a.name]]));
    variables = variablesFromBody(name, field.args, named);
  } catch (error) {
    if (error instanceof BadVariables) return putAside(trigger, broker, message, error.message, options);
    throw error;
  }

  // The trigger's declared headers are its request's: its identity for the token check, rate limits and cache, and what sources may forward.
  const result = (await options.execute({
    graph,
    document: documentFor(graph, plan.operation, field),
    variables,
    headers: trigger.headers,
    client: `trigger:${name}`,
  })) as ExecutionResult<Record<string, unknown>>;
  const errors: readonly GraphQLError[] = result.errors ?? [];
  const passing = errors.filter(isRetryable);
  if (passing.length > 0) {
    // Not acknowledged: the broker delivers it again after a backoff.
    throw new Error(`${name} could not run now: ${describeErrors(passing)}`);
  }
  const value = result.data?.[name];
  if (value === undefined || (value === null && errors.length > 0)) {
    return putAside(trigger, broker, message, `${name} answered no data: ${describeErrors(errors) || 'no result'}`, options);
  }
  if (!trigger.publishTo) return;
  const target = graph.brokers.require(trigger.publishTo.source);
  const body = errors.length > 0 ? { data: value, errors: errors.map(errorJSON) } : { data: value };
  await target.publish(
    trigger.publishTo.subject,
    encodeJson(body),
    { 'content-type': 'application/json', [TRIGGER_HEADERS.resultOf]: name, [TRIGGER_HEADERS.cause]: message.subject },
    { messageId: message.id ? `${name}:${message.id}` : undefined },
  );
}

async function putAside(trigger: CompositeTrigger, broker: EventBroker, message: EventMessage, reason: string, options: TriggerRunnerOptions): Promise<void> {
  const put = await deadLetter(broker, message, reason, {
    headers: { [TRIGGER_HEADERS.deadLetterComposite]: trigger.composite, [TRIGGER_HEADERS.cause]: message.subject },
    idPrefix: `dlq:${trigger.composite}`,
    subject: trigger.deadLetter,
  });
  options.log(`skein: a message on "${message.subject}" could not run composite ${trigger.composite} and was put on "${put.subject}": ${put.reason}`);
}

function isRetryable(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  if (code === 'UPSTREAM_HTTP_ERROR') {
    const status = error.extensions?.status;
    return typeof status !== 'number' || status >= 500 || status === 429 || status === 408;
  }
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

function describeErrors(errors: readonly GraphQLError[]): string {
  return errors.map((e) => `${e.extensions?.code ?? 'ERROR'}${e.path ? ` at ${e.path.join('.')}` : ''}: ${e.message}`).join('; ');
}
