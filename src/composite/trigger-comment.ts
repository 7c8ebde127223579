import { Kind, parse, print, type ConstArgumentNode, type ConstValueNode } from 'graphql';
import { fillEnvTemplate, isCredentialHeader } from '../sources/index.js';

/**
 * A composite run by messages: each message on `subject` of event source `source` is one
 * run, its JSON fields the composite's variables; the result is published to `publishTo`.
 * Declared in the composite's comment lines, as `# @rateLimit` is, so the document stays
 * plain GraphQL:
 *
 *   # @trigger(source: "orders", subject: "orders.placed")
 *   # @publishTo(source: "orders", subject: "orders.enriched")
 *   query hotelOrder($orderId: ID!, …) { … }
 *
 * A trigger may name the request headers its runs carry, as a client's request would
 * (`headers: [{ name: "authorization", value: "Bearer {env.SKEIN_SOURCE_ORDERS_TOKEN}" }]`):
 * its identity for the pipeline (a bearer token is verified, and the rate limits and a
 * PRIVATE cache see its subject) and what sources with `forwardHeaders` pass on.
 */
export interface CompositeTrigger {
  /** The composite's name. */
  readonly composite: string;
  readonly source: string;
  /** The subject or topic read; the broker's wildcards allowed. */
  readonly subject: string;
  /** Where results go; without it the composite runs for its effects (a mutation) and nothing is published. */
  readonly publishTo: { readonly source: string; readonly subject: string } | undefined;
  /**
   * Where a message that cannot be run is put, with its reason: by default the message's
   * own subject with `.dlq` (NATS) or `/dlq` (MQTT) appended.
   */
  readonly deadLetter: string | undefined;
  /**
   * The request headers each run carries, lower-case names, `{env.NAME}` filled in when the
   * composite was compiled (the values are secrets: never logged). Empty when none is declared.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * How many deliveries a message whose run keeps failing for a reason that may pass gets
   * before it is dead-lettered with that reason; undefined: the default of the source's kind
   * (`defaultMaxDeliveries`).
   */
  readonly maxDeliveries: number | undefined;
}

/**
 * The bound when `# @trigger` gives none: MQTT 10 (it has no negative acknowledgement, so a
 * failing message is retried in place and holds up the source's later messages; ten
 * deliveries take about two and a half minutes of backoff), NATS none (JetStream redelivers
 * it later while the next messages run, so it may wait out a long outage).
 */
export function defaultMaxDeliveries(kind: string): number | undefined {
  return kind === 'MQTT' ? 10 : undefined;
}

const LINE = /^@(trigger|publishTo)\b(.*)$/;

/**
 * The `@trigger` and `@publishTo` lines of a composite's comment lines, if any; throws an
 * Error saying what is wrong with a malformed one. `@publishTo` needs `@trigger`.
 */
export function compositeTrigger(name: string, description: string | undefined): CompositeTrigger | undefined {
  if (!description) return undefined;
  const found: Partial<Record<'trigger' | 'publishTo', CommentArguments>> = {};
  for (const line of description.split('\n')) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const which = match[1] as 'trigger' | 'publishTo';
    if (found[which]) throw new Error(`composite ${name}: more than one "# @${which}" comment; keep one`);
    found[which] = commentArguments(name, which, match[2]);
  }
  if (!found.trigger) {
    if (found.publishTo) throw new Error(`composite ${name}: "# @publishTo" needs a "# @trigger" line saying which messages run it`);
    return undefined;
  }
  const { strings: trigger, headers, maxDeliveries } = found.trigger;
  for (const key of Object.keys(trigger)) {
    if (!['source', 'subject', 'deadLetter'].includes(key)) throw new Error(`composite ${name}: "# @trigger" has no argument "${key}"; it takes source, subject, deadLetter, headers and maxDeliveries`);
  }
  const publishTo = found.publishTo?.strings;
  for (const key of Object.keys(publishTo ?? {})) {
    if (!['source', 'subject'].includes(key)) throw new Error(`composite ${name}: "# @publishTo" has no argument "${key}"; it takes source and subject`);
  }
  if (found.publishTo?.headers) throw new Error(`composite ${name}: "# @publishTo" has no argument "headers"; a trigger's headers go on "# @trigger"`);
  if (found.publishTo?.maxDeliveries !== undefined) throw new Error(`composite ${name}: "# @publishTo" has no argument "maxDeliveries"; it goes on "# @trigger"`);
  return {
    composite: name,
    source: required(name, 'trigger', trigger, 'source'),
    subject: required(name, 'trigger', trigger, 'subject'),
    publishTo: publishTo ? { source: required(name, 'publishTo', publishTo, 'source'), subject: required(name, 'publishTo', publishTo, 'subject') } : undefined,
    deadLetter: trigger.deadLetter,
    headers: Object.fromEntries(
      (headers ?? []).map((header) => [
        header.name.toLowerCase(),
        fillEnvTemplate(header.value, `composite ${name}: "# @trigger" header ${header.name}`, { secret: isCredentialHeader(header.name) }),
      ]),
    ),
    maxDeliveries,
  };
}

