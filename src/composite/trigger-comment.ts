import { Kind, parse, type ConstArgumentNode } from 'graphql';

/**
 * A composite run by messages: each message on `subject` of event source `source` is one
 * run, its JSON fields the composite's variables; the result is published to `publishTo`.
 * Declared in the composite's comment lines, as `# @rateLimit` is, so the document stays
 * plain GraphQL:
 *
 *   # @trigger(source: "orders", subject: "orders.placed")
 *   # @publishTo(source: "orders", subject: "orders.enriched")
 *   query hotelOrder($orderId: ID!, …) { … }
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
}

const LINE = /^@(trigger|publishTo)\b(.*)$/;

/**
 * The `@trigger` and `@publishTo` lines of a composite's comment lines, if any; throws an
 * Error saying what is wrong with a malformed one. `@publishTo` needs `@trigger`.
 */
export function compositeTrigger(name: string, description: string | undefined): CompositeTrigger | undefined {
  if (!description) return undefined;
  const found: Partial<Record<'trigger' | 'publishTo', Record<string, string>>> = {};
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
  const trigger = found.trigger;
  for (const key of Object.keys(trigger)) {
    if (!['source', 'subject', 'deadLetter'].includes(key)) throw new Error(`composite ${name}: "# @trigger" has no argument "${key}"; it takes source, subject and deadLetter`);
  }
  const publishTo = found.publishTo;
  for (const key of Object.keys(publishTo ?? {})) {
    if (!['source', 'subject'].includes(key)) throw new Error(`composite ${name}: "# @publishTo" has no argument "${key}"; it takes source and subject`);
  }
  return {
    composite: name,
    source: required(name, 'trigger', trigger, 'source'),
    subject: required(name, 'trigger', trigger, 'subject'),
    publishTo: publishTo ? { source: required(name, 'publishTo', publishTo, 'source'), subject: required(name, 'publishTo', publishTo, 'subject') } : undefined,
    deadLetter: trigger.deadLetter,
  };
}

/** `(source: "orders", subject: "orders.placed")` → `{ source: 'orders', subject: 'orders.placed' }`, read by graphql-js's parser. */
function commentArguments(name: string, which: string, text: string): Record<string, string> {
  let args: readonly ConstArgumentNode[];
  try {
    const document = parse(`extend schema @${which}${text}`, { noLocation: true });
    const definition = document.definitions[0];
    args = (definition.kind === Kind.SCHEMA_EXTENSION ? definition.directives?.[0]?.arguments : undefined) ?? [];
  } catch (error) {
    throw new Error(`composite ${name}: "# @${which}${text}" does not parse: ${(error as Error).message.replace(/^Syntax Error: /, '')}; write it as # @${which}(source: "…", subject: "…")`);
  }
  const values: Record<string, string> = {};
  for (const arg of args) {
    if (arg.value.kind !== Kind.STRING) throw new Error(`composite ${name}: "# @${which}" argument ${arg.name.value} must be a string in double quotes`);
    values[arg.name.value] = arg.value.value;
  }
  return values;
}

function required(name: string, which: string, values: Record<string, string>, key: string): string {
  const value = values[key];
  if (!value) throw new Error(`composite ${name}: "# @${which}" needs ${key}: "…"`);
  return value;
}
