import type { EventBroker, EventMessage } from './event-broker.js';
import { deadLetterSubject } from './subjects.js';

/** The header of every dead letter Skein publishes: why the message could not be handled. */
export const DEAD_LETTER_REASON_HEADER = 'Skein-Dead-Letter-Reason';

/** What gave up on a message: its headers on the dead letter, and the prefix of its id. */
export interface DeadLetterOwner {
  /** Headers naming the consumer (`Skein-Dead-Letter-Composite: hotelOrder`) and the subject it read. */
  readonly headers: Readonly<Record<string, string>>;
  /** Makes the dead letter's id from the message's, so a redelivered message is dead-lettered once. */
  readonly idPrefix: string;
  /** Where it goes; by default the message's subject one level deeper, `dlq`. */
  readonly subject?: string;
}

/**
 * Puts a message its consumer can never handle on a dead-letter subject, with its data and
 * headers as they came and the reason in a header (one line: a header cannot hold more),
 * so the consumer can acknowledge it and go on. Resolves with where it went and the reason
 * as written, once the broker has accepted it.
 */
export async function deadLetter(
  broker: EventBroker,
  message: EventMessage,
  reason: string,
  owner: DeadLetterOwner,
): Promise<{ readonly subject: string; readonly reason: string }> {
  const subject = owner.subject ?? deadLetterSubject(broker.kind, message.subject);
  const oneLine = reason.replace(/\s+/g, ' ').slice(0, 1_000);
  await broker.publish(
    subject,
    message.data,
    { ...message.headers, [DEAD_LETTER_REASON_HEADER]: oneLine, ...owner.headers },
    { messageId: message.id ? `${owner.idPrefix}:${message.id}` : undefined },
  );
  return { subject, reason: oneLine };
}
