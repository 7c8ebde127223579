export { startGateway, type GatewayOptions, type LiveGraph, type RunningGateway } from './gateway.js';
export { AdminTokens, ADMIN_ENDPOINT, startRegistryGateway, type RunningRegistryGateway } from './admin/index.js';
export { createGraphQLApp, type GatewayContext } from './graphql-app.js';
