import type { Protocol, SourceKind } from './protocol.js';
import { restProtocol } from './rest/index.js';
import { soapProtocol } from './soap/index.js';
import { graphqlProtocol } from './graphql/index.js';
import { sourceDirectiveSDL } from './source-directive.js';
import { mqttProtocol, natsProtocol } from './events/event-protocol.js';

export type {
  IncomingRequest,
  Operation,
  OperationDefinition,
  Protocol,
  RequestContext,
  RequestIdentity,
  SourceConfig,
  SourceKind,
  SubscriptionOperation,
} from './protocol.js';
export type { CallCache } from './http/call-cache.js';
export { hasCallerHeaders } from './source-headers.js';
export { loaderScope } from './loader-scope.js';
export type { HttpAnswer, HttpCall } from './http/http-client.js';
export { realClock, type Clock } from './http/clock.js';
export { RequestBudget, BudgetCode, responseTooLarge, type BudgetLimits } from './http/request-budget.js';
export { UpstreamError, UpstreamErrorCode, excerpt, withoutUpstreamText } from './upstream-error.js';
export { directiveValues, readSources, sourceUrlVariable, type SourceReadOptions } from './source-directive.js';
export { DocumentRefused, resolveDocument, type DocumentScope } from './document-scope.js';
export { wireNameOf, WIRE_DIRECTIVE } from './wire-names.js';
export { parseTemplate, lookup, type Template } from './template.js';
export { compileDelegatedFields, ownFieldOf, type DelegatedField } from './graphql/index.js';

/** Every protocol Skein speaks, by the `kind` written in `@source`. */
export const protocols: ReadonlyMap<SourceKind, Protocol> = new Map<SourceKind, Protocol>([
  ['REST', restProtocol as Protocol],
  ['SOAP', soapProtocol as Protocol],
  ['GRAPHQL', graphqlProtocol as Protocol],
  ['NATS', natsProtocol as Protocol],
  ['MQTT', mqttProtocol as Protocol],
]);

/** SDL of every directive, input and scalar a source file may use. */
export function sourcesSDL(): string {
  const all = [...protocols.values()];
  return [
    sourceDirectiveSDL(
      all.map((p) => p.kind),
      all.map((p) => p.sourceArguments).filter(Boolean),
    ),
    // Protocols that share directives (NATS and MQTT: @publish, @subscribe) share their SDL.
    ...new Set(all.map((p) => p.sdl)),
  ].join('\n');
}
export { enumValueName, fieldName, isValidGraphQLName, NameRegistry, typeName } from './naming.js';
export { envRefusal, isGatewaySecret } from './env-access.js';
export { fillEnvTemplate } from './env-template.js';
export { isCredentialHeader } from './http/secrets.js';
