import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { SchemaError } from '../../errors/schema-error.js';
import { DocumentRefused, isHttpUrl, resolveDocument } from '../document-scope.js';
import { fillEnvTemplate } from '../env-template.js';
import type { Operation, OperationDefinition, Protocol, SourceConfig, SourceLog, SubscriptionOperation } from '../protocol.js';
import { lookup, parseTemplate, type Template } from '../template.js';
import type { EventBroker, EventBrokerKind } from './event-broker.js';
import { eventStream } from './event-stream.js';
import { encodeJson, MalformedMessage } from './message-json.js';
import { MqttBroker } from './mqtt/mqtt-broker.js';
import { NatsBroker } from './nats/nats-broker.js';
import { levelSeparator, subjectProblem } from './subjects.js';
import { brokerUnavailable } from './broker-errors.js';

/** SDL shared by every event protocol: `@subscribe`, `@publish` and the filter input. */
export const eventDirectivesSDL = /* GraphQL */ `
"""
A condition on a message: it is delivered only when the value at \`field\` (a dotted path into the
message's JSON) equals \`value\`: a constant, or a template naming the field's arguments ("{hotelId}").
A condition whose arguments are all null is left out.
"""
input EventFilter { field: String!, value: String! }

"""
Serves a Subscription field from the messages on \`subject\` of an event source (NATS, MQTT); each
message's JSON is the field's value. The broker's wildcards may be used (NATS * and >, MQTT + and #).
Without \`filter\`, every argument of the field filters the message field of its name.
"""
directive @subscribe(source: String!, subject: String!, filter: [EventFilter!]) on FIELD_DEFINITION

"""
Makes a Mutation field publish its input as JSON to \`subject\` of an event source, answering once the
broker accepted it (JetStream PubAck, MQTT PUBACK). The input is the field's one input-object argument,
else all its arguments as one object. \`subject\` may name arguments: "orders.{input.hotelId}".
\`messageId\` (a template too) lets JetStream drop a retried duplicate.
"""
directive @publish(source: String!, subject: String!, messageId: String) on FIELD_DEFINITION
`;

/** What a `@publish` field may return, besides Boolean (true) and JSON (the whole receipt). */
const RECEIPT_FIELDS = new Set(['source', 'subject', 'stream', 'sequence', 'duplicate', 'messageId']);

export interface EventClient {
  readonly broker: EventBroker;
}

/** The protocol of one broker kind: how a source of that kind connects, and the two directives. */
function eventProtocol(kind: EventBrokerKind, options: { sourceArguments: string; urlSchemes: readonly string[]; connect: (source: SourceConfig, log: SourceLog | undefined) => EventBroker }): Protocol<EventClient> {
  return {
    kind,
    directive: 'publish',
    subscriptionDirective: 'subscribe',
    sdl: eventDirectivesSDL,
    sourceArguments: options.sourceArguments,
    urlSchemes: options.urlSchemes,
    async connect(source, context) {
      if (!source.url) throw new SchemaError(`source "${source.name}" (${kind}) needs a url, such as ${options.urlSchemes[0]}://127.0.0.1`, source.location);
      // Returns at once: the broker connects in the background, so a broker that is down does not hold the gateway up.
      return { broker: options.connect(source, context) };
    },
    compileOperation: (definition) => compilePublish(kind, definition),
    compileSubscription: (definition) => compileSubscribe(kind, definition),
    brokerOf: (client) => client.broker,
    close: (client) => client.broker.close(),
  };
}

