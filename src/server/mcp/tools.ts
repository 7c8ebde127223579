import { getNamedType, isNonNullType, isObjectType, type GraphQLField } from 'graphql';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Graph } from '../../graph/index.js';
import { JsonSchemas, type JsonSchema } from '../capabilities/json-schema.js';

/** A composite the graph serves as a tool: its plan's kind and the field that runs it. */
export interface CompositeTool {
  readonly definition: Tool;
  readonly operation: 'query' | 'mutation';
  readonly field: GraphQLField<unknown, unknown>;
}

interface GraphTools {
  /** Every composite of the graph by name, paused ones included (a call answers COMPOSITE_PAUSED). */
  readonly byName: ReadonlyMap<string, CompositeTool>;
  /** What tools/list answers: the published composites, paused ones left out, by name. */
  readonly listed: readonly Tool[];
  /** The listed tools as text, to tell whether a new graph changed the list. */
  readonly fingerprint: string;
}

const cache = new WeakMap<Graph, GraphTools>();

/**
 * The tools of a graph, built once per graph (a reload makes a new graph, so the next
 * request sees its tools; an old graph's tools go with it). One tool per composite:
 * its name, its `#` comment as the description, a JSON Schema of its variables (internal
 * ones are not arguments) and one of its result, from the same JsonSchemas as /api's
 * OpenAPI document.
 */
export function graphTools(graph: Graph): GraphTools {
  let tools = cache.get(graph);
  if (!tools) {
    const byName = new Map<string, CompositeTool>();
    for (const plan of [...graph.plans.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      const root = plan.operation === 'mutation' ? graph.schema.getMutationType() : graph.schema.getQueryType();
      const field = root?.getFields()[plan.name] as GraphQLField<unknown, unknown> | undefined;
      if (!field) continue;
      byName.set(plan.name, { operation: plan.operation, field, definition: toolDefinition(plan.name, plan.operation, plan.description, field) });
    }
    const listed = [...byName.values()].filter((t) => !graph.paused.has(t.definition.name)).map((t) => t.definition);
    tools = { byName, listed, fingerprint: JSON.stringify(listed) };
    cache.set(graph, tools);
  }
  return tools;
}

function toolDefinition(name: string, operation: 'query' | 'mutation', description: string | undefined, field: GraphQLField<unknown, unknown>): Tool {
  const outputSchema = resultSchema(field);
  return {
    name,
    description: description ?? `The composite ${name}.`,
    inputSchema: variablesSchema(field),
    ...(outputSchema ? { outputSchema } : {}),
    // A query composite only reads; a mutation's effects are its upstreams' to say.
    annotations: { readOnlyHint: operation === 'query', openWorldHint: true },
  };
}

/** `{ type: object, properties: { orderId: { type: string } }, required: [orderId] }`, with `$defs` for input and enum types. */
function variablesSchema(field: GraphQLField<unknown, unknown>): Tool['inputSchema'] {
  const schemas = new JsonSchemas('#/$defs/');
  const properties = Object.fromEntries(
    field.args.map((a) => [
      a.name,
      { ...schemas.of(a.type), ...(a.defaultValue !== undefined ? { default: a.defaultValue } : {}), ...(a.description ? { description: a.description } : {}) },
    ]),
  );
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => a.name);
  return { type: 'object', properties, required, additionalProperties: false, ...defs(schemas) };
}

/**
 * The result type's own schema at the root (MCP wants an object there), its nested types
 * in `$defs`. A composite's result type mirrors its selection, so it is always an object
 * type; anything else gets no output schema.
 */
function resultSchema(field: GraphQLField<unknown, unknown>): Tool['outputSchema'] | undefined {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return undefined;
  const schemas = new JsonSchemas('#/$defs/');
  schemas.of(type);
  const root = schemas.components[type.name] as JsonSchema & { type: 'object' };
  return { ...root, ...defs(schemas) };
}

function defs(schemas: JsonSchemas): { $defs?: Record<string, JsonSchema> } {
  return Object.keys(schemas.components).length ? { $defs: schemas.components } : {};
}
