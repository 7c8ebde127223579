import { Kind, type DocumentNode, type ExecutionArgs } from 'graphql';
import { CostModel, queryCost } from '../cost/index.js';
import type { Graph } from '../graph/index.js';
import { RequestBudget, type BudgetLimits } from '../sources/index.js';
import type { GatewayPlugin, OperationHookPayload } from './gateway-plugin.js';

/** The server context the pipeline gives each HTTP request: the graph it leased and its budget. */
export interface BudgetedContext {
  readonly graph?: Graph;
  readonly budget?: RequestBudget;
}

/**
 * Charges each operation's estimated cost to its request's budget before it runs, with
 * the variables it runs with (a list's size is often one): every operation of a JSON
 * batch shares one budget, so a batch is costed as a whole. An operation over the limit
 * does not run (QUERY_TOO_COSTLY, as a request error); a subscription over it does not
 * subscribe. The rest of the budget (upstream calls, bytes, time) is enforced by the
 * transport as the operation runs, and as each event of a subscription is resolved.
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

  // An operation without variables costs the same every time: kept per model and document
  // (the document cache hands out the same document object for the same text).
  const fixedCosts = new WeakMap<CostModel, WeakMap<DocumentNode, Map<string, number>>>();
  const costOf = (model: CostModel, args: ExecutionArgs): number => {
    if (takesVariables(args.document, args.operationName)) return queryCost(model, args.document, args.operationName, args.variableValues);
    let byDocument = fixedCosts.get(model);
    if (!byDocument) fixedCosts.set(model, (byDocument = new WeakMap()));
    let byOperation = byDocument.get(args.document);
    if (!byOperation) byDocument.set(args.document, (byOperation = new Map()));
    const key = args.operationName ?? '';
    let cost = byOperation.get(key);
    if (cost === undefined) byOperation.set(key, (cost = queryCost(model, args.document, args.operationName, undefined)));
    return cost;
  };

  const charge = ({ args, setResultAndStopExecution }: { readonly args: ExecutionArgs } & Pick<OperationHookPayload, 'setResultAndStopExecution'>) => {
    const context = args.contextValue as BudgetedContext;
    const budget = context.budget ?? new RequestBudget(limits);
    const cost = costOf(modelOf(args, context.graph), args);
    const refusal = budget.chargeCost(cost);
    if (refusal) setResultAndStopExecution({ errors: [refusal] });
  };

  return {
    name: 'request-budget',
    onExecute: charge,
    // A subscription's cost is charged as it subscribes (its events' selection, once).
    onSubscribe: charge,
    // Each event spends a budget of its own, as a request does: one shared by all of them
    // would refuse every event's upstream calls once the first events had made the
    // request's number, or its time had passed.
    onSubscriptionEvent: () => ({ extendContext: { budget: new RequestBudget(limits) } }),
  };
}

/** Whether the operation to run declares variables (then a list's size may be one of them). */
function takesVariables(document: DocumentNode, operationName: string | null | undefined): boolean {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName && definition.name?.value !== operationName) continue;
    return (definition.variableDefinitions?.length ?? 0) > 0;
  }
  return false;
}
