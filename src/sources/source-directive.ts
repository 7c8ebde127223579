import {
  getDirectiveValues,
  getNamedType,
  isEnumType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLDirective,
  type SchemaDefinitionNode,
  type SchemaExtensionNode,
} from 'graphql';
import { SchemaError } from '../errors/schema-error.js';
import { envVariableProblem } from './env-access.js';
import { isCredentialHeader, registerSecret } from './http/secrets.js';
import {
  RESILIENCE_DEFAULTS,
  ResiliencePolicyError,
  resilienceInputsSDL,
  resiliencePolicyOf,
  resilienceSourceArgumentsSDL,
} from './http/resilience-policy.js';
import path from 'node:path';
import type { DocumentScope } from './document-scope.js';
import type { SourceConfig, SourceKind } from './protocol.js';
import { isJwtPath, parseTemplate, type Template } from './template.js';

/** SDL of `@source` and the scalars and directives shared by every protocol. */
export function sourceDirectiveSDL(kinds: readonly SourceKind[], protocolArguments: readonly string[]): string {
  return /* GraphQL */ `
"""The protocol of a source."""
enum SourceKind { ${kinds.join(' ')} }

"""A header sent on every call to a source. The value may name environment variables: "Bearer {env.SKEIN_SOURCE_SHOP_TOKEN}" (SKEIN_SOURCE_* may be read; SKEIN_ENV_ALLOW allows others), and the caller's verified token: "{jwt.sub}", "{jwt.claims.tenant}" (left out when the caller sent none)."""
input SourceHeader { name: String!, value: String! }

"""
Declares an upstream API. Write it on \`extend schema\` in the source's file.
The URL can be overridden per environment with SKEIN_SOURCE_<NAME>_URL.
"""
directive @source(
  "Unique name that fields refer to."
  name: String!
  kind: SourceKind!
  "Base URL (REST), service endpoint (SOAP) or broker (NATS: nats://host:4222, MQTT: mqtt://host:1883)."
  url: String
  headers: [SourceHeader!]
  "Incoming request headers that may be passed on to this source (an allowlist)."
  forwardHeaders: [String!]
  "Time allowed for a whole call, in milliseconds: retries, queueing and reading the body included."
  timeoutMs: Int = ${RESILIENCE_DEFAULTS.timeoutMs}
  "Largest answer accepted, in bytes."
  maxResponseBytes: Int = 52428800${resilienceSourceArgumentsSDL}
  ${protocolArguments.join('\n  ')}
) repeatable on SCHEMA
${resilienceInputsSDL}
"""The name of this field, input field, enum value or type on the wire: where it is not a valid GraphQL name, or where an import renamed it (a GraphQL source imported with --prefix)."""
directive @wire(name: String!) on FIELD_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE | OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT

"""One value of a discriminating property, and the member type it stands for."""
input DiscriminatorMapping { value: String!, type: String! }

"""
How to tell which member of a union (or interface) an upstream object is: by the value of one of
its properties (OpenAPI's discriminator). Without it, or for a value it does not map, the member
whose required fields the object has is chosen.
"""
directive @discriminator(
  "The property's name on the wire."
  property: String!
  "Values of the property and their member types; a member's own name also matches."
  mapping: [DiscriminatorMapping!]
) on UNION | INTERFACE

"""Any JSON value."""
scalar JSON
`;
}

const HTTP_SCHEMES = ['http', 'https'];

