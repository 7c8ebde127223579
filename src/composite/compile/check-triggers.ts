import { SchemaError } from '../../errors/schema-error.js';
import type { SourceConfig } from '../../sources/index.js';
import { subjectMatches, subjectProblem, type EventBrokerKind } from '../../sources/events/index.js';
import type { CompiledComposite } from './compile-composite.js';

const EVENT_KINDS: ReadonlySet<string> = new Set<EventBrokerKind>(['NATS', 'MQTT']);

/**
 * Checks each composite's `# @trigger` and `# @publishTo` against the graph's sources: both
 * name event sources (NATS, MQTT), their subjects are valid there, and a result would not
 * trigger the composite again. Errors are at the composite's operation.
 */
export function checkTriggers(composites: readonly CompiledComposite[], sources: ReadonlyMap<string, SourceConfig>): SchemaError[] {
  const errors: SchemaError[] = [];
  for (const { trigger, location } of composites) {
    if (!trigger) continue;
    const fail = (message: string) => errors.push(new SchemaError(`composite ${trigger.composite}: ${message} (in the comment lines above the operation)`, location));
    const kindOf = (which: string, name: string): EventBrokerKind | undefined => {
      const source = sources.get(name);
      const events = [...sources.values()].filter((s) => EVENT_KINDS.has(s.kind)).map((s) => `"${s.name}"`);
      if (!source) fail(`"# @${which}" names source "${name}", which is not declared (event sources: ${events.join(', ') || 'none'})`);
      else if (!EVENT_KINDS.has(source.kind)) fail(`"# @${which}" names source "${name}", which is ${source.kind}, not an event source (NATS or MQTT)`);
      else return source.kind as EventBrokerKind;
      return undefined;
    };
    const kind = kindOf('trigger', trigger.source);
    if (kind) {
      const problem = subjectProblem(kind, trigger.subject, 'subscribe');
      if (problem) fail(`"# @trigger" subject "${trigger.subject}" is not a ${kind} subject to subscribe to: ${problem}`);
      if (trigger.deadLetter) {
        const dlq = subjectProblem(kind, trigger.deadLetter, 'publish');
        if (dlq) fail(`"# @trigger" deadLetter "${trigger.deadLetter}" is not a ${kind} subject to publish to: ${dlq}`);
      }
    }
    if (!trigger.publishTo) continue;
    const target = kindOf('publishTo', trigger.publishTo.source);
    if (!target) continue;
    const problem = subjectProblem(target, trigger.publishTo.subject, 'publish');
    if (problem) fail(`"# @publishTo" subject "${trigger.publishTo.subject}" is not a ${target} subject to publish to: ${problem}`);
    else if (trigger.publishTo.source === trigger.source && subjectMatches(target, trigger.subject, trigger.publishTo.subject)) {
      fail(`"# @publishTo" subject "${trigger.publishTo.subject}" is among those "# @trigger" reads ("${trigger.subject}"): each result would run the composite again`);
    }
  }
  return errors;
}
