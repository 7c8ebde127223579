export { batchDirectiveSDL, compileBatchForms, type BatchForm } from './batch-directive.js';
export { parseCallExpression, type CallExpression } from './call-expression.js';
export { RequestLoaders } from './request-loaders.js';
