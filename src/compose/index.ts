export { composeRequest, type ComposeOptions, type DraftedComposite } from './compose.js';
export { ComposeError, type ComposeErrorCode } from './compose-error.js';
export { OperationIndex, operationIndexOf, type Candidate, type IndexedOperation } from './operation-index.js';
export { CLEAR_LEAD, type StepMatch } from './match.js';
export { COMPOSITE_PROTOCOLS, majorityProtocols, type CompositeProtocol } from './protocol.js';
export { readRequestDocument, type ComposeRequest } from './request-document.js';
