import type { Protocol } from '../protocol.js';
import { rememberClient } from './delegated-fields.js';
import { GraphQLClient } from './graphql-client.js';
import { graphqlDirectiveSDL, graphqlSourceArguments } from './graphql-directive.js';
import { compileGraphQLOperation } from './graphql-operation.js';
import { compileGraphQLSubscription } from './graphql-subscription.js';
import { mergeEntityDeclarations } from './merge-entities.js';

/** GraphQL APIs and Apollo Federation subgraphs: root fields (Subscription ones too) with `@graphql`, entity types with `@entity`. */
export const graphqlProtocol: Protocol<GraphQLClient> = {
  kind: 'GRAPHQL',
  directive: 'graphql',
  subscriptionDirective: 'graphql',
  sdl: graphqlDirectiveSDL,
  sourceArguments: graphqlSourceArguments,
  async connect(source) {
    const client = new GraphQLClient(source);
    rememberClient(source, client);
    return client;
  },
  compileOperation: compileGraphQLOperation,
  compileSubscription: compileGraphQLSubscription,
  prepareDocument: mergeEntityDeclarations,
  close: (client) => client.close(),
};

export { compileDelegatedFields, type DelegatedField } from './delegated-fields.js';
export type { GraphQLClient } from './graphql-client.js';
export { ownFieldOf } from './upstream-selection.js';
