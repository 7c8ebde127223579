export { startGateway, type GatewayOptions, type RunningGateway } from './gateway.js';
export { createGraphQLApp, type GatewayContext } from './graphql-app.js';
