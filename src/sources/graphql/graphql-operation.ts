import { SchemaError } from '../../errors/schema-error.js';
import type { Operation, OperationDefinition, RequestContext } from '../protocol.js';
import { UpstreamError, UpstreamErrorCode } from '../upstream-error.js';
import { delegationPlanOf } from './delegation-plan.js';
import type { GraphQLClient } from './graphql-client.js';
import { loadRootField, sendMutationField } from './request-batches.js';
import { rootFieldFetch } from './upstream-fetch.js';

/**
 * Compiles a `@graphql` root field into an Operation that delegates: it forwards the
 * client's selection below the field (see upstream-selection.ts). Queries are merged per
 * source and tick into one upstream operation; mutations go one by one, in order.
 */
export function compileGraphQLOperation(definition: OperationDefinition<GraphQLClient>): Operation {
  const { field, parentType, source, client, directiveArgs } = definition;
  const name = `${parentType}.${field.name}`;
  const upstreamName = (directiveArgs.field as string | null | undefined) ?? field.name;
  if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(upstreamName)) {
    throw new SchemaError(`@graphql on ${name}: field "${upstreamName}" is not a GraphQL name`, definition.node);
  }
  const isQuery = parentType === 'Query';
  // Sent as the upstream has it; read as this schema has it (a moved field keeps its upstream root).
  const sentAs = directiveArgs.operation === 'MUTATION' ? 'mutation' : directiveArgs.operation === 'QUERY' ? 'query' : isQuery ? 'query' : 'mutation';
  return {
    name,
    source,
    idempotent: isQuery,
    delegates: true,
    call(args: Readonly<Record<string, unknown>>, context: RequestContext, info) {
      if (!info) {
        return Promise.reject(
          new UpstreamError(
            UpstreamErrorCode.BAD_RESPONSE,
            `${name} forwards a selection to GraphQL source "${source.name}", so it can only be called from a GraphQL document`,
            { source: source.name },
          ),
        );
      }
      const plan = delegationPlanOf(info.schema);
      const fetch = rootFieldFetch(plan, source.name, field, upstreamName, args, info);
      return sentAs === 'query' ? loadRootField(client, plan, fetch, context) : sendMutationField(client, plan, fetch, context);
    },
  };
}