export const natsProtocol = eventProtocol('NATS', {
  sourceArguments: [
    '"NATS: the JetStream stream that stores what is published and that durable consumers (triggers) read."',
    'stream: String',
    '"NATS: when the stream does not exist, it is created with these subjects."',
    'streamSubjects: [String!]',
    '"NATS: the user to connect as (with password); may name environment variables: \\"{env.SKEIN_SOURCE_BUS_USER}\\". Wins over a user in the url."',
    'user: String',
    '"NATS (with user) and MQTT (with username): the password; may name environment variables: \\"{env.SKEIN_SOURCE_BUS_PASSWORD}\\". Never shown in a log, an error or /readyz."',
    'password: String',
    '"NATS: an authentication token; may name environment variables."',
    'token: String',
    '"NATS: a credentials file (the user JWT and NKey seed nsc writes): a file in the source\'s folder, or a path the operator gives as \\"{env.NAME}\\"."',
    'credsFile: String',
  ].join('\n  '),
  urlSchemes: ['nats', 'tls'],
  connect(source, log) {
    const stream = source.options.stream as string | null | undefined;
    if (!stream) throw new SchemaError(`source "${source.name}" (NATS) needs stream: the JetStream stream its messages are stored in`, source.location);
    const url = new URL(source.url!);
    const fromUrl = urlCredentials(url);
    return new NatsBroker({
      source: source.name,
      url: `${url.protocol}//${url.host}`,
      user: credential(source, 'user', false) ?? fromUrl.username,
      pass: credential(source, 'password', true) ?? fromUrl.password,
      token: credential(source, 'token', true),
      credsFile: credsFileOf(source),
      stream,
      streamSubjects: (source.options.streamSubjects as string[] | null | undefined) ?? undefined,
      timeoutMs: source.timeoutMs,
      log,
    });
  },
});

export const mqttProtocol = eventProtocol('MQTT', {
  sourceArguments: [
    '"MQTT: a fixed client id makes the session persistent: QoS 1 messages that arrive while the gateway is away are kept for it."',
    'clientId: String',
    '"MQTT: the user name to connect with (with password); may name environment variables. Wins over a user in the url."',
    'username: String',
  ].join('\n  '),
  urlSchemes: ['mqtt', 'mqtts', 'ws', 'wss'],
  connect(source, log) {
    const url = new URL(source.url!);
    const fromUrl = urlCredentials(url);
    url.username = '';
    url.password = '';
    return new MqttBroker({
      source: source.name,
      url: url.toString(),
      username: credential(source, 'username', false) ?? fromUrl.username,
      password: credential(source, 'password', true) ?? fromUrl.password,
      clientId: (source.options.clientId as string | null | undefined) ?? undefined,
      timeoutMs: source.timeoutMs,
      log,
    });
  },
});

