export { createCapabilitiesHandler, CAPABILITIES_PREFIX, type CapabilitiesOptions } from './capabilities-app.js';
export { openAPIDocument } from './openapi-document.js';
export { catalogPage } from './catalog-page.js';
export { callComposite, type EndpointAnswer } from './composite-endpoint.js';