interface CommentArguments {
  readonly strings: Record<string, string>;
  /** `headers: [{ name: "…", value: "…" }]`, the one argument that is not a string. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** `maxDeliveries: 5`, an Int. */
  readonly maxDeliveries?: number;
}

/** `(source: "orders", subject: "orders.placed")` → `{ source: 'orders', subject: 'orders.placed' }`, read by graphql-js's parser. */
function commentArguments(name: string, which: string, text: string): CommentArguments {
  let args: readonly ConstArgumentNode[];
  try {
    const document = parse(`extend schema @${which}${text}`, { noLocation: true });
    const definition = document.definitions[0];
    args = (definition.kind === Kind.SCHEMA_EXTENSION ? definition.directives?.[0]?.arguments : undefined) ?? [];
  } catch (error) {
    throw new Error(`composite ${name}: "# @${which}${text}" does not parse: ${(error as Error).message.replace(/^Syntax Error: /, '')}; write it as # @${which}(source: "…", subject: "…")`);
  }
  const strings: Record<string, string> = {};
  let headers: { name: string; value: string }[] | undefined;
  let maxDeliveries: number | undefined;
  for (const arg of args) {
    if (arg.name.value === 'headers') {
      headers = headerList(name, which, arg.value);
      continue;
    }
    if (arg.name.value === 'maxDeliveries') {
      const value = arg.value.kind === Kind.INT ? Number(arg.value.value) : NaN;
      if (!(value >= 1)) throw new Error(`composite ${name}: "# @${which}" maxDeliveries must be a whole number of at least 1, such as maxDeliveries: 5; found ${print(arg.value)}`);
      maxDeliveries = value;
      continue;
    }
    if (arg.value.kind !== Kind.STRING) throw new Error(`composite ${name}: "# @${which}" argument ${arg.name.value} must be a string in double quotes`);
    strings[arg.name.value] = arg.value.value;
  }
  return { strings, headers, maxDeliveries };
}

/** `[{ name: "authorization", value: "Bearer {env.X}" }]`, each name given once. */
function headerList(name: string, which: string, value: ConstValueNode): { name: string; value: string }[] {
  const expected = `"# @${which}" headers must be a list of { name: "…", value: "…" }`;
  const items = value.kind === Kind.LIST ? value.values : [value];
  const headers = items.map((item) => {
    if (item.kind !== Kind.OBJECT) throw new Error(`composite ${name}: ${expected}, found ${print(item)}`);
    const fields = Object.fromEntries(item.fields.map((field) => [field.name.value, field.value]));
    const unknown = Object.keys(fields).filter((key) => key !== 'name' && key !== 'value');
    const header = fields.name;
    const text = fields.value;
    if (unknown.length > 0 || header?.kind !== Kind.STRING || text?.kind !== Kind.STRING) throw new Error(`composite ${name}: ${expected}, found ${print(item)}`);
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header.value)) throw new Error(`composite ${name}: "# @${which}" header name "${header.value}" is not an HTTP header name`);
    return { name: header.value, value: text.value };
  });
  const names = headers.map((h) => h.name.toLowerCase());
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`composite ${name}: "# @${which}" names header ${twice} twice; keep one`);
  return headers;
}

function required(name: string, which: string, values: Record<string, string>, key: string): string {
  const value = values[key];
  if (!value) throw new Error(`composite ${name}: "# @${which}" needs ${key}: "…"`);
  return value;
}
