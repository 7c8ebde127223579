import type http from 'node:http';
import type { ExecutionResult, GraphQLError } from 'graphql';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Graph } from '../../graph/index.js';
import type { TrustedOperation } from '../pipeline.js';
import { documentFor } from '../capabilities/composite-endpoint.js';
import { BadVariables, variablesFromBody } from '../capabilities/request-variables.js';
import { graphTools } from './tools.js';

export interface ToolCall {
  /** The graph the HTTP request leased. */
  readonly graph: Graph;
  readonly name: string;
  readonly args: Record<string, unknown> | undefined;
  /** The HTTP request that carried the call: its headers are forwarded as /graphql's are, its end cancels the call. */
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly execute: (operation: TrustedOperation) => Promise<ExecutionResult>;
}

/** An error as a tool call reports it: the GraphQL error's message, code and path. */
interface ToolError {
  readonly message: string;
  readonly path?: readonly (string | number)[];
  readonly extensions?: Record<string, unknown>;
}

/**
 * Calls one composite as a tool, through the /graphql pipeline's execution exactly as
 * /api does (the same generated document, the same masking and budget). The result is
 * the composite's value as structured content (and as JSON text, for clients that read
 * only text). Any error, a failed step among successes too, makes it a tool error
 * (`isError`) whose text names each error's code, path and message, followed by
 * `{ data, errors }` as JSON (errors as /api reports them). An unknown tool is a
 * protocol error (invalid params), as MCP asks.
 */
export async function callTool(call: ToolCall): Promise<CallToolResult> {
  const tool = graphTools(call.graph).byName.get(call.name);
  if (!tool) {
    throw new McpError(ErrorCode.InvalidParams, `no published composite is named "${call.name}"; tools/list lists what is served`);
  }
  if (call.graph.paused.has(call.name)) {
    return toolError(null, [{ message: `composite "${call.name}" is paused; it answers again once it is resumed`, extensions: { code: 'COMPOSITE_PAUSED' } }]);
  }
  let variables: Record<string, unknown>;
  try {
    variables = variablesFromBody(call.name, tool.field.args, call.args);
  } catch (failure) {
    if (failure instanceof BadVariables) return toolError(null, failure.problems.map((message) => ({ message, extensions: { code: 'BAD_REQUEST' } })));
    throw failure;
  }

  const result = (await call.execute({
    req: call.req,
    res: call.res,
    graph: call.graph,
    document: documentFor(call.graph, tool.operation, tool.field),
    variables,
  })) as ExecutionResult<Record<string, unknown>>;

  const errors = result.errors?.map(reported) ?? [];
  const value = result.data?.[call.name] as Record<string, unknown> | null | undefined;
  if (value === undefined) {
    // Variables graphql-js could not coerce (a string for an Int): the caller's fault.
    return toolError(null, errors.map((e) => ({ ...e, extensions: { ...e.extensions, code: e.extensions?.code ?? 'BAD_REQUEST' } })));
  }
  if (errors.length || value === null) return toolError(value, errors);
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
}

function toolError(data: Record<string, unknown> | null, errors: readonly ToolError[]): CallToolResult {
  const lines = errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}${e.path?.length ? ` at ${e.path.join('.')}` : ''}: ${e.message}`);
  return {
    isError: true,
    content: [
      { type: 'text', text: lines.join('\n') || 'the composite answered no data' },
      { type: 'text', text: JSON.stringify({ data, errors }) },
    ],
  };
}

/** A GraphQL error without `locations`, which would point into a document the caller never saw (as /api). */
function reported(error: GraphQLError): ToolError {
  const { locations: _locations, ...rest } = error.toJSON();
  return rest;
}
