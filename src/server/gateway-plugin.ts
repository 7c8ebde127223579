import type { DocumentNode, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { IncomingRequest } from '../sources/index.js';

/**
 * A plugin of the /graphql pipeline: a yoga plugin with a name, so that an error about it
 * can say which one. Every cross-cutting behaviour (limits, masking, plans, CSRF,
 * persisted operations, and later authentication, rate limits, caching, tracing) is one
 * of these, listed once in pipeline.ts and run by both doors.
 */
export interface GatewayPlugin extends Plugin<Record<string, unknown>> {
  readonly name: string;
  /**
   * The plugin's request-level hooks (onRequest, onRequestParse, …) act on browser
   * requests only (`isBrowserRequest`), which the fast lane never serves; so the lane
   * honours it without running those hooks.
   */
  readonly browserOnly?: true;
  /**
   * Skein's hook (envelop has none): each event of a subscription, as graphql-js is about to
   * execute it. graphql-js executes events outside the execute hooks, with the context the
   * subscription was made with; what an event must have of its own (a budget, a span) the
   * plugin returns here, and it hears the event's result (`subscription-events.ts`).
   */
  readonly onSubscriptionEvent?: (context: Readonly<Record<string, unknown>>) => SubscriptionEventHooks | undefined;
}

/** What a plugin gives one event of a subscription: its context's own values, and a look at its result. */
export interface SubscriptionEventHooks {
  /** Set in the event's context (a copy of the subscription's) for its execution. */
  readonly extendContext?: Readonly<Record<string, unknown>>;
  onEventDone?(result: ExecutionResult): void;
}

/**
 * What envelop's `onExecute` and `onSubscribe` both give, for a plugin that acts alike on
 * an operation as it executes and on a subscription as it subscribes (JWT, rate limits).
 */
export interface OperationHookPayload {
  readonly args: { readonly contextValue: unknown; readonly document: DocumentNode; readonly operationName?: string | null };
  extendContext(extension: Record<string, unknown>): void;
  setResultAndStopExecution(result: ExecutionResult): void;
}

/**
 * Whether a browser sent the request. Browsers send `Sec-Fetch-Site` (and `Origin` on
 * cross-origin requests and on POSTs); programs (curl, servers, Node's fetch) send
 * neither. One definition, read by CSRF prevention and by the fast lane.
 */
export function isBrowserRequest(headers: IncomingRequest['headers']): boolean {
  return headers.get('sec-fetch-site') !== null || headers.get('origin') !== null;
}

/** The hooks the fast lane runs: envelop's (through yoga's getEnveloped) and yoga's start-up hook. */
const LANE_HOOKS = new Set([
  'onPluginInit',
  'onEnveloped',
  'onSchemaChange',
  'onContextBuilding',
  'onParse',
  'onValidate',
  'onExecute',
  'onSubscribe',
  'onSubscriptionEvent',
  'onYogaInit',
]);
/** The phases of envelop's instrumentation, which getEnveloped runs too. */
const LANE_INSTRUMENTATION = new Set(['init', 'parse', 'validate', 'context', 'execute', 'subscribe']);
/** yoga's hooks around the HTTP request: a browser-only plugin may have these. */
const REQUEST_HOOKS = new Set(['onRequest', 'onRequestParse', 'onParams', 'onResponse']);

/**
 * Throws when a plugin has a hook the fast lane would not run, naming the plugin and the
 * hook: a behaviour that silently missed most of the traffic would be worse than none.
 */
export function assertLaneRuns(plugins: readonly GatewayPlugin[]): void {
  for (const plugin of plugins) {
    for (const [hook, value] of Object.entries(plugin)) {
      if (hook === 'name' || hook === 'browserOnly' || value === undefined) continue;
      if (hook === 'instrumentation') {
        const phase = Object.keys(value as object).find((key) => !LANE_INSTRUMENTATION.has(key));
        if (phase) throw laneRefusal(plugin, `instrumentation.${phase}`);
        continue;
      }
      if (LANE_HOOKS.has(hook) || (plugin.browserOnly && REQUEST_HOOKS.has(hook))) continue;
      throw laneRefusal(plugin, hook);
    }
  }
}

function laneRefusal(plugin: GatewayPlugin, hook: string): Error {
  return new Error(
    `the fast lane of /graphql cannot run the ${hook} hook of plugin "${plugin.name}": it serves plain JSON POSTs through ` +
      `envelop's hooks only (${[...LANE_HOOKS].join(', ')}). Put the behaviour in one of those, mark the plugin browserOnly ` +
      `if it acts on browser requests only, or build the pipeline without the lane (settings.fastLane: false)`,
  );
}