/** Name of the environment variable that overrides a source's URL: SKEIN_SOURCE_<NAME>_URL. */
export function sourceUrlVariable(sourceName: string): string {
  return `SKEIN_SOURCE_${sourceName.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

export interface SourceReadOptions {
  /** Environment for URL overrides and `{env.X}` header values; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** URL overrides by source name, applied after the environment (the demo uses them). */
  readonly urls?: Readonly<Record<string, string>>;
}

/**
 * Reads every `@source` on the schema definition and its extensions. `documentsOf` says
 * where the sources of a file may read documents; by default, inside that file's folder.
 */
export function readSources(
  definitions: readonly (SchemaDefinitionNode | SchemaExtensionNode)[],
  directive: GraphQLDirective,
  options: SourceReadOptions,
  documentsOf: (file: string) => DocumentScope = (file) => ({ folder: path.dirname(path.resolve(file)) }),
  urlSchemesOf: (kind: SourceKind) => readonly string[] = () => HTTP_SCHEMES,
): { sources: Map<string, SourceConfig>; errors: SchemaError[] } {
  const env = options.env ?? process.env;
  const sources = new Map<string, SourceConfig>();
  const errors: SchemaError[] = [];
  for (const definition of definitions) {
    for (const node of definition.directives ?? []) {
      if (node.name.value !== directive.name) continue;
      try {
        const source = readSource(node, directive, env, options.urls ?? {}, documentsOf, urlSchemesOf);
        const earlier = sources.get(source.name);
        if (earlier) {
          const at = earlier.location;
          throw new SchemaError(
            `source "${source.name}" is declared twice; the first is at ${at?.file}:${at?.line}:${at?.column}`,
            node,
          );
        }
        sources.set(source.name, source);
      } catch (error) {
        if (!(error instanceof SchemaError)) throw error;
        errors.push(error);
      }
    }
  }
  return { sources, errors };
}

/**
 * The arguments of one directive occurrence, coerced to their types with defaults
 * applied; a wrong value is a SchemaError at that occurrence.
 */
export function directiveValues(directive: GraphQLDirective, node: ConstDirectiveNode): Record<string, unknown> {
  // graphql-js says only `Argument "kind" has invalid value RESTT.`; say which values are valid.
  for (const argument of node.arguments ?? []) {
    const type = directive.args.find((a) => a.name === argument.name.value)?.type;
    const named = type && getNamedType(type);
    const values = named && isEnumType(named) ? named.getValues().map((v) => v.name) : undefined;
    if (values && argument.value.kind === Kind.ENUM && !values.includes(argument.value.value)) {
      throw new SchemaError(`@${directive.name}(${argument.name.value}: ${argument.value.value}): expected one of ${values.join(', ')}`, argument.value);
    }
  }
  try {
    // getDirectiveValues looks the directive up in a node's list; give it a list of one.
    return getDirectiveValues(directive, { directives: [node] }) ?? {};
  } catch (error) {
    throw new SchemaError(`@${directive.name}: ${(error as Error).message}`, node);
  }
}

function readSource(
  node: ConstDirectiveNode,
  directive: GraphQLDirective,
  env: Readonly<Record<string, string | undefined>>,
  urls: Readonly<Record<string, string>>,
  documentsOf: (file: string) => DocumentScope,
  urlSchemesOf: (kind: SourceKind) => readonly string[],
): SourceConfig {
  const values = directiveValues(directive, node);
  const name = String(values.name);
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    throw new SchemaError(`source name "${name}" must start with a letter and use letters, digits, _ or -`, node);
  }
  const headers: Record<string, string> = {};
  const callerHeaders: { name: string; template: Template }[] = [];
  const callerHeaderEnv: Record<string, string | undefined> = {};
  for (const header of (values.headers as { name: string; value: string }[] | null) ?? []) {
    let template;
    try {
      template = parseTemplate(header.value);
    } catch (error) {
      throw new SchemaError(`source "${name}", header ${header.name}: ${(error as Error).message}`, node);
    }
    const envNames: string[] = [];
    for (const placeholder of template.placeholders) {
      if (isJwtPath(placeholder)) continue;
      if (placeholder.length !== 2 || placeholder[0] !== 'env') {
        throw new SchemaError(
          `source "${name}", header ${header.name}: {${placeholder.join('.')}} is not a placeholder a source header can fill;` +
            ' use {env.NAME}, {jwt.sub} or {jwt.claims.NAME}',
          node,
        );
      }
      const problem = envVariableProblem(placeholder[1], env);
      if (problem) throw new SchemaError(`source "${name}", header ${header.name}: ${problem}`, node);
      envNames.push(placeholder[1]);
      // A value from the environment is a secret, wherever it ends up.
      registerSecret(env[placeholder[1]]!);
    }
    if (template.placeholders.some(isJwtPath)) {
      // Filled in per call, from the caller's verified token.
      callerHeaders.push({ name: header.name.toLowerCase(), template });
      for (const envName of envNames) callerHeaderEnv[envName] = env[envName];
      continue;
    }
    const value = template.render({ env }) ?? '';
    headers[header.name.toLowerCase()] = value;
    // A value from the environment, or any value of a credential header, is a secret.
    if (template.placeholders.length > 0 || isCredentialHeader(header.name)) registerSecret(value);
  }
  const url = urls[name] ?? env[sourceUrlVariable(name)] ?? (values.url as string | null | undefined) ?? undefined;
  const schemes = urlSchemesOf(values.kind as SourceKind);
  if (url !== undefined && !schemes.some((scheme) => url.startsWith(`${scheme}://`))) {
    const shown = url.replace(/\/\/[^/@\s]*@/, '//'); // a URL may carry credentials
    throw new SchemaError(`source "${name}": url "${shown}" must start with ${schemes.map((s) => `${s}://`).join(' or ')}`, node);
  }
  if (url !== undefined) {
    try {
      registerSecret(decodeURIComponent(new URL(url).password));
    } catch {
      // Not a URL that parses; building a request from it will say so.
    }
  }
  try {
    resiliencePolicyOf({ timeoutMs: Number(values.timeoutMs), options: values });
  } catch (error) {
    if (!(error instanceof ResiliencePolicyError)) throw error;
    throw new SchemaError(`source "${name}": ${error.message}`, node);
  }
  const file = node.loc?.source.name ?? '<schema>';
  return {
    name,
    kind: values.kind as SourceKind,
    url,
    headers,
    callerHeaders,
    callerHeaderEnv,
    forwardHeaders: ((values.forwardHeaders as string[] | null) ?? []).map((h) => h.toLowerCase()),
    timeoutMs: Number(values.timeoutMs),
    options: values,
    file,
    documents: documentsOf(file),
    location: new SchemaError('', node).location,
  };
}
