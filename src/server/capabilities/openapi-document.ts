import { isNonNullType, type GraphQLField } from 'graphql';
import type { Graph } from '../../graph/index.js';
import { JsonSchemas, type JsonSchema } from './json-schema.js';

export interface OpenAPIOptions {
  readonly paused: ReadonlySet<string>;
  /** Shown as info.version: which registry revision this describes. */
  readonly version: string;
}

/**
 * An OpenAPI 3.1 document of every composite the graph serves at `/api/<name>`: a GET
 * with query parameters (a query) or a POST with a JSON body (a mutation), parameters
 * from its variables (internal ones left out), the response schema from its result type.
 */
export function openAPIDocument(graph: Graph, options: OpenAPIOptions): Record<string, unknown> {
  const schemas = new JsonSchemas();
  const paths: Record<string, unknown> = {};
  for (const plan of [...graph.plans.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const root = plan.operation === 'mutation' ? graph.schema.getMutationType() : graph.schema.getQueryType();
    const field = root?.getFields()[plan.name] as GraphQLField<unknown, unknown> | undefined;
    if (!field) continue;
    const stages = plan.stages.map((s) => s.join(' ‖ ')).join(' → ');
    const paused = options.paused.has(plan.name);
    const operation: Record<string, unknown> = {
      operationId: plan.name,
      summary: plan.description?.split('\n')[0] ?? `Composite ${plan.name}`,
      description: [
        plan.description,
        `Plan: ${stages}.`,
        paused ? '**Paused**: answers 503 until it is resumed.' : undefined,
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: ['composites'],
      'x-skein-protocol': graph.protocols.get(plan.name) ?? 'REST',
      responses: {
        '200': {
          description: 'The composite\'s result; `errors` lists the steps that failed, when some did.',
          content: { 'application/json': { schema: answerSchema(schemas.of(field.type)) } },
        },
        '400': errorResponse('Missing or malformed variables; `problems` names each.'),
        '404': errorResponse('No published composite of this name.'),
        '405': errorResponse(`Wrong method: this composite is called with ${plan.operation === 'mutation' ? 'POST' : 'GET'}.`),
        '502': errorResponse('Upstream failures left the composite without any data.'),
        '503': errorResponse('The composite is paused.'),
      },
    };
    if (plan.operation === 'mutation') {
      const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => a.name);
      operation.requestBody = {
        required: required.length > 0,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              properties: Object.fromEntries(field.args.map((a) => [a.name, withDefault(schemas.of(a.type), a.defaultValue, a.description)])),
              required,
              additionalProperties: false,
            },
          },
        },
      };
      paths[`/api/${plan.name}`] = { post: operation };
    } else {
      operation.parameters = field.args.map((a) => {
        const schema = withDefault(schemas.of(a.type), a.defaultValue, undefined);
        const structured = '$ref' in schema || (Array.isArray(schema.anyOf) && (schema.anyOf as JsonSchema[]).some((s) => '$ref' in s));
        return {
          name: a.name,
          in: 'query',
          required: isNonNullType(a.type) && a.defaultValue === undefined,
          ...(a.description ? { description: a.description } : {}),
          // Input objects travel as JSON text; scalars and lists (repeated) as plain values.
          ...(structured ? { content: { 'application/json': { schema } } } : { schema, style: 'form', explode: true }),
        };
      });
      paths[`/api/${plan.name}`] = { get: operation };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Skein composite APIs',
      version: options.version,
      description: 'Every published composite of this gateway as a REST endpoint. The same composites are fields of the GraphQL API at /graphql.',
    },
    servers: [{ url: '/' }],
    tags: [{ name: 'composites', description: 'Composite APIs: one call, a planned set of upstream calls.' }],
    paths,
    components: {
      schemas: {
        ...schemas.components,
        Error: {
          type: 'object',
          properties: {
            message: { type: 'string' },
            path: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
            extensions: { type: 'object', properties: { code: { type: 'string' } } },
          },
          required: ['message'],
        },
      },
    },
  };
}

function answerSchema(data: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: { data, errors: { type: 'array', items: { $ref: '#/components/schemas/Error' } } },
    required: ['data'],
  };
}

function errorResponse(description: string) {
  return {
    description,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          properties: {
            errors: { type: 'array', items: { $ref: '#/components/schemas/Error' } },
            problems: { type: 'array', items: { type: 'string' } },
          },
          required: ['errors'],
        },
      },
    },
  };
}

function withDefault(schema: JsonSchema, value: unknown, description: string | null | undefined): JsonSchema {
  return { ...schema, ...(value !== undefined ? { default: value } : {}), ...(description ? { description } : {}) };
}