/** The user and password written in a broker URL (`nats://user:pass@host`), decoded. */
function urlCredentials(url: URL): { username?: string; password?: string } {
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/** A credential argument of `@source`, `{env.NAME}` filled in (a secret when `secret`: never shown); undefined when not given. */
function credential(source: SourceConfig, argument: string, secret: boolean): string | undefined {
  const text = source.options[argument] as string | null | undefined;
  if (text === null || text === undefined) return undefined;
  try {
    return fillEnvTemplate(text, `source "${source.name}" (${source.kind}), ${argument}`, { secret });
  } catch (error) {
    throw new SchemaError((error as Error).message, source.location);
  }
}

/**
 * The absolute path of a NATS source's credentials file, checked to be readable: in the
 * source's folder when written as a path, anywhere when the operator's environment names it
 * (`{env.NAME}`), as a schema author with an admin token must not point a source at any file.
 */
function credsFileOf(source: SourceConfig): string | undefined {
  const text = source.options.credsFile as string | null | undefined;
  if (!text) return undefined;
  const fromEnvironment = /\{\s*env\./.test(text);
  const written = credential(source, 'credsFile', false)!;
  let file: string;
  try {
    file = fromEnvironment ? path.resolve(written) : resolveDocument(written, source.file, source.documents);
  } catch (error) {
    if (!(error instanceof DocumentRefused)) throw error;
    throw new SchemaError(`source "${source.name}" (NATS), credsFile: ${error.message}; name a file elsewhere through {env.NAME}`, source.location);
  }
  if (isHttpUrl(file)) throw new SchemaError(`source "${source.name}" (NATS), credsFile: "${written}" is a URL; it must be a file`, source.location);
  try {
    accessSync(file, constants.R_OK);
  } catch {
    throw new SchemaError(`source "${source.name}" (NATS), credsFile: the file "${file}" cannot be read; give a credentials file (nsc writes them) the gateway may read`, source.location);
  }
  return file;
}

function compilePublish(kind: EventBrokerKind, { field, parentType, node, directiveArgs, source, client }: OperationDefinition<EventClient>): Operation {
  const name = `${parentType}.${field.name}`;
  const at = node.directives?.find((d) => d.name.value === 'publish') ?? node;
  if (parentType !== 'Mutation') {
    throw new SchemaError(`@publish on ${name}: publishing changes something, so it belongs on a Mutation field`, at);
  }
  const subject = subjectTemplate(kind, String(directiveArgs.subject), name, 'publish', at);
  checkPlaceholders(subject, field, name, 'subject', at);
  const messageId = directiveArgs.messageId ? templateOf(String(directiveArgs.messageId), name, 'messageId', at) : undefined;
  if (messageId) checkPlaceholders(messageId, field, name, 'messageId', at);
  const answer = receiptShape(field.type, name, at);
  const inputArgument = field.args.length === 1 && isInputObjectType(getNullableType(field.args[0].type)) ? field.args[0].name : undefined;
  const broker = client.broker;
  const separator = levelSeparator(kind);
  return {
    name,
    source,
    idempotent: false,
    async call(args) {
      const to = subject.render(args, (value) => {
        if (value.length === 0 || value.includes(separator) || /[\s*>+#]/.test(value)) {
          throw new GraphQLError(`${name}: the value "${value}" cannot be part of the subject "${subject.text}" (no "${separator}", white space or wildcards)`, {
            extensions: { code: 'BAD_USER_INPUT', field: name },
          });
        }
        return value;
      });
      if (to === undefined) {
        throw new GraphQLError(`${name}: the subject "${subject.text}" names arguments that are all null`, { extensions: { code: 'BAD_USER_INPUT', field: name } });
      }
      if (broker.status() !== 'up') throw brokerUnavailable(broker, to);
      const payload = inputArgument ? args[inputArgument] : args;
      const id = messageId?.render(args);
      const receipt = await broker.publish(to, encodeJson(payload), { 'content-type': 'application/json' }, { messageId: id });
      const full = { source: source.name, messageId: id, ...receipt };
      return answer === 'boolean' ? true : full;
    },
  };
}

function compileSubscribe(kind: EventBrokerKind, { field, parentType, node, directiveArgs, source, client }: OperationDefinition<EventClient>): SubscriptionOperation {
  const name = `${parentType}.${field.name}`;
  const at = node.directives?.find((d) => d.name.value === 'subscribe') ?? node;
  const subject = String(directiveArgs.subject);
  const problem = subjectProblem(kind, subject, 'subscribe');
  if (problem) throw new SchemaError(`@subscribe on ${name}: subject "${subject}" is not a ${kind} subject to subscribe to: ${problem}`, at);
  const conditions = filterConditions(field, name, directiveArgs.filter as { field: string; value: string }[] | null | undefined, at);
  const broker = client.broker;
  return {
    name,
    source,
    async subscribe(args, context) {
      if (broker.status() !== 'up') throw brokerUnavailable(broker, subject);
      const wanted = conditions.flatMap(({ path, value }) => {
        const expected = value.render(args);
        return expected === undefined ? [] : [{ path, expected }];
      });
      const accept = (event: unknown) => wanted.every(({ path, expected }) => sameValue(lookup(event as Record<string, unknown>, path), expected));
      const signals = [context.request?.signal, context.stopping].filter((signal): signal is AbortSignal => signal !== undefined);
      return eventStream(broker, subject, accept, signals.length > 0 ? AbortSignal.any(signals) : undefined);
    },
    resolve(event) {
      if (event instanceof MalformedMessage) {
        throw new GraphQLError(`A message on "${event.subject}" from source "${source.name}" could not be read: ${event.reason}`, {
          extensions: { code: 'MALFORMED_EVENT', source: source.name, subject: event.subject },
        });
      }
      return event;
    },
  };
}

/** The field's filter: as declared, or one condition per argument on the message field of the same name. */
function filterConditions(
  field: GraphQLField<unknown, unknown>,
  name: string,
  declared: readonly { field: string; value: string }[] | null | undefined,
  at: Parameters<typeof templateOf>[3],
): { path: string[]; value: Template }[] {
  const eventType = getNamedType(field.type);
  const checkPath = (path: string[], what: string) => {
    let type: GraphQLOutputType | undefined = eventType;
    for (const part of path) {
      const named: GraphQLNamedType | undefined = type && getNamedType(type);
      if (!named || !isObjectType(named)) return; // JSON or a scalar: nothing to check against
      const next: GraphQLField<unknown, unknown> | undefined = named.getFields()[part];
      if (!next) {
        throw new SchemaError(`@subscribe on ${name}: ${what} filters on "${path.join('.')}", but ${named.name} has no field "${part}"`, at);
      }
      type = next.type;
    }
  };
  if (!declared) {
    return field.args.map((arg) => {
      checkPath([arg.name], `argument ${arg.name}`);
      return { path: [arg.name], value: templateOf(`{${arg.name}}`, name, 'filter', at) };
    });
  }
  return declared.map((condition) => {
    const path = condition.field.split('.');
    if (path.some((p) => p === '')) throw new SchemaError(`@subscribe on ${name}: filter field "${condition.field}" is not a dotted path`, at);
    checkPath(path, 'a filter');
    const value = templateOf(condition.value, name, 'filter value', at);
    checkPlaceholders(value, field, name, 'filter value', at);
    return { path, value };
  });
}

function sameValue(actual: unknown, expected: string): boolean {
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  return String(actual) === expected;
}

function subjectTemplate(kind: EventBrokerKind, text: string, name: string, use: 'publish' | 'subscribe', at: Parameters<typeof templateOf>[3]): Template {
  const template = templateOf(text, name, 'subject', at);
  // Check the subject with each placeholder standing for one plain token.
  const problem = subjectProblem(kind, text.replace(/\{[^{}]*\}/g, 'x'), use);
  if (problem) throw new SchemaError(`@${use} on ${name}: subject "${text}" is not a ${kind} subject to ${use} to: ${problem}`, at);
  return template;
}

function templateOf(text: string, name: string, what: string, at: ConstructorParameters<typeof SchemaError>[1]): Template {
  try {
    return parseTemplate(text);
  } catch (error) {
    throw new SchemaError(`${name}: ${what}: ${(error as Error).message}`, at);
  }
}

function checkPlaceholders(template: Template, field: GraphQLField<unknown, unknown>, name: string, what: string, at: Parameters<typeof templateOf>[3]): void {
  for (const placeholder of template.placeholders) {
    if (!field.args.some((arg) => arg.name === placeholder[0])) {
      const known = field.args.map((a) => a.name).join(', ') || 'none';
      throw new SchemaError(`${name}: ${what} "${template.text}" names {${placeholder.join('.')}}, which is not an argument of the field (arguments: ${known})`, at);
    }
  }
}

/** How a `@publish` field answers: true, or (part of) the receipt. */
function receiptShape(type: GraphQLOutputType, name: string, at: Parameters<typeof templateOf>[3]): 'boolean' | 'receipt' {
  const named = getNullableType(type);
  if (isScalarType(named) && named.name === 'Boolean') return 'boolean';
  if (isScalarType(named) && named.name === 'JSON') return 'receipt';
  if (isObjectType(named)) {
    const unknown = Object.keys(named.getFields()).filter((f) => !RECEIPT_FIELDS.has(f));
    if (unknown.length === 0) return 'receipt';
    throw new SchemaError(
      `@publish on ${name}: ${named.name} has ${unknown.map((f) => `"${f}"`).join(', ')}, which a publish receipt does not; its fields may be ${[...RECEIPT_FIELDS].join(', ')}`,
      at,
    );
  }
  throw new SchemaError(`@publish on ${name}: the field must return Boolean, JSON or a receipt type (fields among ${[...RECEIPT_FIELDS].join(', ')}), not ${String(type)}`, at);
}
