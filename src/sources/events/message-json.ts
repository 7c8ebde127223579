import type { EventMessage } from './event-broker.js';

/** A message whose payload is not the JSON its reader expects, and why. */
export class MalformedMessage {
  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {}
}

/** The message's payload as JSON, or a MalformedMessage saying why it is not. */
export function decodeJsonMessage(message: EventMessage): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(message.data);
  } catch {
    return new MalformedMessage(message.subject, 'the payload is not UTF-8 text');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return new MalformedMessage(message.subject, `the payload is not JSON (${(error as Error).message})`);
  }
}

/** The payload as JSON bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value ?? null));
}
