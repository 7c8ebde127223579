import type { EventBrokerKind } from './event-broker.js';
import { topicMatches } from './mqtt/topic-filter.js';

/**
 * What a subject (NATS) or topic (MQTT) may look like, per broker. Publishing needs a
 * concrete one; subscribing may use the broker's wildcards. Returns what is wrong, or
 * undefined when it is fine.
 */
export function subjectProblem(kind: EventBrokerKind, subject: string, use: 'publish' | 'subscribe'): string | undefined {
  if (subject.length === 0) return 'it is empty';
  if (/\s/.test(subject)) return 'it contains white space';
  if (kind === 'NATS') {
    const tokens = subject.split('.');
    if (tokens.some((t) => t === '')) return 'it has an empty token (NATS subjects are tokens separated by single dots)';
    const wild = tokens.findIndex((t) => t === '*' || t === '>');
    if (use === 'publish' && wild >= 0) return 'a NATS subject to publish to cannot hold the wildcards * or >';
    if (tokens.some((t) => t !== '*' && t !== '>' && /[*>]/.test(t))) return '* and > must be whole tokens';
    if (tokens.slice(0, -1).includes('>')) return '> may only be the last token';
    return undefined;
  }
  const levels = subject.split('/');
  if (use === 'publish' && /[+#]/.test(subject)) return 'an MQTT topic to publish to cannot hold the wildcards + or #';
  if (levels.some((l) => l !== '+' && l !== '#' && /[+#]/.test(l))) return '+ and # must be whole levels';
  if (levels.slice(0, -1).includes('#')) return '# may only be the last level';
  return undefined;
}

/** The separator of subject levels, which a value filled into a subject must not contain. */
export function levelSeparator(kind: EventBrokerKind): string {
  return kind === 'NATS' ? '.' : '/';
}

/** Whether a concrete subject (topic) falls under a pattern with the broker's wildcards. */
export function subjectMatches(kind: EventBrokerKind, pattern: string, subject: string): boolean {
  if (kind === 'MQTT') return topicMatches(pattern, subject);
  const wanted = pattern.split('.');
  const tokens = subject.split('.');
  for (let i = 0; i < wanted.length; i++) {
    if (wanted[i] === '>') return tokens.length > i;
    if (i >= tokens.length) return false;
    if (wanted[i] !== '*' && wanted[i] !== tokens[i]) return false;
  }
  return wanted.length === tokens.length;
}

/** Where a message that cannot be handled goes by default: its subject, one level deeper, `dlq`. */
export function deadLetterSubject(kind: EventBrokerKind, subject: string): string {
  return `${subject}${levelSeparator(kind)}dlq`;
}
