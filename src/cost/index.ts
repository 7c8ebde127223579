export { CostModel, UPSTREAM_CALL_WEIGHT, type CostModelOptions, type FieldCost } from './cost-model.js';
export { queryCost } from './query-cost.js';
export { listSizeDirectiveSDL, CONVENTIONAL_SLICING_ARGUMENTS } from './list-size-directive.js';
