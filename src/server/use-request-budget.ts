import type { ExecutionArgs } from 'graphql';
import { CostModel, queryCost } from '../cost/index.js';
import type { Graph } from '../graph/index.js';
import { RequestBudget, type BudgetLimits } from '../sources/index.js';
import type { GatewayPlugin } from './gateway-plugin.js';

/** The server context the pipeline gives each HTTP request: the graph it leased and its budget. */
export interface BudgetedContext {
  readonly graph?: Graph;
  readonly budget?: RequestBudget;
}

/**
 * Charges each operation's estimated cost to its request's budget before it runs, with
 * the variables it runs with (a list's size is often one): every operation of a JSON
 * batch shares one budget, so a batch is costed as a whole. An operation over the limit
 * does not run (QUERY_TOO_COSTLY, as a request error). The rest of the budget (upstream
 * calls, bytes, time) is enforced by the transport as the operation runs.
 */
export function useRequestBudget(limits: BudgetLimits & { readonly defaultListSize: number }): GatewayPlugin {
  const models = new WeakMap<object, CostModel>();
  const modelOf = (args: ExecutionArgs, graph: Graph | undefined): CostModel => {
    const key = graph ?? args.schema;
    let model = models.get(key);
    if (!model) {
      const compositeSteps = new Map<string, number>();
      for (const plan of graph?.plans.values() ?? []) {
        compositeSteps.set(`${plan.operation === 'mutation' ? 'Mutation' : 'Query'}.${plan.name}`, plan.steps.length);
      }
      model = new CostModel(args.schema, { compositeSteps, defaultListSize: limits.defaultListSize });
      models.set(key, model);
    }
    return model;
  };

  return {
    name: 'request-budget',
    onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as BudgetedContext;
      const budget = context.budget ?? new RequestBudget(limits);
      const cost = queryCost(modelOf(args, context.graph), args.document, args.operationName, args.variableValues);
      const refusal = budget.chargeCost(cost);
      if (refusal) setResultAndStopExecution({ errors: [refusal] });
    },
  };
}
