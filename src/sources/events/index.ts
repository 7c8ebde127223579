export type {
  EventBroker,
  EventBrokerKind,
  EventBrokerStatus,
  EventHandler,
  EventMessage,
  EventSubscription,
  PublishOptions,
  PublishReceipt,
  SubscribeOptions,
} from './event-broker.js';
export { EventBrokers } from './event-brokers.js';
export { NatsBroker, type NatsBrokerOptions } from './nats/nats-broker.js';
export { MqttBroker, type MqttBrokerOptions } from './mqtt/mqtt-broker.js';
export { topicMatches } from './mqtt/topic-filter.js';
export { redeliveryDelayMs } from './broker-errors.js';
export { deadLetterSubject, levelSeparator, subjectMatches, subjectProblem } from './subjects.js';
export { deadLetter, DEAD_LETTER_REASON_HEADER, type DeadLetterOwner } from './dead-letter.js';
export { decodeJsonMessage, encodeJson, MalformedMessage } from './message-json.js';
